// The PURE planning loop both Azure platforms share: a chain of ARM resources in dependency
// order (resource group → plan → site → ...), each diffed on its attributes. A replace drags
// the resources after it along (a new plan needs a new site on it), except where the
// platform says a replace stays local.

import type { PlanResponse, ResourceChange } from "../../src/core/provider.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import { resourceChange } from "../_shared/plan.js";

type Attrs = Record<string, unknown>;

export interface ResourceChain<T extends string> {
  types: readonly T[];
  before: Record<T, Attrs | null>;
  after: Record<T, Attrs | null>;
  dependsOn: Record<T, T[]>;
  /** The resource whose `secrets` attributes are rendered "(sensitive)". */
  secretsOn: T;
  forcesReplace(type: T): string[];
  physical(type: T): string;
  /** How a replace of `type` is named when it drags later resources; undefined: it drags none. */
  cascadeLabel(type: T): string | undefined;
}

/** Changes in chain order; resources neither present nor wanted are left out. */
export function planChain<T extends string>(c: ResourceChain<T>): PlanResponse {
  const changes: ResourceChange[] = [];
  let cascade: string | undefined;
  for (const type of c.types) {
    const b = c.before[type];
    const a = c.after[type];
    if (b === null && a === null) continue;
    const secretNames = Object.keys({ ...(b?.secrets as Attrs), ...(a?.secrets as Attrs) });
    const diff = diffAttributes(b, a, {
      sensitive: type === c.secretsOn ? secretNames.map((n) => joinPath("secrets", n)) : [],
      forcesReplace: c.forcesReplace(type),
    });
    // The resource group is never recreated because something inside it is.
    const dragged = cascade !== undefined && b !== null && a !== null && type !== "resource-group";
    const change = resourceChange(
      {
        type,
        name: c.physical(type),
        before: b,
        after: a,
        dependsOn: c.dependsOn[type].filter((d) => c.after[d] !== null),
      },
      diff,
      dragged ? cascade : undefined,
    );
    changes.push(change);
    if (change.action === "replace" && cascade === undefined) cascade = c.cascadeLabel(type);
  }
  return { changes };
}
