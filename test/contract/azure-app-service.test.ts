// azure/app-service passes the same lifecycle as every platform, against the stateful ARM fake
// (reached over plain http with the static bearer); and with 20% throttling and 5% server
// errors, and the SDK's own retries off, a deploy still converges when retried as the engine
// retries: only on retryable ProviderErrors, from the top.
import { describe, expect, it } from "vitest";
import type { CallRetryInfo, CallRetryPolicy, Ctx, DeployableTarget } from "../../src/core/provider.js";
import type { TargetSpec } from "../../src/manifest/types.js";
import { appService } from "../../providers/azure/app-service.js";
import type { AppServiceOptions, AppServiceState } from "../../providers/azure/app-service.js";
import type { AzureClients } from "../../providers/azure/clients.js";
import { seeded } from "../fakes/_shared/server.js";
import { FAST_RETRY, SECRET_VALUE, SUBSCRIPTION, azureWorld, planIn } from "../fakes/azure/harness.js";
import type { AzureFakeOptions } from "../fakes/azure/index.js";
import { describeLifecycle } from "./lifecycle.js";

const adapter = appService as DeployableTarget<AppServiceOptions, AppServiceState, AzureClients>;
const NAME = "shop-dev-web";
const options = () =>
  appService.options.parse({
    subscription: SUBSCRIPTION,
    resourceGroup: "rg-shop-dev",
    location: "westeurope",
  });
const world = (fake?: AzureFakeOptions, env?: Record<string, string>, retry?: CallRetryPolicy) =>
  azureWorld(adapter, {
    name: "web",
    platform: "app-service",
    options: options(),
    ...(fake ? { fake } : {}),
    ...(env ? { env } : {}),
    ...(retry ? { retry } : {}),
  });

describeLifecycle("azure/app-service", async () => {
  const w = await world();
  return {
    adapter: adapter as unknown as DeployableTarget<Record<string, unknown>, object, unknown>,
    name: NAME,
    stack: w.stack,
    target: w.target,
    secretHashes: { API_KEY: "hmac-sha256:1" },
    secrets: { API_KEY: SECRET_VALUE },
    ctx: async (t: TargetSpec): Promise<Ctx<unknown>> => w.ctx(t),
    update: (svc) => ({ ...svc, container: { image: "ghcr.io/acme/shop:2", port: 8080 } }),
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, location: "northeurope" } }),
      forcedBy: "location",
    },
    close: () => w.close(),
  };
});

describe("azure/app-service under injected faults", () => {
  it("converges in one run with 20% throttling and 5% server errors, each call retried in the one layer", async () => {
    const retries: CallRetryInfo[] = [];
    const w = await world({ knobs: { throttleRate: 0.2, errorRate: 0.05, random: seeded(11) } }, undefined, {
      ...FAST_RETRY,
      onRetry: (i) => retries.push(i),
    });
    try {
      // As the engine drives one run: read and plan once, apply once; no step is retried.
      const planned = await planIn(w, NAME);
      const ctx = await w.ctx();
      const state = (await w.adapter.apply(ctx, { ...planned, secrets: { API_KEY: SECRET_VALUE } })).state;
      expect(retries.length).toBeGreaterThan(0);
      expect(retries.filter((r) => r.code !== "HTTP_429" && r.code !== "HTTP_500")).toEqual([]);
      expect(retries.every((r) => r.attempt < FAST_RETRY.maxAttempts)).toBe(true);
      w.fake.knobs.throttleRate = 0;
      w.fake.knobs.errorRate = 0;
      const site = w.fake.world.sites.get(NAME);
      expect(site?.config.linuxFxVersion).toBe("DOCKER|ghcr.io/acme/shop:1");
      expect(site?.settings.API_KEY).toBe(SECRET_VALUE);
      // Nothing made twice: one site PUT, one slot PUT.
      const puts = w.fake.requests.filter((q) => q.method === "PUT" && /\/sites\//i.test(q.path));
      expect(new Set(puts.map((q) => q.path)).size).toBe(2);
      const again = await planIn(w, NAME, state);
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
