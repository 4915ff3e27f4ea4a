// One target's deploy: intent → apply (with retries) → record → resolve intent → health check
// → rollback on an unhealthy release. A failed apply is settled from the cloud (intents.ts),
// so the state says what the cloud holds even when the target half applied; a failed update
// then rolls back too.

import type { ApplyResult, Artifact, PlannedChange } from "../core/provider.js";
import type { ApishipError } from "../errors.js";
import { ProviderError, toApishipError } from "../errors.js";
import { withRecordedResources } from "../plan/assemble.js";
import type { HealthProbe } from "../manifest/types.js";
import type { TargetRecord } from "../state/store.js";
import { adapterStateOf, stepInterrupted, targetHandle } from "./adapters.js";
import type { TargetHandle } from "./adapters.js";
import type { ConnectRule } from "./connect-to.js";
import { packagedCode } from "./code.js";
import { checkHealth, describeHealth } from "./health.js";
import { checkPlatformHealth } from "./platform-probe.js";
import { recordIntent, settleFromCloud } from "./intents.js";
import type { TargetJob } from "./jobs.js";
import { dominantAction, isNoop } from "./jobs.js";
import type { Desired, Snapshot } from "./releases.js";
import { rollbackTarget } from "./rollback-target.js";
import { smokeTest } from "./smoke-step.js";
import type { SmokeSetup } from "./smoke.js";
import type { RunContext } from "./run.js";
import { callAdapter, interruptedError, reportError } from "./run.js";
import type { HealthReport, TargetOutcome } from "./types.js";

export interface TargetRunOptions {
  /** Secret name → value for this run (the local references). */
  secrets: Record<string, string>;
  /** Why secrets are unusable: every target that applies fails with it. */
  secretsError?: ApishipError;
  secretHashes: Record<string, string>;
  rollback: boolean;
  healthCheck: boolean;
  /** The newest healthy release snapshot of a target, to roll back to. */
  previous: (target: string) => Snapshot | undefined;
  /** Collects what each target now runs, for the release snapshot. */
  desired: Map<string, Desired>;
  /** APISHIP_CONNECT_TO rules for HTTP probes. */
  connectTo: readonly ConnectRule[];
  /** Target → hex SHA-256 of the function source the plan packaged (Plan.code). */
  plannedCode: Record<string, string>;
  /** The smoke test's document and operations (health.smoke: openapi), read once per run. */
  smoke?: SmokeSetup;
}

function fail(
  job: TargetJob,
  e: ApishipError,
  attempts: number,
  run: RunContext,
  extra: Partial<TargetOutcome> = {},
): TargetOutcome {
  return {
    target: job.name,
    platform: job.platform,
    status: "failed",
    attempts,
    error: reportError(e, run.redact),
    ...extra,
  };
}

function recordOf(
  run: RunContext,
  handle: TargetHandle,
  job: TargetJob,
  res: ApplyResult<object>,
): TargetRecord {
  const r: TargetRecord = {
    target: job.name,
    platform: handle.adapter.id,
    name: handle.baseName,
    options: handle.spec.options,
    state: withRecordedResources(res.state, job.changes),
    outputs: res.outputs,
    deployedAt: run.now().toISOString(),
  };
  if (res.endpoint !== undefined) r.endpoint = res.endpoint;
  if (res.release !== undefined) r.release = res.release;
  return r;
}

function planned(
  run: RunContext,
  handle: TargetHandle,
  job: TargetJob,
  o: TargetRunOptions,
  artifact: Artifact | undefined,
): PlannedChange<Record<string, unknown>, object> {
  const recorded = adapterStateOf(job.record);
  return {
    stack: run.stack,
    target: handle.spec,
    service: run.stack.service,
    name: handle.baseName,
    recorded,
    // A saved plan keeps the changes, not the observation they came from.
    observed: recorded,
    secretHashes: o.secretHashes,
    changes: job.changes,
    secrets: o.secrets,
    ...(artifact ? { artifact } : {}),
  };
}

function unhealthy(report: HealthReport, target: string, env: string): ProviderError {
  return new ProviderError(`health check of ${target} failed: ${describeHealth(report)}`, {
    code: "HEALTH_CHECK_FAILED",
    target,
    hint: `see what the service printed: apiship logs --env ${env} --target ${target} --since 15m; the health path, expected status and timeout are in service.health`,
  });
}

/** Applies the target's changes and records the result; the health check comes after. */
async function applyAndRecord(
  run: RunContext,
  handle: TargetHandle,
  job: TargetJob,
  o: TargetRunOptions,
): Promise<TargetOutcome | Applied> {
  if (o.secretsError) return fail(job, o.secretsError, 0, run);
  const clients = await handle.clients();
  if (run.stop.aborted) return { ...fail(job, interruptedError(job.name), 0, run), status: "skipped" };
  let artifact: Artifact | undefined;
  try {
    artifact = await packagedCode(run, handle, clients, job, o.plannedCode[job.name]);
  } catch (e) {
    return fail(job, toApishipError(e), 0, run);
  }
  const intent = await recordIntent(run, handle, dominantAction(job.changes));
  const change = planned(run, handle, job, o, artifact);
  const res = await callAdapter(run, handle, "apply", (signal) =>
    handle.adapter.apply(handle.ctx(clients, signal), change),
  );
  if (!res.ok) {
    if (await settleFromCloud(run, handle, job.record, job.changes))
      await run.session.resolveIntent(intent.id);
    const failed = fail(job, res.error, res.attempts, run);
    // Stopped part-way: no rollback is launched; the next run converges from the intent log.
    if (run.stop.aborted) return { ...failed, status: "interrupted" };
    return afterFailedApply(run, handle, job, o, failed);
  }
  const record = recordOf(run, handle, job, res.value);
  await run.session.write({ [job.name]: record });
  await run.session.resolveIntent(intent.id);
  return { record, attempts: res.attempts, privateEndpoint: res.value.privateEndpoint === true };
}

interface Applied {
  record: TargetRecord;
  attempts: number;
  /** The adapter said the endpoint cannot be reached from here (ApplyResult.privateEndpoint). */
  privateEndpoint: boolean;
}

/** The target's `health.probe`, else platform for a private endpoint, else http. */
function probeOf(handle: TargetHandle, applied: Applied): HealthProbe {
  return handle.spec.health?.probe ?? (applied.privateEndpoint ? "platform" : "http");
}

/** Runs the check `probe` names, with the run's soft stop: no attempt starts after Ctrl-C. */
async function probe(
  run: RunContext,
  handle: TargetHandle,
  job: TargetJob,
  o: TargetRunOptions,
  kind: "http" | "platform",
  record: TargetRecord,
): Promise<HealthReport> {
  const spec = run.stack.service.health;
  const opts = {
    signal: run.stop,
    onAttempt: (r: HealthReport) => run.emit({ type: "health", target: job.name, ...redactHealth(r, run) }),
  };
  if (kind === "http" && record.endpoint !== undefined)
    return checkHealth(record.endpoint, spec, { ...opts, connectTo: o.connectTo });
  const clients = await handle.clients();
  const state = adapterStateOf(record) ?? {};
  return checkPlatformHealth(
    `${handle.adapter.id} status of ${job.name}`,
    (signal) => handle.adapter.status(handle.ctx(clients, AbortSignal.any([signal, run.signal])), state),
    spec,
    opts,
  );
}

async function afterHealth(
  run: RunContext,
  handle: TargetHandle,
  job: TargetJob,
  o: TargetRunOptions,
  applied: Applied,
): Promise<TargetOutcome> {
  const { record, attempts } = applied;
  const base = { target: job.name, platform: job.platform, attempts, ...endpointOf(record) };
  const desired: Desired = { service: run.stack.service, options: handle.spec.options, healthy: true };
  const kind = probeOf(handle, applied);
  if (!o.healthCheck || kind === "none" || (kind === "http" && record.endpoint === undefined)) {
    o.desired.set(job.name, desired);
    return { ...base, status: "deployed" };
  }
  // Applied, but stopped before it could be checked: unverified, and no rollback is launched.
  const stopped = (): TargetOutcome => {
    o.desired.set(job.name, { ...desired, healthy: false });
    const e = reportError(stepInterrupted(job.name, "health check"), run.redact);
    return { ...base, status: "interrupted", error: e };
  };
  if (run.stop.aborted) return stopped();
  const health = await probe(run, handle, job, o, kind, record);
  const shown = redactHealth(health, run);
  const smoke = health.ok ? await smokeTest(run, job.name, o, kind, record.endpoint) : undefined;
  const checked = { health: shown, ...(smoke ? { smoke: smoke.report } : {}) };
  if (health.ok && (!smoke || smoke.report.ok)) {
    o.desired.set(job.name, desired);
    return { ...base, status: "deployed", ...checked };
  }
  if (run.stop.aborted) return { ...stopped(), ...checked };
  const why = smoke?.failure ?? unhealthy(shown, job.name, run.stack.environment);
  const error = reportError(why, run.redact);
  const to = o.rollback ? o.previous(job.name) : undefined;
  if (!to) {
    o.desired.set(job.name, { ...desired, healthy: false });
    const kept = o.rollback
      ? { hint: "no earlier healthy release of this target to roll back to; the new release is kept" }
      : {};
    return { ...base, status: "failed", ...checked, error: { ...error, ...kept } };
  }
  const back = await rollbackTarget(run, handle, record, to);
  if (back.desired) o.desired.set(job.name, back.desired);
  const rolled = back.record ? endpointOf(back.record) : {};
  const status = back.ok ? "rolled-back" : "failed";
  return {
    ...base,
    ...rolled,
    status,
    attempts: attempts + back.attempts,
    ...checked,
    error: back.ok ? error : (back.error ?? error),
  };
}

/**
 * A failed update goes back to the last healthy release, as an unhealthy one does (DESIGN.md §6):
 * a rollout whose pods cannot pull their image must not leave the target on that image. A failed
 * create has no release to go back to, and an interrupted run launches nothing new.
 */
async function afterFailedApply(
  run: RunContext,
  handle: TargetHandle,
  job: TargetJob,
  o: TargetRunOptions,
  failed: TargetOutcome,
): Promise<TargetOutcome> {
  const to = o.rollback && job.record && !run.stop.aborted ? o.previous(job.name) : undefined;
  if (!to) return failed;
  const back = await rollbackTarget(run, handle, run.session.state.targets[job.name], to);
  if (back.desired) o.desired.set(job.name, back.desired);
  return {
    ...failed,
    ...(back.record ? endpointOf(back.record) : {}),
    status: back.ok ? "rolled-back" : "failed",
    attempts: failed.attempts + back.attempts,
    ...(back.ok || !back.error ? {} : { error: back.error }),
  };
}

function redactHealth(r: HealthReport, run: RunContext): HealthReport {
  return r.body === undefined ? r : { ...r, body: run.redact(r.body) };
}

function endpointOf(r: TargetRecord): Pick<TargetOutcome, "endpoint" | "release"> {
  return {
    ...(r.endpoint !== undefined ? { endpoint: r.endpoint } : {}),
    ...(r.release !== undefined ? { release: r.release } : {}),
  };
}

async function destroyRemoved(run: RunContext, handle: TargetHandle, job: TargetJob): Promise<TargetOutcome> {
  const clients = await handle.clients();
  const intent = await recordIntent(run, handle, "delete");
  const res = await callAdapter(run, handle, "destroy", (signal) =>
    handle.adapter.destroy(handle.ctx(clients, signal), adapterStateOf(job.record) ?? {}),
  );
  if (!res.ok) {
    if (await settleFromCloud(run, handle, job.record)) await run.session.resolveIntent(intent.id);
    return fail(job, res.error, res.attempts, run);
  }
  await run.session.write({ [job.name]: null });
  await run.session.resolveIntent(intent.id);
  return {
    target: job.name,
    platform: job.platform,
    status: "deployed",
    action: "deleted",
    attempts: res.attempts,
  };
}

/** Deploys one target; reports every failure in the outcome instead of throwing. */
export async function deployTarget(
  run: RunContext,
  job: TargetJob,
  o: TargetRunOptions,
): Promise<TargetOutcome> {
  if (job.blocked) return fail(job, job.blocked, 0, run);
  if (run.stop.aborted) return { ...fail(job, interruptedError(job.name), 0, run), status: "skipped" };
  if (job.kind === "apply" && isNoop(job.changes) && job.record) {
    return {
      target: job.name,
      platform: job.platform,
      status: "unchanged",
      attempts: 0,
      ...endpointOf(job.record),
    };
  }
  try {
    const handle = await targetHandle(run, job.name, job.record);
    if (job.kind === "delete") return await destroyRemoved(run, handle, job);
    const applied = await applyAndRecord(run, handle, job, o);
    if ("status" in applied) return applied;
    // Nothing to change, only a record to write (an adopted target): no new release to check.
    if (isNoop(job.changes))
      return {
        target: job.name,
        platform: job.platform,
        status: "unchanged",
        attempts: applied.attempts,
        ...endpointOf(applied.record),
      };
    return await afterHealth(run, handle, job, o, applied);
  } catch (e) {
    return fail(job, toApishipError(e), 0, run);
  }
}
