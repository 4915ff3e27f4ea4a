// What the tests of the Azure adapters against the fake share: a fake, a stack and target, a Ctx
// whose clients reach the fake through AZURE_RESOURCE_MANAGER_ENDPOINT (plain http, so the
// static-bearer policy is in play and no Azure credential is ever looked for), and
// read → plan → apply the way the engine drives them. No vitest here.

import type { CallRetryPolicy, Ctx, DeployableTarget, ResourceChange } from "../../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../../src/manifest/types.js";
import type { AzureClients } from "../../../providers/azure/clients.js";
import { readAndPlan } from "../../support/read-plan.js";
import type { Planned } from "../../support/read-plan.js";
import { startAzureFake } from "./index.js";
import type { AzureFake, AzureFakeOptions } from "./index.js";

export const SUBSCRIPTION = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
export const SECRET_VALUE = "s3cr3t-azure-value-5e2a";

export const containerService: ServiceSpec = {
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { cpu: 1, memory: 1024 },
  scaling: { min: 1, max: 3 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 2, intervalMs: 20 },
  access: "public",
  timeoutMs: 30_000,
};

export interface AzureWorld<O, S extends object> {
  fake: AzureFake;
  adapter: DeployableTarget<O, S, AzureClients>;
  stack: Stack;
  target: TargetSpec & { options: O };
  env: Record<string, string>;
  steps: string[];
  ctx(target?: TargetSpec): Promise<Ctx<AzureClients>>;
  close(): Promise<void>;
}

export interface WorldSetup<O> {
  name: string;
  platform: string;
  options: O & Record<string, unknown>;
  service?: ServiceSpec;
  fake?: AzureFakeOptions;
  env?: Record<string, string>;
  /** The run's per-call retry policy; default: the engine's budget with millisecond waits. */
  retry?: CallRetryPolicy;
  /**
   * Serve sites and Kudu on host names (SITE_DOMAIN) that resolve nowhere, reached only through
   * APISHIP_CONNECT_TO, as an emulator or a private endpoint is.
   */
  sitesByHost?: boolean;
}

/** Reserved never to resolve (RFC 6761): a call that skips APISHIP_CONNECT_TO fails with ENOTFOUND. */
export const SITE_DOMAIN = "azurewebsites.invalid";

/** The engine's attempts with waits short enough for tests. */
export const FAST_RETRY: CallRetryPolicy = { maxAttempts: 5, baseMs: 1, capMs: 4, maxWaitMs: 1000 };

export async function azureWorld<O, S extends object>(
  adapter: DeployableTarget<O, S, AzureClients>,
  setup: WorldSetup<O>,
): Promise<AzureWorld<O, S>> {
  const fake = await startAzureFake(
    setup.sitesByHost
      ? { ...setup.fake, world: { ...setup.fake?.world, siteDomain: SITE_DOMAIN } }
      : setup.fake,
  );
  const service = setup.service ?? containerService;
  const target: TargetSpec & { options: O } = {
    name: setup.name,
    provider: "azure",
    platform: setup.platform,
    options: setup.options,
  };
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
  const env: Record<string, string> = {
    AZURE_RESOURCE_MANAGER_ENDPOINT: fake.url,
    APISHIP_AZURE_POLL_MS: "5",
    // Sites answer on port 80 of their names (plain http, as the fake's ARM is): dial the fake.
    ...(setup.sitesByHost ? { APISHIP_CONNECT_TO: `:80:127.0.0.1:${fake.port}` } : {}),
    ...setup.env,
  };
  const steps: string[] = [];
  const retry = setup.retry ?? FAST_RETRY;
  return {
    fake,
    adapter,
    stack,
    target,
    env,
    steps,
    ctx: async (t: TargetSpec = target) => ({
      clients: await adapter.createClients({ target: t, env, retry }),
      stack,
      target: t,
      progress: { step: (s) => steps.push(`step ${s}`), done: (s) => steps.push(`done ${s}`) },
      log: { debug: () => {}, info: () => {}, warn: () => {} },
      signal: new AbortController().signal,
    }),
    close: () => fake.close(),
  };
}

/** read → plan, as the engine does before a deploy. */
export async function planIn<O, S extends object>(
  w: AzureWorld<O, S>,
  name: string,
  recorded?: S,
  service: ServiceSpec = w.stack.service,
  target: TargetSpec & { options: O } = w.target,
): Promise<Planned<O, S>> {
  return readAndPlan(w.adapter, await w.ctx(target), {
    stack: { ...w.stack, service },
    target,
    service,
    name,
    recorded,
    secretHashes: { API_KEY: "hmac-sha256:1" },
  });
}

/** read → plan → apply. */
export async function deployIn<O, S extends object>(
  w: AzureWorld<O, S>,
  name: string,
  recorded?: S,
  service?: ServiceSpec,
  target?: TargetSpec & { options: O },
) {
  const planned = await planIn(w, name, recorded, service, target);
  const result = await w.adapter.apply(await w.ctx(target ?? w.target), {
    ...planned,
    secrets: { API_KEY: SECRET_VALUE },
  });
  return { planned, result };
}

export const actions = (cs: ResourceChange[]) =>
  cs.filter((c) => c.action !== "no-op").map((c) => `${c.action} ${c.type}`);
