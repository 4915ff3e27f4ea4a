// read, status, apply, rollback and destroy of gcp/cloud-run. apply converges: it reads what is
// there now and sends one create or one masked update of the service (the template only when a
// revision is due), then the invoker binding, so a retried apply picks up where it stopped.

import type { ApplyResult, Ctx, PlannedChange, StatusReport } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { canonicalJson } from "../../src/plan/diff.js";
import { resolvedSecrets } from "../_shared/plan.js";
import type { GcpClients, RunApi, RunService } from "./clients.js";
import type { CloudRunOptions } from "./cloud-run.js";
import { ensurePublic, readPublic } from "./iam.js";
import { desiredService } from "./run-plan.js";
import { LABEL_STACK, labelValue, revisionName, serviceResource } from "./run-state.js";
import type { RunServiceAttrs, RunServiceState, RunState } from "./run-state.js";
import { serviceBody, toServiceState, trafficBody, trafficOf } from "./run-service.js";

export type GcpCtx = Ctx<GcpClients>;
type Change = PlannedChange<CloudRunOptions, RunState>;

function checkOwner(s: RunService, name: string, ctx: GcpCtx): void {
  const owner = s.labels?.[LABEL_STACK];
  if (owner === labelValue(ctx.stack.id)) return;
  throw new ProviderError(
    `Cloud Run service ${name} exists but belongs to ${owner ? `stack ${owner}` : "no apiship stack"}`,
    {
      code: "NOT_OWNED",
      fault: "user",
      target: ctx.target.name,
      hint: "apiship does not adopt a service it did not create; delete or rename it, or deploy under another target name",
    },
  );
}

function where(ctx: GcpCtx, prior: RunState | undefined): { project: string; region: string } {
  const o = ctx.target.options as { project: string; region: string };
  return { project: prior?.project ?? o.project, region: prior?.region ?? o.region };
}

/** The service in the project and region the state recorded (else the target's), its traffic and invoker. */
export async function readRunAt(
  ctx: GcpCtx,
  project: string,
  region: string,
  name: string,
  prior: RunState | undefined,
): Promise<RunState | undefined> {
  const run = await ctx.clients.run();
  const s = await run.getService(serviceResource(project, region, name));
  if (!s) return undefined;
  checkOwner(s, name, ctx);
  const secretNames = [
    ...new Set([...Object.keys(ctx.stack.service.secrets), ...Object.keys(prior?.service?.secrets ?? {})]),
  ];
  const service = toServiceState(s, project, region, secretNames, prior?.service?.secrets ?? {});
  return {
    name,
    project,
    region,
    service,
    traffic: trafficOf(s),
    invoker: { public: await readPublic(run, service.resourceName) },
  };
}

export async function readCloudRun(
  ctx: GcpCtx,
  prior: RunState | undefined,
  name: string,
): Promise<RunState | undefined> {
  const { project, region } = where(ctx, prior);
  return readRunAt(ctx, project, region, name, prior);
}

const TOP_LEVEL: (keyof RunServiceAttrs)[] = ["ingress", "labels"];
const templateKey = (a: RunServiceAttrs) =>
  canonicalJson(
    Object.fromEntries(
      Object.entries(a).filter(
        ([k]) => !TOP_LEVEL.includes(k as keyof RunServiceAttrs) && k !== "project" && k !== "region",
      ),
    ),
  );

function stripState(s: RunServiceState): RunServiceAttrs {
  const {
    resourceName: _n,
    uri: _u,
    etag: _e,
    generation: _g,
    revision: _r,
    latestReadyRevision: _l,
    latestCreatedRevision: _c,
    ...attrs
  } = s;
  return attrs;
}

function resultOf(
  state: RunState,
  change: { service: { access: string } },
  ingress: string,
): ApplyResult<RunState> {
  const s = state.service;
  const outputs: Record<string, string> = {
    service: state.name,
    project: state.project,
    region: state.region,
  };
  if (s?.uri) outputs.url = s.uri;
  if (s?.latestReadyRevision) outputs.revision = s.latestReadyRevision;
  const out: ApplyResult<RunState> = { state, outputs };
  if (s?.uri) out.endpoint = s.uri;
  const live = state.traffic?.latest === false ? state.traffic.revision : s?.latestReadyRevision;
  if (live) out.release = live;
  if (change.service.access === "private" || ingress !== "INGRESS_TRAFFIC_ALL") out.privateEndpoint = true;
  return out;
}

/** Secrets are folded into the template's hash by value fingerprint, never by value. */
async function writeService(
  ctx: GcpCtx,
  run: RunApi,
  change: Change,
  want: RunServiceAttrs,
  live: RunState | undefined,
): Promise<RunService | undefined> {
  const name = change.name;
  const values = resolvedSecrets(
    Object.keys(want.secrets),
    change.secrets,
    ctx.target.name,
    "the Cloud Run service",
  );
  const parent = `projects/${want.project}/locations/${want.region}`;
  const have = live?.service;
  const key = templateKey(want);
  if (!have) {
    const body = {
      ...serviceBody(want, revisionName(name, 1, key), values),
      traffic: trafficBody({ latest: true }),
    };
    ctx.progress.step("create service");
    const s = await run.createService(parent, name, body, ctx.signal);
    ctx.progress.done("create service");
    return s;
  }
  const templateChanged = templateKey(stripState(have)) !== key;
  const mask: string[] = [];
  if (templateChanged) mask.push("template");
  if (have.ingress !== want.ingress) mask.push("ingress");
  if (canonicalJson(have.labels) !== canonicalJson(want.labels)) mask.push("labels");
  if (live?.traffic?.latest !== true) mask.push("traffic");
  if (mask.length === 0) return undefined;
  const next = Number(have.generation) + 1;
  const body: RunService = {
    ...serviceBody(want, templateChanged ? revisionName(name, next, key) : have.revision, values),
    name: have.resourceName,
    etag: have.etag,
    traffic: trafficBody({ latest: true }),
  };
  ctx.progress.step(`update service (${mask.join(", ")})`);
  const s = await run.updateService(body, mask, ctx.signal);
  ctx.progress.done(`update service (${mask.join(", ")})`);
  return s;
}

export async function applyCloudRun(ctx: GcpCtx, change: Change): Promise<ApplyResult<RunState>> {
  const name = change.name;
  const want = desiredService({ ...change, observed: undefined });
  want.secrets = Object.fromEntries(
    Object.keys(want.secrets).map((n) => [
      n,
      change.secretHashes[n] ?? change.observed?.service?.secrets[n] ?? "",
    ]),
  );
  const run = await ctx.clients.run();
  let live = await readCloudRun(ctx, change.observed ?? change.recorded, name);
  if (live && (live.project !== want.project || live.region !== want.region)) {
    ctx.progress.step(`delete service in ${live.project}/${live.region}`);
    await run.deleteService(serviceResource(live.project, live.region, name), ctx.signal);
    ctx.progress.done(`delete service in ${live.project}/${live.region}`);
    live = undefined;
  }
  // Secret values changed although nothing else did: the hash of the value is in `want.secrets`.
  const written = await writeService(ctx, run, change, want, live);
  const svc = written
    ? toServiceState(written, want.project, want.region, Object.keys(want.secrets), want.secrets)
    : live?.service;
  if (!svc)
    throw new ProviderError(`Cloud Run service ${name} is missing after apply`, {
      code: "INTERNAL",
      fault: "cloud",
      target: ctx.target.name,
    });
  const pub = change.service.access === "public";
  if (live?.invoker?.public !== pub) {
    ctx.progress.step(pub ? "grant allUsers run.invoker" : "revoke allUsers run.invoker");
    await ensurePublic(run, svc.resourceName, pub);
    ctx.progress.done(pub ? "grant allUsers run.invoker" : "revoke allUsers run.invoker");
  }
  const state: RunState = {
    name,
    project: want.project,
    region: want.region,
    service: svc,
    traffic: { latest: true },
    invoker: { public: pub },
  };
  return resultOf(state, change, want.ingress);
}

/** Native rollback: all traffic back to the revision `to` served. */
export async function rollbackCloudRun(
  ctx: GcpCtx,
  state: RunState,
  to: RunState,
): Promise<ApplyResult<RunState>> {
  const revision = to.traffic?.latest === false ? to.traffic.revision : to.service?.latestReadyRevision;
  if (!revision || !state.service) {
    throw new ProviderError(`the release to roll back to has no Cloud Run revision of ${state.name}`, {
      code: "NO_RELEASE",
      fault: "user",
      target: ctx.target.name,
      hint: "roll back to a release that was deployed with apiship (see `apiship history`)",
    });
  }
  const run = await ctx.clients.run();
  const live = await readRunAt(ctx, state.project, state.region, state.name, state);
  if (!live?.service)
    throw new ProviderError(`Cloud Run service ${state.name} is gone; nothing to roll back`, {
      code: "NOT_FOUND",
      fault: "user",
      target: ctx.target.name,
      hint: "deploy again to recreate it",
    });
  const traffic = { latest: false, revision };
  const step = `send 100% of traffic to revision ${revision}`;
  ctx.progress.step(step);
  const s = await run.updateService(
    { name: live.service.resourceName, etag: live.service.etag, traffic: trafficBody(traffic) },
    ["traffic"],
    ctx.signal,
  );
  ctx.progress.done(step);
  const svc = toServiceState(
    s,
    state.project,
    state.region,
    Object.keys(state.service.secrets),
    state.service.secrets,
  );
  const ingress = svc.ingress;
  return resultOf(
    { ...live, service: svc, traffic },
    { service: { access: live.invoker?.public ? "public" : "private" } },
    ingress,
  );
}

/** Deleting the service takes its revisions and IAM policy with it; gone is success. */
export async function destroyCloudRun(ctx: GcpCtx, state: RunState): Promise<void> {
  const run = await ctx.clients.run();
  ctx.progress.step("delete service");
  await run.deleteService(serviceResource(state.project, state.region, state.name), ctx.signal);
  ctx.progress.done("delete service");
}

export async function statusCloudRun(ctx: GcpCtx, state: RunState): Promise<StatusReport> {
  const run = await ctx.clients.run();
  const s = await run.getService(serviceResource(state.project, state.region, state.name));
  if (!s)
    return { health: "missing", detail: `service ${state.name} is not in ${state.project}/${state.region}` };
  const report: StatusReport = { health: "unknown" };
  if (s.uri) report.endpoint = s.uri;
  const traffic = trafficOf(s);
  const ready = (s.latestReadyRevision ?? "").split("/").pop() ?? "";
  report.release = traffic.latest ? ready : (traffic.revision ?? "");
  const cond = s.terminalCondition;
  const st = String(cond?.state ?? "");
  if (st === "CONDITION_FAILED") {
    report.health = ready ? "partial" : "down";
    report.detail = cond?.message || "the service's Ready condition failed";
  } else if (s.reconciling || st !== "CONDITION_SUCCEEDED") {
    report.health = "partial";
    report.detail = "the service is reconciling";
  } else report.health = ready ? "ready" : "partial";
  return report;
}
