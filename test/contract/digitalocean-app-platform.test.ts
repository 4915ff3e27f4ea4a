// digitalocean/app-platform passes the same lifecycle as every platform, against the
// DigitalOcean fake, through the real fetch client reached by the target's `endpoint` option.
// An env change updates the app spec in place (a new deployment); a region change recreates it.
import { appPlatform } from "../../providers/digitalocean/app-platform.js";
import { startDoFake } from "../fakes/digitalocean/server.js";
import { clientsFixture, debugLogLevel } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("digitalocean/app-platform", async () => {
  const fake = await startDoFake({ world: { readsPerPhase: 1 } });
  return clientsFixture({
    adapter: appPlatform,
    name: "shop-dev-web",
    target: {
      name: "web",
      provider: "digitalocean",
      platform: "app-platform",
      options: { region: "fra", endpoint: fake.url },
    },
    env: { DIGITALOCEAN_TOKEN: "contract-token", APISHIP_DO_POLL_MS: "1" },
    secrets: { API_KEY: "value" },
    update: debugLogLevel,
    replace: { target: (t) => ({ ...t, options: { ...t.options, region: "ams" } }), forcedBy: "region" },
    close: async () => {
      const rejected = fake.rejected;
      await fake.close();
      if (rejected.length > 0) throw new Error(`the fake rejected bodies: ${JSON.stringify(rejected)}`);
    },
  });
});
