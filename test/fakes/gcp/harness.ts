// A Cloud Run / Cloud Functions target wired to the GCP fake, for the contract suite, the
// adapters' integration tests and the benchmark: the real client libraries, a static token,
// the fake's URL as the target's endpoint, operation polls of 1 ms.

import type { CallRetryPolicy, Ctx, TargetAdapter } from "../../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../../src/manifest/types.js";
import type { GcpClients } from "../../../providers/gcp/clients.js";
import { baseService } from "../../support/test-provider/harness.js";
import { startGcpFake } from "./index.js";
import type { GcpFake, GcpKnobs } from "./index.js";

export const PROJECT = "acme-shop";
export const REGION = "europe-west1";
export const SECRET_VALUE = "s3cr3t-value-123";

export interface GcpWorldHandle {
  fake: GcpFake;
  stack: Stack;
  target: TargetSpec;
  service: ServiceSpec;
  steps: string[];
  ctx(t?: TargetSpec, svc?: ServiceSpec): Promise<Ctx<GcpClients>>;
  close(): Promise<void>;
}

export async function gcpWorld(
  adapter: TargetAdapter<Record<string, unknown>, object, GcpClients>,
  opts: {
    knobs?: GcpKnobs;
    service?: ServiceSpec;
    targetOptions?: Record<string, unknown>;
    env?: Record<string, string>;
    /** The run's per-call retry policy handed to the clients. */
    retry?: CallRetryPolicy;
  } = {},
): Promise<GcpWorldHandle> {
  const fake = await startGcpFake({ knobs: opts.knobs ?? {} });
  const service = opts.service ?? baseService;
  const target: TargetSpec = {
    name: "api",
    provider: "gcp",
    platform: adapter.platform,
    options: adapter.options.parse({
      project: PROJECT,
      region: REGION,
      endpoint: fake.url,
      ...opts.targetOptions,
    }) as Record<string, unknown>,
  };
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
  const steps: string[] = [];
  const controller = new AbortController();
  return {
    fake,
    stack,
    target,
    service,
    steps,
    ctx: async (t = target, svc = service) => ({
      clients: (await adapter.createClients?.({
        target: t,
        env: { APISHIP_GCP_POLL_MS: "1", ...opts.env },
        ...(opts.retry ? { retry: opts.retry } : {}),
      })) as GcpClients,
      stack: { ...stack, service: svc, targets: [t] },
      target: t,
      progress: { step: (s) => steps.push(`step ${s}`), done: (s) => steps.push(`done ${s}`) },
      log: { debug: () => {}, info: () => {}, warn: () => {} },
      signal: controller.signal,
    }),
    close: () => fake.close(),
  };
}
