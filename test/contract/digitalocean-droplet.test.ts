// digitalocean/droplet passes the same lifecycle as every platform, against the DigitalOcean
// fake, through the real fetch client reached by the target's `endpoint` option. The fake's
// Droplets answer HTTP on loopback addresses, so the adapter's own health probe of a new
// Droplet really runs. An env change is an in-place update of the server (carried out
// blue/green behind the same reserved IP); a region change replaces the reserved IP too.
import { droplet } from "../../providers/digitalocean/droplet.js";
import { startDoFake } from "../fakes/digitalocean/server.js";
import { clientsFixture, debugLogLevel } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("digitalocean/droplet", async () => {
  const fake = await startDoFake({ world: { dropletBootReads: 2 } });
  return clientsFixture({
    adapter: droplet,
    name: "shop-dev-web",
    target: {
      name: "web",
      provider: "digitalocean",
      platform: "droplet",
      options: { region: "fra1", endpoint: fake.url },
    },
    env: {
      DIGITALOCEAN_TOKEN: "contract-token",
      APISHIP_DO_POLL_MS: "1",
      APISHIP_DO_DROPLET_HTTP_PORT: String(fake.dropletHttpPort),
    },
    secrets: { API_KEY: "value" },
    update: debugLogLevel,
    replace: { target: (t) => ({ ...t, options: { ...t.options, region: "ams3" } }), forcedBy: "region" },
    close: async () => {
      const rejected = fake.rejected;
      const left = fake.world.droplets.size + fake.world.reservedIps.size;
      await fake.close();
      if (rejected.length > 0) throw new Error(`the fake rejected bodies: ${JSON.stringify(rejected)}`);
      if (left > 0) throw new Error(`destroy left ${left} Droplets or reserved IPs behind`);
    },
  });
});
