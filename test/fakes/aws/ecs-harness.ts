// What the tests of the ECS Fargate adapter against the fake share: a container service, and
// (from adapter-world.ts) a fake, a stack and target, a Ctx whose clients reach the fake through
// AWS_ENDPOINT_URL, and read → plan → apply the way the engine drives them. No vitest here.

import type { DeployableTarget } from "../../../src/core/provider.js";
import type { ServiceSpec } from "../../../src/manifest/types.js";
import type { EcsClients } from "../../../providers/aws/clients.js";
import { ecsFargate } from "../../../providers/aws/ecs-fargate.js";
import type { EcsOptions, EcsState } from "../../../providers/aws/ecs-fargate.js";
import type { Planned } from "../../support/read-plan.js";
import { awsWorld, planAndDeploy } from "./adapter-world.js";
import type { AwsWorld, AwsWorldOptions } from "./adapter-world.js";

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

export interface EcsWorld extends AwsWorld<EcsOptions, EcsClients> {
  close(): Promise<void>;
}

export async function ecsWorld(opts: AwsWorldOptions = {}): Promise<EcsWorld> {
  const w = await awsWorld(ecsAdapter, "ecs-fargate", containerService(), opts);
  w.fake.world.ecs.rolloutMs = 20;
  return { ...w, close: () => w.fake.close() };
}

export type EcsPlanned = Planned<EcsOptions, EcsState>;

/** read → plan, as the engine does before a deploy; read → plan → apply. */
export const { plan: ecsPlan, deploy: ecsDeploy } = planAndDeploy(
  ecsAdapter,
  ECS_NAME,
  { HF_TOKEN: "hmac-sha256:1" },
  { HF_TOKEN: ECS_SECRET },
);
