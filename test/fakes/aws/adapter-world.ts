// What the harnesses of the AWS adapters against the fake (harness.ts for Lambda, ecs-harness.ts
// for ECS Fargate) share: a fake, a stack and an `api` target in us-east-1, a Ctx whose clients
// reach the fake through AWS_ENDPOINT_URL (as a LocalStack user's would), and read → plan → apply
// the way the engine drives them. Each harness keeps its own service, name and secrets. No vitest
// here.

import type { Ctx, DeployableTarget } from "../../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../../src/manifest/types.js";
import { readAndPlan } from "../../support/read-plan.js";
import type { Planned } from "../../support/read-plan.js";
import { startAwsFake } from "./index.js";
import type { AwsFake, AwsFakeOptions } from "./index.js";

export type AwsWorldOptions = AwsFakeOptions & { env?: Record<string, string> };

export interface AwsWorld<O, C> {
  fake: AwsFake;
  service: ServiceSpec;
  stack: Stack;
  target: TargetSpec & { options: O };
  env: Record<string, string>;
  /** A Ctx for `target` (the world's own by default); progress goes into `steps`. */
  ctx(target?: TargetSpec, steps?: string[]): Promise<Ctx<C>>;
}

/** A fake, and `service` deployed by `adapter` as the `api` target of shop/dev in us-east-1. */
export async function awsWorld<O extends Record<string, unknown>, S extends object, C>(
  adapter: DeployableTarget<O, S, C>,
  platform: string,
  service: ServiceSpec,
  opts: AwsWorldOptions,
): Promise<AwsWorld<O, C>> {
  const fake = await startAwsFake(opts);
  const target = {
    name: "api",
    provider: "aws",
    platform,
    options: adapter.options.parse({ region: "us-east-1" }),
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
    env,
    ctx: async (t: TargetSpec = target, steps: string[] = []) => ({
      clients: await adapter.createClients({ target: t, env }),
      stack,
      target: t,
      progress: { step: (s) => steps.push(`step ${s}`), done: (s) => steps.push(`done ${s}`) },
      log: { debug: () => {}, info: () => {}, warn: () => {} },
      signal: new AbortController().signal,
    }),
  };
}

/**
 * read → plan, as the engine does before a deploy, and read → plan → apply, of `adapter`'s target
 * `name` in an AwsWorld: planned with `secretHashes`, applied with `secrets`.
 */
export function planAndDeploy<O, S extends object, C>(
  adapter: DeployableTarget<O, S, C>,
  name: string,
  secretHashes: Record<string, string>,
  secrets: Record<string, string>,
) {
  async function plan(
    w: AwsWorld<O, C>,
    service: ServiceSpec = w.service,
    target: TargetSpec & { options: O } = w.target,
    recorded?: S,
  ): Promise<Planned<O, S>> {
    return readAndPlan(adapter, await w.ctx(target), {
      stack: { ...w.stack, service },
      target,
      service,
      name,
      recorded,
      secretHashes,
    });
  }
  async function deploy(
    w: AwsWorld<O, C>,
    service?: ServiceSpec,
    target?: TargetSpec & { options: O },
    recorded?: S,
    steps?: string[],
  ) {
    const planned = await plan(w, service, target, recorded);
    const ctx = await w.ctx(target ?? w.target, steps);
    const result = await adapter.apply(ctx, { ...planned, secrets });
    return { planned, result };
  }
  return { plan, deploy };
}
