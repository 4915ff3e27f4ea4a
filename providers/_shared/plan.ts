// Pieces every adapter's pure plan() and apply() share.

import type { Action, ResourceChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { AttributeDiff } from "../../src/plan/diff.js";

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

/**
 * One resource's change from its attribute diff, with its reason. `cascadeFrom` names the
 * replaced resource that drags this one along ("the service"): the change is then a replace,
 * whatever its own attributes say.
 */
export function resourceChange(
  r: Pick<ResourceChange, "type" | "name" | "before" | "after" | "dependsOn">,
  diff: AttributeDiff,
  cascadeFrom?: string,
): ResourceChange {
  const action: Action = cascadeFrom !== undefined ? "replace" : diff.action;
  // The keys in the order a plan file has always written them.
  const change: ResourceChange = {
    type: r.type,
    name: r.name,
    action,
    before: r.before,
    after: r.after,
    sensitivePaths: diff.sensitivePaths,
    replacePaths: diff.replacePaths,
    dependsOn: r.dependsOn,
  };
  const reason = changeReason(action, diff.changedPaths, diff.replacePaths, cascadeFrom);
  if (reason !== undefined) change.reason = reason;
  return change;
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

/** Secret schemes the engine resolves itself before apply (src/apply/secrets.ts). */
const LOCAL_SCHEMES = ["env", "file"];

/**
 * For platforms that take secret values from the engine: a reference to a cloud secret manager
 * it cannot resolve yet is a user error at plan time, not a failure in the middle of a deploy.
 */
export function requireLocalSecrets(secrets: Record<string, string>, platform: string): void {
  for (const [name, ref] of Object.entries(secrets)) {
    const scheme = ref.slice(0, Math.max(0, ref.indexOf(":")));
    if (LOCAL_SCHEMES.includes(scheme)) continue;
    throw new ProviderError(
      `secret ${name} refers to ${scheme}:, which ${platform} cannot resolve in this version`,
      {
        code: "SECRET_SCHEME_UNSUPPORTED",
        fault: "user",
        hint: `use an env: or file: reference for this target (aws/ecs-fargate reads aws-sm: itself)`,
      },
    );
  }
}
