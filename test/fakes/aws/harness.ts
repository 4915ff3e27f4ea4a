// What the tests of the Lambda adapter against the fake share: a function source in a temp dir,
// the service that deploys it, and (from adapter-world.ts) a fake, a stack and target, a Ctx whose
// clients reach the fake through AWS_ENDPOINT_URL (as a LocalStack user's would), and
// plan → apply the way the engine drives them. No vitest here.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceSpec } from "../../../src/manifest/types.js";
import type { AwsClients } from "../../../providers/aws/clients.js";
import { lambda } from "../../../providers/aws/lambda.js";
import type { LambdaOptions, LambdaState } from "../../../providers/aws/lambda.js";
import type { DeployableTarget } from "../../../src/core/provider.js";
import type { Planned as PlannedOf } from "../../support/read-plan.js";
import { awsWorld, planAndDeploy } from "./adapter-world.js";
import type { AwsWorld, AwsWorldOptions } from "./adapter-world.js";

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

export interface LambdaWorld extends AwsWorld<LambdaOptions, AwsClients> {
  source: string;
  close(): Promise<void>;
}

export async function lambdaWorld(opts: AwsWorldOptions = {}): Promise<LambdaWorld> {
  const source = functionSource();
  const w = await awsWorld(adapter, "lambda", serviceFor(source), opts);
  return {
    ...w,
    source,
    close: async () => {
      await w.fake.close();
      rmSync(source, { recursive: true, force: true });
    },
  };
}

export type Planned = PlannedOf<LambdaOptions, LambdaState>;

/** read → plan, as the engine does before a deploy; read → plan → apply. */
export const { plan: planFor, deploy } = planAndDeploy(
  adapter,
  NAME,
  { API_KEY: "hmac-sha256:1" },
  { API_KEY: SECRET_VALUE },
);
