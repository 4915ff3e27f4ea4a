// DigitalOcean Droplet: a VM that runs the container image with Docker. A deploy brings up a
// new Droplet and retires the old one once the new one is healthy (blue/green), so a rollback
// keeps or returns to the previous Droplet (DESIGN.md §7). Behaviour: droplet-plan.ts (pure,
// with the cloud-config), droplet-server.ts, droplet-apply.ts; clients.ts builds the client
// (droplet-server.ts gives the new Droplet's probe a fetch that dials by APISHIP_CONNECT_TO).

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { pathSegment, viaEndpoint } from "../_shared/console.js";
import { endpointOption } from "../_shared/options.js";
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
import { doDatacenter } from "./functions.js";
import { reachDroplets, whoamiDo } from "./whoami.js";

export const droplet = defineTarget<DropletOptions, DropletState, DoClients>({
  id: "digitalocean/droplet",
  provider: "digitalocean",
  platform: "droplet",
  summary: "DigitalOcean Droplet running the container with Docker; blue/green replacement",
  kinds: ["container"],
  options: z.strictObject({
    region: doDatacenter.meta({ description: "Datacenter of the Droplet.", examples: ["fra1", "nyc3"] }),
    size: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9.]+)+$/, { error: 'must be a size slug such as "s-1vcpu-1gb"' })
      .default("s-1vcpu-1gb")
      .meta({
        description: "Droplet size slug (`doctl compute size list`).",
        examples: ["s-2vcpu-4gb", "c-4"],
      }),
    image: z
      .union([
        z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, { error: "must be an image slug" }),
        z.int().positive(),
      ])
      .default("ubuntu-24-04-x64")
      .meta({
        description:
          "Base image (slug or numeric id) the container runs on. Docker is installed at first boot (cloud-init) unless the image already has it.",
        examples: ["ubuntu-24-04-x64", 123456789],
      }),
    sshKeys: z
      .array(
        z.union([
          z.int().positive(),
          z
            .string()
            .regex(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/, { error: "must be an SSH key id or MD5 fingerprint" }),
        ]),
      )
      .default([])
      .meta({
        description: "SSH keys (ids or fingerprints) put in the root account, for debugging. Default: none.",
        examples: [[289794, "3b:16:e4:bf:8b:00:8b:b8:59:8c:a9:d3:f0:19:fa:45"]],
      }),
    endpoint: endpointOption("DigitalOcean", "http://127.0.0.1:8088").optional(),
  }),
  // One Droplet serves the target (its size sets memory and CPU); scaling.max cannot exceed 1.
  limits: { maxInstances: 1 },
  capabilities: { nativeRollback: "blue/green droplet", coldStart: "always on", scalesToZero: false },
  // droplet_single_create.name: hostname characters, up to 255.
  naming: {
    resource: "Droplet",
    maxLength: 255,
    lowercase: false,
    extraChars: "-.",
    startsWithLetter: false,
  },
  concurrency: 8,
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
