// apply, rollback and destroy of aws/lambda. apply converges rather than replays: it reads what
// is there now and makes only the calls that close the gap, so an apply the executor retries
// after a throttled or dropped call picks up where the failed attempt stopped.

import { packageFunction } from "../_shared/portable.js";
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { ApplyResult, PlannedChange } from "../../src/core/provider.js";
import type { FunctionSpec, ServiceSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import { base64Sha256 } from "../_shared/artifact.js";
import type { ZipArtifact } from "../_shared/artifact.js";
import { canonicalJson } from "../../src/plan/diff.js";
import type { AwsClients } from "./clients.js";
import { awsMaybe } from "./errors.js";
import { deleteUrl, ensureUrl } from "./function-url.js";
import { lambdaDependencies } from "./lambda-deps.js";
import { deleteRole, ensureRole, readRole } from "./iam-role.js";
import type { LambdaOptions } from "./lambda.js";
import {
  createFunction,
  secretEnv,
  secretTags,
  syncTags,
  updateCode,
  updateConfig,
  waitSettled,
} from "./lambda-function.js";
import type { AwsCtx } from "./lambda-function.js";
import { FUNCTION_FORCES_REPLACE, desiredFunction, desiredRole } from "./lambda-plan.js";
import { clientsFor, readLambda } from "./lambda-read.js";
import { deleteAlias, deleteProvisioned, ensureConcurrency, pointAlias, publish } from "./lambda-release.js";
import { roleNameFor } from "./lambda-state.js";
import type { FunctionAttrs, FunctionState, LambdaState } from "./lambda-state.js";

type Change = PlannedChange<LambdaOptions, LambdaState>;

/** Builds the deterministic zip of the function's source (relative to the manifest's folder). */
export async function buildLambda(ctx: AwsCtx, svc: ServiceSpec): Promise<ZipArtifact> {
  const source = svc.function?.source;
  if (source === undefined) {
    throw new ProviderError("aws/lambda deploys functions; the service has no `function`", {
      code: "CONFIG",
      fault: "user",
      hint: "use `service.function: { runtime, handler, source }` for a Lambda target",
    });
  }
  const root = isAbsolute(source) ? source : resolve(ctx.stack.baseDir ?? process.cwd(), source);
  // One file per target, overwritten by each build, instead of a new temp folder every plan and
  // deploy. Built under a per-process name and renamed, so a concurrent build never tears it.
  const dir = join(tmpdir(), "apiship-artifacts");
  await mkdir(dir, { recursive: true });
  // The source folder's path is part of the name: two checkouts of one stack never share a file.
  const where = createHash("sha256").update(root).digest("hex").slice(0, 8);
  const name = `${ctx.stack.id}-${ctx.target.name}-${where}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const final = join(dir, `${name}.zip`);
  const fn = svc.function as FunctionSpec;
  // Lambda builds nothing: a Python function's requirements are installed into the package.
  const architecture = (ctx.target.options as Partial<LambdaOptions>).architecture ?? "x86_64";
  const deps = await lambdaDependencies(fn, root, architecture, {
    target: ctx.target.name,
    signal: ctx.signal,
    log: (msg) => ctx.log.info(msg),
  });
  return packageFunction("aws/lambda", fn, root, final, ctx.target.name, deps);
}

const CONFIG_KEYS = [
  "runtime",
  "handler",
  "memory",
  "timeout",
  "ephemeralStorage",
  "env",
  "secrets",
  "layers",
  "vpc",
  "role",
] as const;

function configDiffers(have: FunctionState, want: FunctionAttrs): boolean {
  return CONFIG_KEYS.some((k) => canonicalJson(have[k]) !== canonicalJson(want[k]));
}

function mustReplace(have: FunctionState, want: FunctionAttrs): boolean {
  return FUNCTION_FORCES_REPLACE.some(
    (k) => have[k as keyof FunctionAttrs] !== want[k as keyof FunctionAttrs],
  );
}

/** Removes the function and what hangs off it, in reverse creation order; gone is success. */
async function tearDownFunction(c: AwsClients, name: string): Promise<void> {
  await deleteUrl(c, name);
  await deleteProvisioned(c, name);
  await deleteAlias(c, name);
  await awsMaybe("DeleteFunction", c.target, () =>
    c.lambda.send(new c.sdk.lambda.DeleteFunctionCommand({ FunctionName: name })),
  );
}

async function ensureRoleFor(ctx: AwsCtx, change: Change, live: LambdaState | undefined) {
  const want = desiredRole(change);
  if (!want) return { arn: change.target.options.role ?? "", role: undefined };
  const role = await ensureRole(
    ctx,
    live?.role,
    want as { name: string; policies: string[]; tags: Record<string, string> },
  );
  return { arn: role.arn, role };
}

interface FunctionOutcome {
  changed: boolean;
  cfg: FunctionConfiguration | undefined;
}

/** Creates or updates the function; `changed` when a new version is due. */
async function ensureFunction(
  ctx: AwsCtx,
  change: Change,
  live: FunctionState | undefined,
  want: FunctionAttrs,
  zip: ZipArtifact,
  roleArn: string,
): Promise<FunctionOutcome> {
  const name = change.name;
  const opts = change.target.options;
  const secrets = secretEnv(want, change.secrets, ctx.target.name);
  if (!live) {
    ctx.progress.step("create function");
    const cfg = await createFunction(ctx, name, want, roleArn, secrets, zip, opts);
    ctx.progress.done("create function");
    return { changed: true, cfg };
  }
  let cfg: FunctionConfiguration | undefined;
  if (live.state !== "Active" || live.lastUpdateStatus === "InProgress") cfg = await waitSettled(ctx, name);
  const codeChanged = live.codeSha256 !== want.codeSha256;
  if (codeChanged) {
    ctx.progress.step("update code");
    cfg = await updateCode(ctx, name, zip, opts);
    ctx.progress.done("update code");
  }
  const configChanged = configDiffers(live, want);
  if (configChanged) {
    ctx.progress.step("update configuration");
    cfg = await updateConfig(ctx, name, want, roleArn, secrets);
    ctx.progress.done("update configuration");
  }
  await syncTags(
    ctx,
    live.arn,
    { ...live.tags, ...secretTags(live.secrets) },
    { ...want.tags, ...secretTags(want.secrets) },
  );
  return { changed: codeChanged || configChanged, cfg };
}

function functionState(
  want: FunctionAttrs,
  live: FunctionState | undefined,
  cfg: FunctionConfiguration | undefined,
): FunctionState {
  const s: FunctionState = { ...want, arn: cfg?.FunctionArn ?? live?.arn ?? "" };
  const state = cfg?.State ?? live?.state;
  const last = cfg?.LastUpdateStatus ?? live?.lastUpdateStatus;
  if (state !== undefined) s.state = state;
  if (last !== undefined) s.lastUpdateStatus = last;
  return s;
}

function resultOf(state: LambdaState): ApplyResult<LambdaState> {
  const outputs: Record<string, string> = { functionName: state.name, region: state.region };
  if (state.function?.arn) outputs.functionArn = state.function.arn;
  if (state.role?.arn) outputs.roleArn = state.role.arn;
  if (state.alias) outputs.version = state.alias.functionVersion;
  if (state.url) outputs.url = state.url.url;
  const out: ApplyResult<LambdaState> = { state, outputs };
  if (state.url) out.endpoint = state.url.url;
  // An AWS_IAM URL answers unsigned requests with 403: the engine checks the function's own
  // state instead (health.probe defaults to platform).
  if (state.url?.authType === "AWS_IAM") out.privateEndpoint = true;
  if (state.alias) out.release = state.alias.functionVersion;
  return out;
}

export async function applyLambda(ctx: AwsCtx, change: Change): Promise<ApplyResult<LambdaState>> {
  const name = change.name;
  let live = await readLambda(ctx, change.observed ?? change.recorded, name);
  const zip = (change.artifact as ZipArtifact | undefined) ?? (await buildLambda(ctx, change.service));
  const want = { ...desiredFunction({ ...change, observed: live }), codeSha256: base64Sha256(zip.sha256) };
  if (live?.function && mustReplace(live.function, want)) {
    ctx.progress.step("replace function");
    await tearDownFunction(await clientsFor(ctx, live.region), name);
    ctx.progress.done("replace function");
    live = live.role ? { name, region: ctx.clients.region, role: live.role } : undefined;
  }
  const state: LambdaState = { name, region: ctx.clients.region };
  const { arn: roleArn, role } = await ensureRoleFor(ctx, change, live);
  if (role) state.role = role;
  const fn = await ensureFunction(ctx, change, live?.function, want, zip, roleArn);
  state.function = functionState(want, live?.function, fn.cfg);
  const version =
    fn.changed || !live?.alias ? await publish(ctx, name, want.codeSha256) : live.alias.functionVersion;
  state.alias = await pointAlias(ctx, name, version, live?.alias);
  state.url = await ensureUrl(ctx, name, change.service.access === "public", live?.url);
  const scaling = change.service.scaling;
  const wantConcurrency = { provisioned: scaling.min, reserved: scaling.max };
  state.concurrency = await ensureConcurrency(ctx, name, wantConcurrency, live?.concurrency);
  // A target that now names its own role no longer needs the one apiship made.
  if (!role && live?.role?.managed) await deleteRole(ctx.clients, live.role.name);
  return resultOf(state);
}

/** Native rollback: `live` back to the version `to` recorded. */
export async function rollbackLambda(
  ctx: AwsCtx,
  state: LambdaState,
  to: LambdaState,
): Promise<ApplyResult<LambdaState>> {
  const version = to.alias?.functionVersion;
  if (!version) {
    throw new ProviderError(`the release to roll back to has no published version of ${state.name}`, {
      code: "NO_RELEASE",
      fault: "user",
      target: ctx.target.name,
      hint: "roll back to a release that was deployed with apiship (see `apiship status`)",
    });
  }
  const c = await clientsFor(ctx, state.region);
  ctx.progress.step(`point ${"live"} at version ${version}`);
  const alias = await pointAlias(
    { ...ctx, clients: c },
    state.name,
    version,
    state.alias ?? { name: "live", functionVersion: "" },
  );
  ctx.progress.done(`point ${"live"} at version ${version}`);
  return resultOf({ ...state, alias });
}

/** URL, provisioned concurrency, alias, function, then the role if apiship created it. */
export async function destroyLambda(ctx: AwsCtx, state: LambdaState): Promise<void> {
  const c = await clientsFor(ctx, state.region);
  ctx.progress.step("delete function");
  await tearDownFunction(c, state.name);
  ctx.progress.done("delete function");
  // From state alone, but a crash may have left a role the state never recorded.
  const roleName = state.role?.name ?? roleNameFor(state.name);
  const managed = state.role?.managed ?? (await readRole(c, roleName, ctx.stack.id))?.managed;
  if (managed) {
    ctx.progress.step("delete role");
    await deleteRole(c, roleName);
    ctx.progress.done("delete role");
  }
}
