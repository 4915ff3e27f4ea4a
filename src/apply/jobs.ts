// From a Plan (fresh or saved) to the work of each target: the plan's changes turned back into
// the ResourceChange[] its adapter produced (dependsOn addresses back to resource types),
// targets removed from the stack marked for destroy, and targets the planner could not plan
// marked failed with the planner's own diagnostic.

import type { Action, ResourceChange } from "../core/provider.js";
import { ProviderError } from "../errors.js";
import type { ApishipError } from "../errors.js";
import type { Stack } from "../manifest/types.js";
import type { Change, Plan } from "../plan/types.js";
import type { StackState, TargetRecord } from "../state/store.js";

export interface TargetJob {
  name: string;
  platform: string;
  kind: "apply" | "delete";
  changes: ResourceChange[];
  /** The record before this run. */
  record: TargetRecord | undefined;
  /** Why the target cannot be deployed at all (a planning error). */
  blocked?: ApishipError;
}

export function toResourceChanges(changes: readonly Change[]): ResourceChange[] {
  const typeOf = new Map(changes.map((c) => [c.address, c.type]));
  return changes.map((c) => {
    const rc: ResourceChange = {
      type: c.type,
      name: c.name,
      action: c.action,
      before: c.before,
      after: c.after,
      sensitivePaths: [...c.sensitivePaths],
      replacePaths: [...c.replacePaths],
      dependsOn: [...new Set(c.dependsOn.map((a) => typeOf.get(a) ?? a.split(".")[1] ?? a))],
    };
    if (c.reason !== undefined) rc.reason = c.reason;
    return rc;
  });
}

const WEIGHT: Record<Action, number> = { "no-op": 0, update: 1, create: 2, delete: 3, replace: 4 };

/** The action that best names a target's change, for intents and summaries. */
export function dominantAction(changes: readonly Pick<ResourceChange, "action">[]): Action {
  return changes.reduce<Action>((a, c) => (WEIGHT[c.action] > WEIGHT[a] ? c.action : a), "no-op");
}

export function isNoop(changes: readonly Pick<ResourceChange, "action">[]): boolean {
  return changes.every((c) => c.action === "no-op");
}

function blockedBy(plan: Plan, target: string): ApishipError | undefined {
  const d = plan.diagnostics.find((x) => x.severity === "error" && x.target === target);
  if (!d) return undefined;
  return new ProviderError(d.message, {
    code: d.code,
    fault: "user",
    target,
    ...(d.hint ? { hint: d.hint } : {}),
  });
}

/** One job per target the plan touches, plus failed jobs for targets it could not plan. Sorted by name. */
export function jobsFromPlan(plan: Plan, stack: Stack, state: StackState): TargetJob[] {
  const byTarget = new Map<string, Change[]>();
  for (const c of plan.changes) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c]);
  const inStack = new Set(stack.targets.map((t) => t.name));
  const jobs: TargetJob[] = [];
  for (const [name, changes] of byTarget) {
    const record = state.targets[name];
    const removed = !inStack.has(name);
    if (removed && !record) continue;
    jobs.push({
      name,
      platform: changes[0]?.platform ?? record?.platform ?? "",
      kind: removed ? "delete" : "apply",
      changes: toResourceChanges(changes),
      record,
    });
  }
  for (const spec of stack.targets) {
    if (byTarget.has(spec.name)) continue;
    const blocked = blockedBy(plan, spec.name);
    if (!blocked) continue;
    const platform = `${spec.provider}/${spec.platform}`;
    jobs.push({
      name: spec.name,
      platform,
      kind: "apply",
      changes: [],
      record: state.targets[spec.name],
      blocked,
    });
  }
  return jobs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
