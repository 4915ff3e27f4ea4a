// The descriptor of droplet (see ./droplet.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import { endpointOption } from "../_shared/options.js";
import type { DropletOptions } from "./droplet-plan.js";
import { doDatacenter } from "./functions-info.js";
import { platformInfo } from "../../src/core/provider.js";
export const dropletInfo = platformInfo<DropletOptions>({
  id: "digitalocean/droplet",
  provider: "digitalocean",
  platform: "droplet",
  summary: "DigitalOcean Droplet running the container with Docker; blue/green replacement",
  kinds: ["container"],
  options: () =>
    z.strictObject({
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
            z.string().regex(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/, {
              error: "must be an SSH key id or MD5 fingerprint",
            }),
          ]),
        )
        .default([])
        .meta({
          description:
            "SSH keys (ids or fingerprints) put in the root account, for debugging. Default: none.",
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
});
