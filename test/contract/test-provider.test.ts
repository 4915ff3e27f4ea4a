// The test provider passes the same lifecycle as every real platform.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { service } from "../support/test-provider/service.js";
import { clientsFixture, doubleMemory } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("test/service", async () => {
  const dir = mkdtempSync(join(tmpdir(), "apiship-contract-"));
  return clientsFixture({
    adapter: service,
    name: "shop-dev-web",
    target: {
      name: "web",
      provider: "test",
      platform: "service",
      options: { cloud: join(dir, "cloud.json") },
    },
    env: {},
    secrets: { API_KEY: "value" },
    update: doubleMemory,
    replace: { target: (t) => ({ ...t, options: { ...t.options, region: "local-2" } }), forcedBy: "region" },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  });
});
