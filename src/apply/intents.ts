// Intents (DESIGN.md §5): before a target's mutating call the engine records what it is about
// to do; after the result is in the state, the intent is resolved. An intent still open at the
// start of a run means a run died between the two, so the cloud may hold something the state
// does not know: read() by the deterministic name settles it. Found (read() checks our
// ownership tags and refuses anything else) → recorded; not found → the record goes and the
// intent is dropped. The same settling runs after a failed apply, so a target that half
// applied is recorded as the cloud holds it.

import type { Action, ResourceChange } from "../core/provider.js";
import { RESOURCES_KEY, splitRecordedState } from "../plan/assemble.js";
import type { Intent, TargetRecord } from "../state/store.js";
import { adapterStateOf, targetHandle } from "./adapters.js";
import type { TargetHandle } from "./adapters.js";
import type { RunContext } from "./run.js";
import { callAdapter, reportError } from "./run.js";

/** Records the intent of one target's mutating call; one intent covers the whole target. */
export function recordIntent(run: RunContext, handle: TargetHandle, action: Action): Promise<Intent> {
  return run.session.addIntent({
    target: handle.name,
    action,
    resourceType: "target",
    physicalName: handle.baseName,
  });
}

function resourcesOf(
  record: TargetRecord | undefined,
  changes: readonly ResourceChange[] | undefined,
): unknown {
  if (changes) {
    return changes
      .filter((c) => c.action !== "delete")
      .map((c) => ({ type: c.type, name: c.name, dependsOn: [...c.dependsOn] }));
  }
  return record ? splitRecordedState(record.state).resources : undefined;
}

/**
 * Reads the target and makes its record say what the cloud holds. Returns false when the
 * read failed (the caller keeps its intents open for the next run).
 */
export async function settleFromCloud(
  run: RunContext,
  handle: TargetHandle,
  record: TargetRecord | undefined,
  changes?: readonly ResourceChange[],
): Promise<boolean> {
  const clients = await handle.clients();
  const read = await callAdapter(run, handle, "read", (signal) =>
    handle.adapter.read(handle.ctx(clients, signal), adapterStateOf(record), handle.baseName),
  );
  if (!read.ok) {
    run.emit({
      type: "warning",
      target: handle.name,
      message: `could not read ${handle.name} to reconcile it: ${reportError(read.error, run.redact).message}`,
    });
    return false;
  }
  const observed = read.value as Record<string, unknown> | undefined;
  if (observed === undefined) {
    if (record) await run.session.write({ [handle.name]: null });
    return true;
  }
  const resources = resourcesOf(record, changes);
  const state = resources === undefined ? { ...observed } : { ...observed, [RESOURCES_KEY]: resources };
  const next: TargetRecord = {
    outputs: {},
    ...record,
    target: handle.name,
    platform: handle.adapter.id,
    name: handle.baseName,
    options: handle.spec.options,
    state,
    deployedAt: record?.deployedAt ?? run.now().toISOString(),
  };
  await run.session.write({ [handle.name]: next });
  return true;
}

/** Settles every open intent left by an earlier run, target by target. */
export async function reconcileIntents(run: RunContext): Promise<void> {
  const open = await run.session.openIntents();
  const byTarget = new Map<string, Intent[]>();
  for (const i of open) byTarget.set(i.target, [...(byTarget.get(i.target) ?? []), i]);
  for (const [name, intents] of byTarget) {
    const record = run.session.state.targets[name];
    let settled = false;
    try {
      const handle = await targetHandle(run, name, record);
      settled = await settleFromCloud(run, handle, record);
    } catch (e) {
      run.emit({
        type: "warning",
        target: name,
        message: `open intents of ${name} stay open: ${run.redact(e instanceof Error ? e.message : String(e))}`,
      });
    }
    if (!settled) continue;
    for (const i of intents) await run.session.resolveIntent(i.id);
  }
}
