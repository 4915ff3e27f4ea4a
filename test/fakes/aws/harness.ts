// What the tests of the Lambda adapter against the fake share: a fake, a function source in a
// temp dir, a stack and target, a Ctx whose clients reach the fake through AWS_ENDPOINT_URL (as
// a LocalStack user's would), and plan → apply the way the engine drives them. No vitest here.

import { readAndPlan } from "../../support/read-plan.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Ctx, PlanRequest, ResourceChange } from "../../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../../src/manifest/types.js";
import type { AwsClients } from "../../../providers/aws/clients.js";
import { lambda } from "../../../providers/aws/lambda.js";
import type { LambdaOptions, LambdaState } from "../../../providers/aws/lambda.js";
import type { DeployableTarget } from "../../../src/core/provider.js";
import { startAwsFake } from "./index.js";
import type { AwsFake, AwsFakeOptions } from "./index.js";

export const adapter = lambda as DeployableTarget<LambdaOptions, LambdaState, AwsClients>;
export const NAME = "shop-dev-api";
export const SECRET_VALUE = "s3cr3t-value-7a1f";

export function functionSource(): string {
  const dir = mkdtempSync(join(tmpdir(), "apiship-fn-"));
  writeFileSync(
    join(dir, "index.mjs"),
    "export const handler = async () => ({ statusCode: 200, body: 'ok' });\n",
  );
  return dir;
}

export function serviceFor(source: string): ServiceSpec {
  return {
    kind: "function",
    // A Lambda-signature handler: native code.
    function: { runtime: "nodejs22", handler: "index.handler", source, interface: "native" },
    env: { LOG_LEVEL: "info" },
    secrets: { API_KEY: "env:API_KEY" },
    resources: { memory: 512 },
    scaling: { min: 0, max: 5 },
    health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
    access: "public",
    timeoutMs: 10_000,
  };
}

export interface LambdaWorld {
  fake: AwsFake;
  source: string;
  service: ServiceSpec;
  stack: Stack;
  target: TargetSpec & { options: LambdaOptions };
  env: Record<string, string>;
  ctx(target?: TargetSpec, steps?: string[]): Promise<Ctx<AwsClients>>;
  close(): Promise<void>;
}

export async function lambdaWorld(
  opts: AwsFakeOptions & { env?: Record<string, string> } = {},
): Promise<LambdaWorld> {
  const fake = await startAwsFake(opts);
  const source = functionSource();
  const service = serviceFor(source);
  const target = {
    name: "api",
    provider: "aws",
    platform: "lambda",
    options: lambda.options.parse({ region: "us-east-1" }),
  };
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
  const env = {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    APISHIP_AWS_POLL_MS: "5",
    ...opts.env,
  };
  return {
    fake,
    source,
    service,
    stack,
    target,
    env,
    ctx: async (t: TargetSpec = target, steps: string[] = []) => ({
      clients: await adapter.createClients({ target: t, env }),
      stack,
      target: t,
      progress: { step: (s) => steps.push(`step ${s}`), done: (s) => steps.push(`done ${s}`) },
      log: { debug: () => {}, info: () => {}, warn: () => {} },
      signal: new AbortController().signal,
    }),
    close: async () => {
      await fake.close();
      rmSync(source, { recursive: true, force: true });
    },
  };
}

export type Planned = PlanRequest<LambdaOptions, LambdaState> & { changes: ResourceChange[] };

/** read → plan, as the engine does before a deploy. */
export async function planFor(
  w: LambdaWorld,
  service: ServiceSpec = w.service,
  target: TargetSpec & { options: LambdaOptions } = w.target,
  recorded?: LambdaState,
): Promise<Planned> {
  return readAndPlan(adapter, await w.ctx(target), {
    stack: { ...w.stack, service },
    target,
    service,
    name: NAME,
    recorded,
    secretHashes: { API_KEY: "hmac-sha256:1" },
  });
}

/** read → plan → apply. */
export async function deploy(
  w: LambdaWorld,
  service?: ServiceSpec,
  target?: TargetSpec & { options: LambdaOptions },
  recorded?: LambdaState,
) {
  const planned = await planFor(w, service, target, recorded);
  const ctx = await w.ctx(target ?? w.target);
  const result = await adapter.apply(ctx, { ...planned, secrets: { API_KEY: SECRET_VALUE } });
  return { planned, result };
}
