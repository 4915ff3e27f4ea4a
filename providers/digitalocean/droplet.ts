// DigitalOcean Droplet: a VM that runs the container image with Docker. A deploy brings up a
// new Droplet and retires the old one once the new one is healthy (blue/green), so a rollback
// keeps or returns to the previous Droplet (DESIGN.md §7). Behaviour: droplet-plan.ts (pure,
// with the cloud-config), droplet-server.ts, droplet-apply.ts; clients.ts builds the client
// (droplet-server.ts gives the new Droplet's probe a fetch that dials by APISHIP_CONNECT_TO).

import { defineTarget } from "../../src/core/provider.js";
import { pathSegment, viaEndpoint } from "../_shared/console.js";
import type { DoClients } from "./clients.js";
import {
  applyDroplet,
  destroyDroplet,
  readDroplet,
  rollbackDroplet,
  statusDroplet,
} from "./droplet-apply.js";
import { planDroplet } from "./droplet-plan.js";
import { createDropletClients } from "./droplet-server.js";
import type { DropletOptions, DropletState } from "./droplet-plan.js";
import { reachDroplets, whoamiDo } from "./whoami.js";
import { dropletInfo } from "./droplet-info.js";

export const droplet = defineTarget<DropletOptions, DropletState, DoClients>({
  ...dropletInfo,
  createClients: createDropletClients,
  whoami: whoamiDo(reachDroplets),
  read: readDroplet,
  plan: planDroplet,
  apply: applyDroplet,
  destroy: destroyDroplet,
  status: statusDroplet,
  rollback: rollbackDroplet,
  // The serving Droplet's page (its graphs and console: Docker's logs are read on the Droplet);
  // before one is recorded, the Droplets list.
  // DigitalOcean keeps no log of what runs on a Droplet: the container's output stays on the
  // machine. The cloud-config runs it as the Docker container `api` with Docker's default
  // json-file log driver, so it is `docker logs`, not a systemd unit's journal, that holds it.
  logsHint: (state) => {
    const ip = state?.reservedIp?.ip ?? state?.droplet?.ip;
    return `the container's output is on the Droplet: ssh root@${ip ?? "<droplet-ip>"} docker logs --since 10m -f api (the Docker daemon's own journal: journalctl -u docker)`;
  },
  consoleUrl: (target, state) => {
    if (viaEndpoint(target.options)) return undefined;
    const id = state?.droplet?.id;
    return typeof id === "number"
      ? `https://cloud.digitalocean.com/droplets/${pathSegment(String(id))}`
      : "https://cloud.digitalocean.com/droplets";
  },
});
