// digitalocean/functions passes the same lifecycle as every platform, against the DigitalOcean
// fake (which also plays the namespace's API host), through the real fetch client reached by
// the target's `endpoint` option. An env change updates the web action in place; a region
// change recreates the namespace and the action with it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Ctx, DeployableTarget } from "../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import type { DoClients } from "../../providers/digitalocean/clients.js";
import { functions } from "../../providers/digitalocean/functions.js";
import { startDoFake } from "../fakes/digitalocean/server.js";
import { baseService } from "../support/test-provider/harness.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("digitalocean/functions", async () => {
  const fake = await startDoFake();
  const dir = mkdtempSync(join(tmpdir(), "apiship-contract-dofn-"));
  writeFileSync(join(dir, "index.js"), "exports.main = () => ({ body: 'ok' });\n");
  const target: TargetSpec = {
    name: "api",
    provider: "digitalocean",
    platform: "functions",
    options: functions.options.parse({ region: "fra1", endpoint: fake.url }) as unknown as Record<
      string,
      unknown
    >,
  };
  const { container: _c, ...rest } = baseService;
  void _c;
  const service: ServiceSpec = {
    ...rest,
    kind: "function",
    function: { runtime: "nodejs18", handler: "index.main", source: dir, interface: "native" },
  };
  const stack: Stack = {
    id: "shop/dev",
    app: "shop",
    environment: "dev",
    service,
    targets: [target],
    baseDir: dir,
  };
  const adapter = functions as unknown as DeployableTarget<Record<string, unknown>, object, unknown>;
  return {
    adapter,
    name: "shop-dev-api",
    stack,
    target,
    secretHashes: { API_KEY: "hmac-sha256:1" },
    secrets: { API_KEY: "value" },
    ctx: async (t: TargetSpec): Promise<Ctx<unknown>> => {
      const clients = (await adapter.createClients({
        target: t,
        env: { DIGITALOCEAN_TOKEN: "contract-token" },
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
    replace: { target: (t) => ({ ...t, options: { ...t.options, region: "ams3" } }), forcedBy: "region" },
    close: async () => {
      const rejected = fake.rejected;
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
      if (rejected.length > 0) throw new Error(`the fake rejected bodies: ${JSON.stringify(rejected)}`);
    },
  };
});
