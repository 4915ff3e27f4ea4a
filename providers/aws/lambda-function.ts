// The Lambda function itself: reading its $LATEST configuration into FunctionState, creating it,
// updating code and configuration, and waiting until it has settled (State Active,
// LastUpdateStatus Successful) before the next change: Lambda refuses a change while another is in
// progress (ResourceConflictException), the classic race of scripted deploys.

import { resolvedSecrets } from "../_shared/plan.js";
import type { FunctionConfiguration, GetFunctionCommandOutput } from "@aws-sdk/client-lambda";
import type { Ctx } from "../../src/core/provider.js";
import type { ZipArtifact } from "../_shared/artifact.js";
import { poll } from "../_shared/poll.js";
import { codeLocation } from "./artifact-bucket.js";
import type { AwsClients } from "./clients.js";
import { aws, awsMaybe, mapAwsError } from "./errors.js";
import type { LambdaOptions } from "./lambda.js";
import { roleNameOfArn } from "./lambda-plan.js";
import type { FunctionAttrs, FunctionState } from "./lambda-state.js";

export type AwsCtx = Ctx<AwsClients>;

export async function getFunction(
  c: AwsClients,
  name: string,
): Promise<GetFunctionCommandOutput | undefined> {
  return awsMaybe("GetFunction", c.target, () =>
    c.lambda.send(new c.sdk.lambda.GetFunctionCommand({ FunctionName: name })),
  );
}

/** FunctionState of a GetFunction answer; env values of `secretNames` are replaced by their known hashes. */
/**
 * The function carries the fingerprint (keyed hash, never the value) of each secret in its env
 * as a tag `apiship:secret:NAME`, so read() compares what the cloud runs rather than what the
 * state recorded: an apply that updated the function but was never recorded (a failed run, a
 * retry) is then seen as done instead of being sent again.
 */
export const SECRET_TAG = "apiship:secret:";

/** The fingerprint tags of `secrets` (name → fingerprint). */
export function secretTags(secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secrets)
      .filter(([, v]) => v !== "")
      .map(([k, v]) => [`${SECRET_TAG}${k}`, v]),
  );
}

export function toFunctionState(
  out: GetFunctionCommandOutput,
  region: string,
  secretNames: readonly string[],
  recordedHashes: Record<string, string>,
): FunctionState {
  const cfg = out.Configuration ?? {};
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const tags: Record<string, string> = {};
  const knownHashes = { ...recordedHashes };
  for (const [k, v] of Object.entries(out.Tags ?? {})) {
    if (k.startsWith(SECRET_TAG)) knownHashes[k.slice(SECRET_TAG.length)] = v;
    else tags[k] = v;
  }
  for (const [k, v] of Object.entries(cfg.Environment?.Variables ?? {})) {
    // A secret's value never leaves this function: only the fingerprint the function carries.
    if (secretNames.includes(k)) secrets[k] = knownHashes[k] ?? "";
    else env[k] = v;
  }
  const vpc = cfg.VpcConfig?.SubnetIds?.length
    ? {
        subnetIds: [...cfg.VpcConfig.SubnetIds].sort(),
        securityGroupIds: [...(cfg.VpcConfig.SecurityGroupIds ?? [])].sort(),
      }
    : null;
  const s: FunctionState = {
    region,
    architecture: cfg.Architectures?.[0] ?? "x86_64",
    runtime: cfg.Runtime ?? "",
    handler: cfg.Handler ?? "",
    memory: cfg.MemorySize ?? 128,
    timeout: cfg.Timeout ?? 3,
    ephemeralStorage: cfg.EphemeralStorage?.Size ?? 512,
    env,
    secrets,
    layers: (cfg.Layers ?? []).map((l) => l.Arn ?? ""),
    vpc,
    role: roleNameOfArn(cfg.Role ?? ""),
    codeSha256: cfg.CodeSha256 ?? "",
    tags,
    arn: cfg.FunctionArn ?? "",
  };
  if (cfg.State !== undefined) s.state = cfg.State;
  if (cfg.LastUpdateStatus !== undefined) s.lastUpdateStatus = cfg.LastUpdateStatus;
  return s;
}

/** Waits until the function accepts the next change. */
export async function waitSettled(ctx: AwsCtx, name: string): Promise<FunctionConfiguration> {
  const c = ctx.clients;
  return poll(
    () =>
      aws("GetFunctionConfiguration", c.target, () =>
        c.lambda.send(new c.sdk.lambda.GetFunctionConfigurationCommand({ FunctionName: name })),
      ),
    (f) => f.State === "Active" && f.LastUpdateStatus !== "InProgress",
    {
      what: `function ${name} to become Active`,
      failed: (f) =>
        f.State === "Failed" || f.LastUpdateStatus === "Failed"
          ? (f.StateReason ?? f.LastUpdateStatusReason ?? "no reason given")
          : undefined,
      intervalMs: c.pollIntervalMs,
      maxIntervalMs: Math.max(c.pollIntervalMs, 5000),
      signal: ctx.signal,
    },
  );
}

/** The configuration members CreateFunction and UpdateFunctionConfiguration share. */
function configInput(d: FunctionAttrs, roleArn: string, secrets: Record<string, string>) {
  return {
    Role: roleArn,
    Runtime: d.runtime as FunctionConfiguration["Runtime"],
    Handler: d.handler,
    MemorySize: d.memory,
    Timeout: d.timeout,
    EphemeralStorage: { Size: d.ephemeralStorage },
    Environment: { Variables: { ...d.env, ...secrets } },
    Layers: d.layers,
    VpcConfig: d.vpc
      ? { SubnetIds: d.vpc.subnetIds, SecurityGroupIds: d.vpc.securityGroupIds }
      : { SubnetIds: [], SecurityGroupIds: [] },
  };
}

/** Secret values for the function's environment: each named secret must have been resolved. */
export function secretEnv(d: FunctionAttrs, resolved: Record<string, string>, target: string) {
  return resolvedSecrets(Object.keys(d.secrets), resolved, target, "the function");
}

const ROLE_NOT_READY = /cannot be assumed|role defined for the function/i;

export async function createFunction(
  ctx: AwsCtx,
  name: string,
  d: FunctionAttrs,
  roleArn: string,
  secrets: Record<string, string>,
  zip: ZipArtifact,
  opts: LambdaOptions,
): Promise<FunctionConfiguration> {
  const c = ctx.clients;
  const input = {
    FunctionName: name,
    ...configInput(d, roleArn, secrets),
    Architectures: [d.architecture as "x86_64" | "arm64"],
    PackageType: "Zip" as const,
    Code: await codeLocation(ctx, name, zip, opts),
    Tags: { ...d.tags, ...secretTags(d.secrets) },
  };
  // A role created seconds ago is not yet visible to Lambda (IAM is eventually consistent).
  await poll(
    async () => {
      try {
        return await c.lambda.send(new c.sdk.lambda.CreateFunctionCommand(input));
      } catch (e) {
        const err = mapAwsError(e, "CreateFunction", c.target);
        if (ROLE_NOT_READY.test(err.message)) return undefined;
        throw err;
      }
    },
    (out) => out !== undefined,
    {
      what: `role ${d.role} to be usable by Lambda`,
      intervalMs: c.pollIntervalMs,
      timeoutMs: 60_000,
      signal: ctx.signal,
    },
  );
  return waitSettled(ctx, name);
}

export async function updateCode(
  ctx: AwsCtx,
  name: string,
  zip: ZipArtifact,
  opts: LambdaOptions,
): Promise<FunctionConfiguration> {
  const c = ctx.clients;
  const code = await codeLocation(ctx, name, zip, opts);
  await aws("UpdateFunctionCode", c.target, () =>
    c.lambda.send(new c.sdk.lambda.UpdateFunctionCodeCommand({ FunctionName: name, ...code })),
  );
  return waitSettled(ctx, name);
}

export async function updateConfig(
  ctx: AwsCtx,
  name: string,
  d: FunctionAttrs,
  roleArn: string,
  secrets: Record<string, string>,
): Promise<FunctionConfiguration> {
  const c = ctx.clients;
  await aws("UpdateFunctionConfiguration", c.target, () =>
    c.lambda.send(
      new c.sdk.lambda.UpdateFunctionConfigurationCommand({
        FunctionName: name,
        ...configInput(d, roleArn, secrets),
      }),
    ),
  );
  return waitSettled(ctx, name);
}

export async function syncTags(
  ctx: AwsCtx,
  arn: string,
  have: Record<string, string>,
  want: Record<string, string>,
): Promise<void> {
  const c = ctx.clients;
  const add = Object.fromEntries(Object.entries(want).filter(([k, v]) => have[k] !== v));
  if (Object.keys(add).length > 0) {
    await aws("TagResource", c.target, () =>
      c.lambda.send(new c.sdk.lambda.TagResourceCommand({ Resource: arn, Tags: add })),
    );
  }
}
