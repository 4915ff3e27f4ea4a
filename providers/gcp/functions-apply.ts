// read, status, apply, rollback and destroy of gcp/cloud-functions (2nd gen; the build is in
// functions-build.ts). A deploy whose zip changed asks generateUploadUrl for a signed URL, PUTs
// the deterministic zip there, then creates the function or patches it with an update mask; an
// unchanged zip is never sent again (the content hash rides on a label). Traffic and public
// access live on the function's Cloud Run service, which the Run API reads and writes.

import { readFile } from "node:fs/promises";
import type { ApplyResult, PlannedChange, StatusReport } from "../../src/core/provider.js";
import { codeIdentity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { ZipArtifact } from "../_shared/artifact.js";
import { resolvedSecrets } from "../_shared/plan.js";
import type { CloudFunction, FunctionsApi, OperationFailure } from "./clients.js";
import { buildCloudFunction, buildError } from "./functions-build.js";
import type { CloudFunctionsOptions } from "./cloud-functions.js";
import { functionBody, toFunctionState, updateMask } from "./functions-body.js";
import { desiredFunction, sourceLabel } from "./functions-plan.js";
import { LABEL_SOURCE, functionResource } from "./functions-state.js";
import type { FunctionAttrs, FunctionState, FunctionsState } from "./functions-state.js";
import { ensurePublic, readPublic } from "./iam.js";
import type { GcpCtx } from "./run-apply.js";
import { LABEL_STACK, labelValue } from "./run-state.js";
import { trafficBody, trafficOf } from "./run-service.js";

type Change = PlannedChange<CloudFunctionsOptions, FunctionsState>;

function where(ctx: GcpCtx, prior: FunctionsState | undefined) {
  const o = ctx.target.options as { project: string; region: string };
  return { project: prior?.project ?? o.project, region: prior?.region ?? o.region };
}

function checkOwner(f: CloudFunction, name: string, ctx: GcpCtx): void {
  const owner = f.labels?.[LABEL_STACK];
  if (owner === labelValue(ctx.stack.id)) return;
  throw new ProviderError(
    `Cloud Function ${name} exists but belongs to ${owner ? `stack ${owner}` : "no apiship stack"}`,
    {
      code: "NOT_OWNED",
      fault: "user",
      target: ctx.target.name,
      hint: "apiship does not adopt a function it did not create; delete or rename it, or deploy under another target name",
    },
  );
}

async function readAt(
  ctx: GcpCtx,
  project: string,
  region: string,
  name: string,
  prior: FunctionsState | undefined,
): Promise<FunctionsState | undefined> {
  const fns = await ctx.clients.functions();
  const f = await fns.getFunction(functionResource(project, region, name));
  if (!f) return undefined;
  checkOwner(f, name, ctx);
  const secretNames = [
    ...new Set([...Object.keys(ctx.stack.service.secrets), ...Object.keys(prior?.function?.secrets ?? {})]),
  ];
  const fn = toFunctionState(f, project, region, secretNames, prior?.function?.secrets ?? {});
  const state: FunctionsState = { name, project, region, function: fn };
  if (!fn.runService) return state;
  const run = await ctx.clients.run();
  const svc = await run.getService(fn.runService);
  if (!svc) return state;
  return { ...state, traffic: trafficOf(svc), invoker: { public: await readPublic(run, fn.runService) } };
}

export async function readCloudFunction(
  ctx: GcpCtx,
  prior: FunctionsState | undefined,
  name: string,
): Promise<FunctionsState | undefined> {
  const { project, region } = where(ctx, prior);
  return readAt(ctx, project, region, name, prior);
}

async function deploy(ctx: GcpCtx, what: string, call: () => Promise<CloudFunction>): Promise<CloudFunction> {
  ctx.progress.step(what);
  try {
    const f = await call();
    ctx.progress.done(what);
    return f;
  } catch (e) {
    if (e instanceof ProviderError && e.code === "OPERATION_FAILED" && e.cause && typeof e.cause === "object")
      throw buildError(ctx.target.name, ctx.target.name, e.cause as OperationFailure);
    throw e;
  }
}

async function upload(ctx: GcpCtx, fns: FunctionsApi, parent: string, zip: ZipArtifact) {
  ctx.progress.step("upload source");
  const { uploadUrl, storageSource } = await fns.generateUploadUrl(parent);
  await fns.upload(uploadUrl, await readFile(zip.path), ctx.signal);
  ctx.progress.done("upload source");
  return storageSource;
}

function resultOf(state: FunctionsState, isPublic: boolean, ingress: string): ApplyResult<FunctionsState> {
  const f = state.function;
  const outputs: Record<string, string> = {
    function: state.name,
    project: state.project,
    region: state.region,
  };
  if (f?.url) outputs.url = f.url;
  if (f?.runService) outputs.runService = f.runService;
  const out: ApplyResult<FunctionsState> = { state, outputs };
  if (f?.url) out.endpoint = f.url;
  const release = state.traffic?.latest === false ? state.traffic.revision : f?.revision;
  if (release) out.release = release;
  if (!isPublic || ingress !== "ALLOW_ALL") out.privateEndpoint = true;
  return out;
}

/** Creates the function, or patches what changed (re-uploading only a changed zip); undefined when nothing did. */
async function writeFunction(
  ctx: GcpCtx,
  fns: FunctionsApi,
  name: string,
  want: FunctionAttrs,
  have: FunctionState | undefined,
  zip: ZipArtifact,
  values: Record<string, string>,
): Promise<CloudFunction | undefined> {
  const parent = `projects/${want.project}/locations/${want.region}`;
  if (!have) {
    const source = await upload(ctx, fns, parent, zip);
    return deploy(ctx, "create function", () =>
      fns.createFunction(parent, name, functionBody(want, source, values), ctx.signal),
    );
  }
  const mask = updateMask(have, want);
  // A FAILED function is rebuilt even when nothing changed: its last build did not take.
  if (mask.length === 0 && have.state !== "FAILED") return undefined;
  const codeChanged = have.sourceSha256 !== sourceLabel(codeIdentity(zip)) || have.state === "FAILED";
  const source = codeChanged ? await upload(ctx, fns, parent, zip) : undefined;
  const paths = codeChanged ? [...new Set([...mask, "buildConfig.source", "labels"])].sort() : mask;
  const body = { ...functionBody(want, source, values), name: have.resourceName };
  return deploy(ctx, `update function (${paths.join(", ")})`, () =>
    fns.updateFunction(body, paths, ctx.signal),
  );
}

/** On the function's Run service: traffic back on the latest revision, and the public invoker. */
async function runSide(
  ctx: GcpCtx,
  runService: string,
  todo: { unpin: boolean; invoker: boolean; pub: boolean },
): Promise<void> {
  if (!runService) return;
  const run = await ctx.clients.run();
  // A rollback pinned the traffic; a deploy that changed the function unpinned it already.
  if (todo.unpin) {
    const svc = await run.getService(runService);
    ctx.progress.step("send traffic to the latest revision");
    await run.updateService(
      { name: runService, etag: svc?.etag ?? "", traffic: trafficBody({ latest: true }) },
      ["traffic"],
      ctx.signal,
    );
    ctx.progress.done("send traffic to the latest revision");
  }
  if (todo.invoker) {
    const what = todo.pub ? "grant allUsers run.invoker" : "revoke allUsers run.invoker";
    ctx.progress.step(what);
    await ensurePublic(run, runService, todo.pub);
    ctx.progress.done(what);
  }
}

export async function applyCloudFunction(ctx: GcpCtx, change: Change): Promise<ApplyResult<FunctionsState>> {
  const name = change.name;
  const fns = await ctx.clients.functions();
  const zip = (change.artifact as ZipArtifact | undefined) ?? (await buildCloudFunction(ctx, change.service));
  const want = desiredFunction({ ...change, artifact: zip, observed: undefined });
  want.secrets = Object.fromEntries(
    Object.keys(want.secrets).map((n) => [
      n,
      change.secretHashes[n] ?? change.observed?.function?.secrets[n] ?? "",
    ]),
  );
  let live = await readCloudFunction(ctx, change.observed ?? change.recorded, name);
  if (live && (live.project !== want.project || live.region !== want.region)) {
    ctx.progress.step(`delete function in ${live.project}/${live.region}`);
    await fns.deleteFunction(functionResource(live.project, live.region, name), ctx.signal);
    ctx.progress.done(`delete function in ${live.project}/${live.region}`);
    live = undefined;
  }
  const values = resolvedSecrets(
    Object.keys(want.secrets),
    change.secrets,
    ctx.target.name,
    "the Cloud Function",
  );
  const have = live?.function;
  const f = await writeFunction(ctx, fns, name, want, have, zip, values);
  const fn = f
    ? toFunctionState(f, want.project, want.region, Object.keys(want.secrets), want.secrets)
    : have;
  if (!fn)
    throw new ProviderError(`Cloud Function ${name} is missing after apply`, {
      code: "INTERNAL",
      fault: "cloud",
      target: ctx.target.name,
    });
  fn.labels[LABEL_SOURCE] ??= want.sourceSha256;
  const state: FunctionsState = {
    name,
    project: want.project,
    region: want.region,
    function: fn,
    traffic: { latest: true },
  };
  const pub = change.service.access === "public";
  await runSide(ctx, fn.runService, {
    unpin: !f && live?.traffic?.latest === false,
    invoker: !have || live?.invoker?.public !== pub,
    pub,
  });
  state.invoker = { public: pub };
  return resultOf(state, pub, want.ingress);
}

/** Native rollback: all traffic of the function's Run service back to the revision `to` served. */
export async function rollbackCloudFunction(
  ctx: GcpCtx,
  state: FunctionsState,
  to: FunctionsState,
): Promise<ApplyResult<FunctionsState>> {
  const revision = to.traffic?.latest === false ? to.traffic.revision : to.function?.revision;
  const runService = state.function?.runService;
  if (!revision || !runService) {
    throw new ProviderError(`the release to roll back to has no revision of ${state.name}`, {
      code: "NO_RELEASE",
      fault: "user",
      target: ctx.target.name,
      hint: "roll back to a release that was deployed with apiship (see `apiship history`)",
    });
  }
  const run = await ctx.clients.run();
  const svc = await run.getService(runService);
  const step = `send 100% of traffic to revision ${revision}`;
  ctx.progress.step(step);
  await run.updateService(
    { name: runService, etag: svc?.etag ?? "", traffic: trafficBody({ latest: false, revision }) },
    ["traffic"],
    ctx.signal,
  );
  ctx.progress.done(step);
  const next = { ...state, traffic: { latest: false, revision } };
  return resultOf(next, state.invoker?.public ?? false, state.function?.ingress ?? "ALLOW_ALL");
}

/** Deleting the function deletes its Run service too; gone is success. */
export async function destroyCloudFunction(ctx: GcpCtx, state: FunctionsState): Promise<void> {
  const fns = await ctx.clients.functions();
  ctx.progress.step("delete function");
  await fns.deleteFunction(functionResource(state.project, state.region, state.name), ctx.signal);
  ctx.progress.done("delete function");
}

export async function statusCloudFunction(ctx: GcpCtx, state: FunctionsState): Promise<StatusReport> {
  const fns = await ctx.clients.functions();
  const f = await fns.getFunction(functionResource(state.project, state.region, state.name));
  if (!f)
    return { health: "missing", detail: `function ${state.name} is not in ${state.project}/${state.region}` };
  const report: StatusReport = { health: "unknown" };
  if (f.url) report.endpoint = f.url;
  const st = String(f.state ?? "");
  const release = state.traffic?.latest === false ? state.traffic.revision : f.serviceConfig?.revision;
  if (release) report.release = release;
  if (st === "ACTIVE") report.health = "ready";
  else if (st === "FAILED") {
    report.health = "down";
    report.detail =
      (f.stateMessages ?? []).map((m) => m.message).join("; ") || "the function failed to deploy";
  } else {
    report.health = "partial";
    report.detail = `function state ${st || "unknown"}`;
  }
  return report;
}
