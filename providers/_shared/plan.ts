// Pieces every adapter's pure plan() and apply() share.

import type { Action } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";

/**
 * The one-line reason a plan shows for a resource's change. `cascadeFrom` names the resource
 * whose replacement drags this one along ("the function", "the service").
 */
export function changeReason(
  action: Action,
  changedPaths: readonly string[],
  replacePaths: readonly string[],
  cascadeFrom?: string,
): string | undefined {
  if (action === "create") return "not in the cloud";
  if (action === "delete") return "no longer wanted";
  if (action === "replace")
    return cascadeFrom ? `replaced with ${cascadeFrom}` : `${replacePaths.join(", ")} cannot change in place`;
  if (action === "update") return `${changedPaths.join(", ")} changed`;
  return undefined;
}

/** The resolved value of each secret `names` lists; a missing one is a bug in the caller. */
export function resolvedSecrets(
  names: readonly string[],
  resolved: Record<string, string>,
  target: string,
  consumer: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = resolved[name];
    if (v === undefined) {
      throw new ProviderError(`secret ${name} has no value to give ${consumer}`, {
        code: "SECRET_UNRESOLVED",
        fault: "internal",
        target,
        hint: "the engine resolves secrets before apply and passes them in PlannedChange.secrets",
      });
    }
    out[name] = v;
  }
  return out;
}
