// digitalocean/app-platform passes the same lifecycle as every platform, against the
// DigitalOcean fake, through the real fetch client reached by the target's `endpoint` option.
// An env change updates the app spec in place (a new deployment); a region change recreates it.
import type { Ctx, DeployableTarget } from "../../src/core/provider.js";
import type { Stack, TargetSpec } from "../../src/manifest/types.js";
import { appPlatform } from "../../providers/digitalocean/app-platform.js";
import type { DoClients } from "../../providers/digitalocean/clients.js";
import { startDoFake } from "../fakes/digitalocean/server.js";
import { baseService } from "../support/test-provider/harness.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("digitalocean/app-platform", async () => {
  const fake = await startDoFake({ world: { readsPerPhase: 1 } });
  const target: TargetSpec = {
    name: "web",
    provider: "digitalocean",
    platform: "app-platform",
    options: appPlatform.options.parse({ region: "fra", endpoint: fake.url }) as unknown as Record<
      string,
      unknown
    >,
  };
  const stack: Stack = {
    id: "shop/dev",
    app: "shop",
    environment: "dev",
    service: baseService,
    targets: [target],
  };
  const adapter = appPlatform as unknown as DeployableTarget<Record<string, unknown>, object, unknown>;
  return {
    adapter,
    name: "shop-dev-web",
    stack,
    target,
    secretHashes: { API_KEY: "hmac-sha256:1" },
    secrets: { API_KEY: "value" },
    ctx: async (t: TargetSpec): Promise<Ctx<unknown>> => {
      const clients = (await adapter.createClients({
        target: t,
        env: { DIGITALOCEAN_TOKEN: "contract-token", APISHIP_DO_POLL_MS: "1" },
      })) as DoClients;
      return {
        clients,
        stack,
        target: t,
        progress: { step: () => {}, done: () => {} },
        log: { debug: () => {}, info: () => {}, warn: () => {} },
        signal: new AbortController().signal,
      };
    },
    update: (svc) => ({ ...svc, env: { ...svc.env, LOG_LEVEL: "debug" } }),
    replace: { target: (t) => ({ ...t, options: { ...t.options, region: "ams" } }), forcedBy: "region" },
    close: async () => {
      const rejected = fake.rejected;
      await fake.close();
      if (rejected.length > 0) throw new Error(`the fake rejected bodies: ${JSON.stringify(rejected)}`);
    },
  };
});
