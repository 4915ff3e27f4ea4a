// digitalocean/functions passes the same lifecycle as every platform, against the DigitalOcean
// fake (which also plays the namespace's API host), through the real fetch client reached by
// the target's `endpoint` option. An env change updates the web action in place; a region
// change recreates the namespace and the action with it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functions } from "../../providers/digitalocean/functions.js";
import { startDoFake } from "../fakes/digitalocean/server.js";
import { baseService } from "../support/test-provider/harness.js";
import { clientsFixture, debugLogLevel } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("digitalocean/functions", async () => {
  const fake = await startDoFake();
  const dir = mkdtempSync(join(tmpdir(), "apiship-contract-dofn-"));
  writeFileSync(join(dir, "index.js"), "exports.main = () => ({ body: 'ok' });\n");
  const { container: _c, ...rest } = baseService;
  void _c;
  return clientsFixture({
    adapter: functions,
    name: "shop-dev-api",
    target: {
      name: "api",
      provider: "digitalocean",
      platform: "functions",
      options: { region: "fra1", endpoint: fake.url },
    },
    service: {
      ...rest,
      kind: "function",
      function: { runtime: "nodejs18", handler: "index.main", source: dir, interface: "native" },
    },
    baseDir: dir,
    env: { DIGITALOCEAN_TOKEN: "contract-token" },
    secrets: { API_KEY: "value" },
    update: debugLogLevel,
    replace: { target: (t) => ({ ...t, options: { ...t.options, region: "ams3" } }), forcedBy: "region" },
    close: async () => {
      const rejected = fake.rejected;
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
      if (rejected.length > 0) throw new Error(`the fake rejected bodies: ${JSON.stringify(rejected)}`);
    },
  });
});
