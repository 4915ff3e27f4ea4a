// build, read, status, apply, rollback and destroy of gcp/cloud-functions (2nd gen). A deploy
// whose zip changed asks generateUploadUrl for a signed URL, PUTs the deterministic zip there,
// then creates the function or patches it with an update mask; an unchanged zip is never sent
// again (the content hash rides on a label). Traffic and public access live on the function's
// Cloud Run service, which the Run API reads and writes.

import { createHash } from "node:crypto";
import { mkdir, readFile, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { ApplyResult, PlannedChange, StatusReport } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import { buildZip } from "../_shared/artifact.js";
import type { ZipArtifact } from "../_shared/artifact.js";
import { resolvedSecrets } from "../_shared/plan.js";
import type { CloudFunction, FunctionsApi, OperationFailure } from "./clients.js";
import type { CloudFunctionsOptions } from "./cloud-functions.js";
import { functionBody, toFunctionState, updateMask } from "./functions-body.js";
import { desiredFunction, sourceLabel } from "./functions-plan.js";
import { LABEL_SOURCE, functionResource } from "./functions-state.js";
import type { FunctionsState } from "./functions-state.js";
import { ensurePublic, readPublic } from "./iam.js";
import type { GcpCtx } from "./run-apply.js";
import { LABEL_STACK, labelValue } from "./run-state.js";
import { trafficBody, trafficOf } from "./run-service.js";

type Change = PlannedChange<CloudFunctionsOptions, FunctionsState>;

/** The deterministic zip of the function's source, one file per target under the temp dir. */
export async function buildCloudFunction(ctx: GcpCtx, svc: ServiceSpec): Promise<ZipArtifact> {
  const source = svc.function?.source;
  if (source === undefined) {
    throw new ProviderError(
      `${ctx.target.name}: gcp/cloud-functions deploys functions; the service has no \`function\``,
      {
        code: "CONFIG",
        fault: "user",
        hint: "use `service.function: { runtime, handler, source }` for a Cloud Functions target",
      },
    );
  }
  const root = isAbsolute(source) ? source : resolve(ctx.stack.baseDir ?? process.cwd(), source);
  const dir = join(tmpdir(), "apiship-artifacts");
  await mkdir(dir, { recursive: true });
  const where = createHash("sha256").update(root).digest("hex").slice(0, 8);
  const name = `${ctx.stack.id}-${ctx.target.name}-gcf-${where}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const final = join(dir, `${name}.zip`);
  // Built under a per-process name and renamed, so a concurrent build never tears the file.
  const zip = await buildZip(root, join(dir, `${name}.${process.pid}.zip`));
  await rename(zip.path, final);
  return { ...zip, path: final };
}

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

/** A failed build, with the build log's URL and the last lines the operation reported. */
export function buildError(target: string, name: string, f: OperationFailure): ProviderError {
  const stages = (f.metadata?.stages as { resourceUri?: string; message?: string }[] | undefined) ?? [];
  const fromStage = stages.find((s) => /cloud-build|builds/.test(s.resourceUri ?? ""))?.resourceUri;
  const fromMessage = /https:\/\/console\.cloud\.google\.com\/cloud-build\/\S+?(?=\.?(\s|$))/.exec(
    f.message,
  )?.[0];
  const url = fromStage || fromMessage;
  const tail = f.message.split(/\r?\n/).filter(Boolean).slice(-10).join("\n");
  return new ProviderError(
    `Cloud Functions build of ${name} failed:\n${tail}${url ? `\nbuild log: ${url}` : ""}`,
    {
      code: "BUILD_FAILED",
      fault: "user",
      target,
      cause: f,
      hint: url
        ? `open the build log (${url}); fix the source, runtime or entry point and deploy again`
        : "fix the source, runtime or entry point and deploy again",
    },
  );
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
  const parent = `projects/${want.project}/locations/${want.region}`;
  const have = live?.function;
  let f: CloudFunction | undefined;
  if (!have) {
    const source = await upload(ctx, fns, parent, zip);
    f = await deploy(ctx, "create function", () =>
      fns.createFunction(parent, name, functionBody(want, source, values), ctx.signal),
    );
  } else {
    const mask = updateMask(have, want);
    if (mask.length > 0 || have.state === "FAILED") {
      const codeChanged = have.sourceSha256 !== sourceLabel(zip.sha256) || have.state === "FAILED";
      const source = codeChanged ? await upload(ctx, fns, parent, zip) : undefined;
      const paths = codeChanged ? [...new Set([...mask, "buildConfig.source", "labels"])].sort() : mask;
      const body = { ...functionBody(want, source, values), name: have.resourceName };
      f = await deploy(ctx, `update function (${paths.join(", ")})`, () =>
        fns.updateFunction(body, paths, ctx.signal),
      );
    }
  }
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
  const run = await ctx.clients.run();
  // A rollback pinned the Run service's traffic; an unchanged function is unpinned here.
  if (!f && live?.traffic?.latest === false && fn.runService) {
    const svc = await run.getService(fn.runService);
    ctx.progress.step("send traffic to the latest revision");
    await run.updateService(
      { name: fn.runService, etag: svc?.etag ?? "", traffic: trafficBody({ latest: true }) },
      ["traffic"],
      ctx.signal,
    );
    ctx.progress.done("send traffic to the latest revision");
  }
  const pub = change.service.access === "public";
  if (fn.runService && (!have || live?.invoker?.public !== pub)) {
    ctx.progress.step(pub ? "grant allUsers run.invoker" : "revoke allUsers run.invoker");
    await ensurePublic(run, fn.runService, pub);
    ctx.progress.done(pub ? "grant allUsers run.invoker" : "revoke allUsers run.invoker");
  }
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
