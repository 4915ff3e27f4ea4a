// Rolling a target back to an earlier release (DESIGN.md §6). Where the platform has its own
// mechanism (adapter.rollback: alias, revision traffic, slot swap) the engine uses it.
// Otherwise it re-applies the earlier release: the release snapshot kept the service spec and
// target options that produced it (releases.ts), so the adapter's pure plan() computes the
// changes from what the cloud holds now back to that, and apply() carries them out. Secret
// references of the earlier release are resolved again: their values as of now are applied.

import type { ApplyResult, ResourceChange } from "../core/provider.js";
import { ProviderError, toApishipError } from "../errors.js";
import { RESOURCES_KEY, splitRecordedState, withRecordedResources } from "../plan/assemble.js";
import { fingerprintSecrets } from "../plan/secrets.js";
import type { TargetRecord } from "../state/store.js";
import { adapterStateOf } from "./adapters.js";
import type { TargetHandle } from "./adapters.js";
import { recordIntent, settleFromCloud } from "./intents.js";
import { dominantAction } from "./jobs.js";
import type { Desired, Snapshot } from "./releases.js";
import type { Attempted } from "./retry.js";
import type { RunContext } from "./run.js";
import { callAdapter, reportError } from "./run.js";
import { resolveSecrets } from "./secrets.js";
import type { ReportedError } from "./types.js";

export interface RolledBack {
  ok: boolean;
  method: "native" | "reapply";
  attempts: number;
  record?: TargetRecord;
  /** What the target now runs: the snapshot's desired inputs. */
  desired?: Desired;
  error?: ReportedError;
}

function recordFrom(
  run: RunContext,
  handle: TargetHandle,
  res: ApplyResult<object>,
  state: Record<string, unknown>,
): TargetRecord {
  const r: TargetRecord = {
    target: handle.name,
    platform: handle.adapter.id,
    name: handle.baseName,
    options: handle.spec.options,
    state,
    outputs: res.outputs,
    deployedAt: run.now().toISOString(),
  };
  if (res.endpoint !== undefined) r.endpoint = res.endpoint;
  if (res.release !== undefined) r.release = res.release;
  return r;
}

type Applied = Attempted<{ res: ApplyResult<object>; state: Record<string, unknown> }>;

/** An adapter step of the rollback, with the intent recorded before its mutating call. */
interface Step {
  intentId?: string;
  res: Applied;
}

async function nativeRollback(
  run: RunContext,
  handle: TargetHandle,
  current: TargetRecord,
  to: Snapshot,
): Promise<Step> {
  const rollback = handle.adapter.rollback;
  if (!rollback)
    throw new ProviderError(`${handle.adapter.id} has no native rollback`, {
      code: "ROLLBACK_UNAVAILABLE",
      hint: "this is a bug in apiship",
    });
  const clients = await handle.clients();
  // The values of the release gone back to, for a platform that keeps them nowhere else (a
  // local process's environment); resolved as of now, like a re-apply. A cloud that holds them
  // needs none, so one that no longer resolves does not stop its rollback.
  const resolved = await resolveSecrets(to.desired?.service ?? run.stack.service, run.env, run.baseDir);
  const secrets = resolved.error ? {} : resolved.values;
  run.redact.add(Object.values(secrets));
  const intent = await recordIntent(run, handle, "update");
  const res = await callAdapter(run, handle, "rollback", (signal) =>
    rollback.call(
      handle.adapter,
      handle.ctx(clients, signal),
      adapterStateOf(current) ?? {},
      adapterStateOf(to.record) ?? {},
      secrets,
    ),
  );
  if (!res.ok) return { intentId: intent.id, res };
  const resources =
    splitRecordedState(to.record.state).resources ?? splitRecordedState(current.state).resources;
  const state = resources ? { ...res.value.state, [RESOURCES_KEY]: resources } : { ...res.value.state };
  return { intentId: intent.id, res: { ...res, value: { res: res.value, state } } };
}

function noDesired(handle: TargetHandle, release: number): ProviderError {
  return new ProviderError(
    `release ${release} of ${handle.name} did not record the manifest it was deployed from, so it cannot be re-applied`,
    {
      code: "ROLLBACK_UNAVAILABLE",
      fault: "user",
      target: handle.name,
      hint: "deploy the earlier manifest again (e.g. from version control) to go back",
    },
  );
}

async function reapply(
  run: RunContext,
  handle: TargetHandle,
  current: TargetRecord | undefined,
  desired: Desired,
): Promise<Step> {
  const clients = await handle.clients();
  const recorded = adapterStateOf(current);
  const read = await callAdapter(run, handle, "read", (signal) =>
    handle.adapter.read(handle.ctx(clients, signal), recorded, handle.baseName),
  );
  if (!read.ok) return { res: read };
  const secrets = await resolveSecrets(desired.service, run.env, run.baseDir);
  if (secrets.error) return { res: { ok: false, error: secrets.error, attempts: read.attempts } };
  // The older release may name other secrets than the manifest the run started from.
  run.redact.add(Object.values(secrets.values));
  const hashes = await fingerprintSecrets(desired.service, run.session.state.secretKey, run.env, run.baseDir);
  const req = {
    stack: run.stack,
    target: { ...handle.spec, options: desired.options },
    service: desired.service,
    name: handle.baseName,
    recorded,
    observed: read.value as Record<string, unknown> | undefined,
    secretHashes: hashes.hashes,
  };
  const changes: ResourceChange[] = handle.adapter.plan(req).changes;
  const intent = await recordIntent(run, handle, dominantAction(changes));
  const res = await callAdapter(run, handle, "rollback", (signal) =>
    handle.adapter.apply(handle.ctx(clients, signal), { ...req, changes, secrets: secrets.values }),
  );
  const attempts = res.attempts + read.attempts;
  if (!res.ok) return { intentId: intent.id, res: { ...res, attempts } };
  const state = withRecordedResources(res.value.state, changes);
  return { intentId: intent.id, res: { ok: true, attempts, value: { res: res.value, state } } };
}

/** Rolls one target back to `to`; never throws for a cloud failure (the result says). */
export async function rollbackTarget(
  run: RunContext,
  handle: TargetHandle,
  current: TargetRecord | undefined,
  to: Snapshot,
): Promise<RolledBack> {
  const method = handle.adapter.rollback && current ? "native" : "reapply";
  run.emit({ type: "rollback", target: handle.name, phase: "start", method, toRelease: to.release });
  let out: RolledBack;
  try {
    out = await rollbackOnce(run, handle, current, to, method);
  } catch (e) {
    out = { ok: false, method, attempts: 0, error: reportError(toApishipError(e), run.redact) };
  }
  const error = out.error ? { error: out.error } : {};
  run.emit({
    type: "rollback",
    target: handle.name,
    phase: "end",
    method,
    ok: out.ok,
    toRelease: to.release,
    ...error,
  });
  return out;
}

async function rollbackOnce(
  run: RunContext,
  handle: TargetHandle,
  current: TargetRecord | undefined,
  to: Snapshot,
  method: "native" | "reapply",
): Promise<RolledBack> {
  let step: Step;
  if (method === "native" && current) step = await nativeRollback(run, handle, current, to);
  else if (!to.desired) throw noDesired(handle, to.release);
  else step = await reapply(run, handle, current, to.desired);
  const { res, intentId } = step;
  if (!res.ok) {
    // Half a rollback is still something the cloud holds: record it as it is.
    if (intentId && (await settleFromCloud(run, handle, current))) await run.session.resolveIntent(intentId);
    return { ok: false, method, attempts: res.attempts, error: reportError(res.error, run.redact) };
  }
  const record = recordFrom(run, handle, res.value.res, res.value.state);
  await run.session.write({ [handle.name]: record });
  if (intentId) await run.session.resolveIntent(intentId);
  // Remember which release now runs, so a later `rollback` goes back before it.
  const desired = to.desired
    ? { ...to.desired, healthy: true, from: to.desired.from ?? to.release }
    : undefined;
  return { ok: true, method, attempts: res.attempts, record, ...(desired ? { desired } : {}) };
}
