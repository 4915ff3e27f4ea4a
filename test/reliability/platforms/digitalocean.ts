// DigitalOcean App Platform, Functions and Droplets against the DigitalOcean fake, reached by
// the target's `endpoint` option (DIGITALOCEAN_TOKEN as a user sets it). The fake serves the
// apps' live URLs and the web actions itself, under the same faults; each Droplet's address
// answers on a loopback responder of its own.

import { startDoFake } from "../../fakes/digitalocean/server.js";
import type { DoFake } from "../../fakes/digitalocean/server.js";
import type { Platform, Site } from "../platform-kit.js";
import {
  FaultSwitch,
  SECRET_VALUE,
  SECRET_VAR,
  manifestText,
  over,
  remaining,
  writeProject,
} from "../platform-kit.js";

type Inventory = (fake: DoFake) => Pick<Site, "duplicates" | "leftovers">;

function doPlatform(
  id: string,
  seed: number,
  code: string,
  target: (fake: DoFake) => string,
  inventory: Inventory,
  o: { handler?: string; service?: string[] } = {},
): Platform {
  return {
    id,
    seed,
    async start(dir, faults) {
      const sw = new FaultSwitch(faults);
      const fake = await startDoFake({ knobs: sw.knobs() });
      sw.track(fake.knobs);
      writeProject(dir, manifestText({ code, target: target(fake), service: o.service ?? [] }), o.handler);
      return {
        env: {
          DIGITALOCEAN_TOKEN: "faults-token",
          APISHIP_DO_POLL_MS: "5",
          APISHIP_DO_DROPLET_HTTP_PORT: String(fake.dropletHttpPort),
          [SECRET_VAR]: SECRET_VALUE,
        },
        // The DigitalOcean API and the Functions API host; live URLs and web actions are health checks.
        apiRequests: () => fake.apiCalls().length,
        faults: (on) => sw.set(on),
        ...inventory(fake),
        close: () => fake.close(),
      };
    },
  };
}

const CONTAINER = 'container: { image: "ghcr.io/acme/shop:1", port: 8080 }';

export const appPlatform = doPlatform(
  "digitalocean/app-platform",
  501,
  CONTAINER,
  (f) => `provider: digitalocean, platform: app-platform, region: fra, endpoint: "${f.url}"`,
  (f) => ({
    duplicates: () => [
      ...over(1, { apps: f.world.apps.size }),
      // One spec sent once is one deployment; another one is an update or a deployment sent again.
      ...[...f.world.apps.values()].flatMap((a) =>
        over(1, { [`${a.app.spec.name} deployments`]: a.deployments.length }),
      ),
    ],
    leftovers: () => remaining({ apps: f.world.apps.size }),
  }),
);

export const doFunctions = doPlatform(
  "digitalocean/functions",
  502,
  "function: { runtime: nodejs18, handler: index.main, source: ./src, interface: native }",
  (f) => `provider: digitalocean, platform: functions, region: fra1, endpoint: "${f.url}"`,
  (f) => ({
    duplicates: () => [
      ...over(1, { namespaces: f.world.namespaces.size }),
      ...[...f.world.namespaces.values()].flatMap((n) =>
        over(1, { [`${n.info.label} actions`]: n.actions.size }),
      ),
    ],
    leftovers: () =>
      remaining({
        namespaces: f.world.namespaces.size,
        actions: [...f.world.namespaces.values()].reduce((n, ns) => n + ns.actions.size, 0),
      }),
  }),
  { handler: "exports.main" },
);

export const droplet = doPlatform(
  "digitalocean/droplet",
  503,
  CONTAINER,
  (f) => `provider: digitalocean, platform: droplet, region: fra1, endpoint: "${f.url}"`,
  (f) => ({
    duplicates: () => over(1, { droplets: f.world.droplets.size, "reserved IPs": f.world.reservedIps.size }),
    leftovers: () => remaining({ droplets: f.world.droplets.size, "reserved IPs": f.world.reservedIps.size }),
  }),
  // A Droplet target is one machine.
  { service: ["  scaling: { min: 1, max: 1 }"] },
);
