// What the tests of the ECS Fargate adapter against the fake share: a fake, a container service,
// a stack and target, a Ctx whose clients reach the fake through AWS_ENDPOINT_URL, and
// read → plan → apply the way the engine drives them. No vitest here.

import { readAndPlan } from "../../support/read-plan.js";
import type { Ctx, DeployableTarget, PlanRequest, ResourceChange } from "../../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../../src/manifest/types.js";
import type { EcsClients } from "../../../providers/aws/clients.js";
import { ecsFargate } from "../../../providers/aws/ecs-fargate.js";
import type { EcsOptions, EcsState } from "../../../providers/aws/ecs-fargate.js";
import { startAwsFake } from "./index.js";
import type { AwsFake, AwsFakeOptions } from "./index.js";

export const ecsAdapter = ecsFargate as DeployableTarget<EcsOptions, EcsState, EcsClients>;
export const ECS_NAME = "shop-dev-api";
export const ECS_SECRET = "s3cr3t-token-91c2";
export const IMAGE = "ghcr.io/acme/sentiment-api:1.0.0";

export function containerService(image = IMAGE): ServiceSpec {
  return {
    kind: "container",
    container: { image, port: 8000 },
    env: { LOG_LEVEL: "info" },
    secrets: { HF_TOKEN: "env:HF_TOKEN" },
    resources: { cpu: 1, memory: 2048 },
    scaling: { min: 1, max: 4, concurrency: 80 },
    health: { path: "/healthz", status: 200, timeoutMs: 5000, attempts: 3, intervalMs: 100 },
    access: "public",
    timeoutMs: 30_000,
  };
}

export interface EcsWorld {
  fake: AwsFake;
  service: ServiceSpec;
  stack: Stack;
  target: TargetSpec & { options: EcsOptions };
  ctx(target?: TargetSpec, steps?: string[]): Promise<Ctx<EcsClients>>;
  close(): Promise<void>;
}

export async function ecsWorld(
  opts: AwsFakeOptions & { env?: Record<string, string> } = {},
): Promise<EcsWorld> {
  const fake = await startAwsFake(opts);
  fake.world.ecs.rolloutMs = 20;
  const service = containerService();
  const target = {
    name: "api",
    provider: "aws",
    platform: "ecs-fargate",
    options: ecsFargate.options.parse({ region: "us-east-1" }),
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
    service,
    stack,
    target,
    ctx: async (t: TargetSpec = target, steps: string[] = []) => ({
      clients: await ecsAdapter.createClients({ target: t, env }),
      stack,
      target: t,
      progress: { step: (s) => steps.push(`step ${s}`), done: (s) => steps.push(`done ${s}`) },
      log: { debug: () => {}, info: () => {}, warn: () => {} },
      signal: new AbortController().signal,
    }),
    close: () => fake.close(),
  };
}

export type EcsPlanned = PlanRequest<EcsOptions, EcsState> & { changes: ResourceChange[] };

export async function ecsPlan(
  w: EcsWorld,
  service: ServiceSpec = w.service,
  target: TargetSpec & { options: EcsOptions } = w.target,
  recorded?: EcsState,
): Promise<EcsPlanned> {
  return readAndPlan(ecsAdapter, await w.ctx(target), {
    stack: { ...w.stack, service },
    target,
    service,
    name: ECS_NAME,
    recorded,
    secretHashes: { HF_TOKEN: "hmac-sha256:1" },
  });
}

export async function ecsDeploy(
  w: EcsWorld,
  service?: ServiceSpec,
  target?: TargetSpec & { options: EcsOptions },
  recorded?: EcsState,
  steps?: string[],
) {
  const planned = await ecsPlan(w, service, target, recorded);
  const ctx = await w.ctx(target ?? w.target, steps);
  const result = await ecsAdapter.apply(ctx, { ...planned, secrets: { HF_TOKEN: ECS_SECRET } });
  return { planned, result };
}
