// azure/app-service passes the same lifecycle as every platform, against the stateful ARM fake
// (reached over plain http with the static bearer); and with 20% throttling and 5% server
// errors, and the SDK's own retries off, a deploy still converges when retried as the engine
// retries: only on retryable ProviderErrors, from the top.
import { describe, expect, it } from "vitest";
import type { Ctx, DeployableTarget } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { TargetSpec } from "../../src/manifest/types.js";
import { appService } from "../../providers/azure/app-service.js";
import type { AppServiceOptions, AppServiceState } from "../../providers/azure/app-service.js";
import type { AzureClients } from "../../providers/azure/clients.js";
import { seeded } from "../fakes/_shared/server.js";
import { SECRET_VALUE, SUBSCRIPTION, azureWorld, planIn } from "../fakes/azure/harness.js";
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
const world = (fake?: AzureFakeOptions, env?: Record<string, string>) =>
  azureWorld(adapter, {
    name: "web",
    platform: "app-service",
    options: options(),
    ...(fake ? { fake } : {}),
    ...(env ? { env } : {}),
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
  it("converges with 20% throttling and 5% server errors", async () => {
    const w = await world(
      { knobs: { throttleRate: 0.2, errorRate: 0.05, random: seeded(11) } },
      { AZURE_MAX_RETRIES: "0" },
    );
    try {
      const failures: string[] = [];
      // As the engine does: a retryable failure re-runs the failed step (the read, or apply
      // with the same planned change), from its top, against what the cloud holds by then.
      const retry = async <T>(run: () => Promise<T>): Promise<T> => {
        for (let attempt = 0; attempt < 200; attempt++) {
          try {
            return await run();
          } catch (e) {
            if (!(e instanceof ProviderError) || !e.retryable) throw e;
            failures.push(e.code);
          }
        }
        throw new Error("no attempt succeeded");
      };
      const planned = await retry(() => planIn(w, NAME));
      const ctx = await w.ctx();
      const state = (
        await retry(() => w.adapter.apply(ctx, { ...planned, secrets: { API_KEY: SECRET_VALUE } }))
      ).state;
      expect(failures.length).toBeGreaterThan(0);
      expect(new Set(failures)).toEqual(
        new Set(failures.filter((c) => c === "THROTTLED" || c === "AZURE_UNAVAILABLE")),
      );
      w.fake.knobs.throttleRate = 0;
      w.fake.knobs.errorRate = 0;
      const site = w.fake.world.sites.get(NAME);
      expect(site?.config.linuxFxVersion).toBe("DOCKER|ghcr.io/acme/shop:1");
      expect(site?.settings.API_KEY).toBe(SECRET_VALUE);
      const again = await planIn(w, NAME, state);
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
