// The test provider passes the same lifecycle as every real platform.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Ctx, DeployableTarget } from "../../src/core/provider.js";
import type { Stack, TargetSpec } from "../../src/manifest/types.js";
import { baseService } from "../support/test-provider/harness.js";
import { service, TestServiceOptions } from "../support/test-provider/service.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("test/service", async () => {
  const dir = mkdtempSync(join(tmpdir(), "apiship-contract-"));
  const target: TargetSpec = {
    name: "web",
    provider: "test",
    platform: "service",
    options: TestServiceOptions.parse({ cloud: join(dir, "cloud.json") }),
  };
  const stack: Stack = {
    id: "shop/dev",
    app: "shop",
    environment: "dev",
    service: baseService,
    targets: [target],
  };
  const adapter = service as unknown as DeployableTarget<Record<string, unknown>, object, unknown>;
  return {
    adapter,
    name: "shop-dev-web",
    stack,
    target,
    secretHashes: { API_KEY: "hmac-sha256:1" },
    secrets: { API_KEY: "value" },
    ctx: async (t: TargetSpec): Promise<Ctx<unknown>> => ({
      clients: await adapter.createClients({ target: t, env: {} }),
      stack,
      target: t,
      progress: { step: () => {}, done: () => {} },
      log: { debug: () => {}, info: () => {}, warn: () => {} },
      signal: new AbortController().signal,
    }),
    update: (svc) => ({ ...svc, resources: { ...svc.resources, memory: svc.resources.memory * 2 } }),
    replace: { target: (t) => ({ ...t, options: { ...t.options, region: "local-2" } }), forcedBy: "region" },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
