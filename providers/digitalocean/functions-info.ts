// The descriptor of functions (see ./functions.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import { endpointOption } from "../_shared/options.js";
import type { FnOptions } from "./fn-plan.js";
import { platformInfo } from "../../src/core/provider.js";

// The current (non-deprecated) runtime of each language DigitalOcean Functions runs; the
// OpenAPI does not enumerate them (docs.digitalocean.com/products/functions/reference/runtimes).
export const DO_FUNCTIONS_RUNTIMES = ["nodejs18", "python3.11", "go1.20", "php8.2"] as const;

/** Datacenter slug: nyc1, ams3, fra1, sfo3, ... */

export const doDatacenter = z
  .string()
  .regex(/^[a-z]{3}\d$/, { error: 'must be a datacenter slug such as "nyc1" or "fra1"' });

export const functionsInfo = platformInfo<FnOptions>({
  id: "digitalocean/functions",
  provider: "digitalocean",
  platform: "functions",
  summary: "DigitalOcean Functions web action in a functions namespace",
  kinds: ["function"],
  runtimes: DO_FUNCTIONS_RUNTIMES,
  options: () =>
    z.strictObject({
      region: doDatacenter.meta({
        description: "Datacenter of the functions namespace (create_namespace `region`).",
        examples: ["fra1", "nyc1"],
      }),
      namespace: z
        .string()
        .min(1)
        .max(63)
        .meta({
          description:
            "Label of the functions namespace; created when missing. Default: the stack's physical name.",
          examples: ["sentiment-api-prod"],
        })
        .optional(),
      endpoint: endpointOption("DigitalOcean", "http://127.0.0.1:8088").optional(),
    }),
  // Per-function limits: 128 MB-1 GB of memory, up to 15 minutes per activation.
  limits: { memory: [128, 1024], timeoutMs: 900_000 },
  capabilities: {
    nativeRollback: "previous package (kept beside the action)",
    coldStart: "none (no warm-instance control)",
    scalesToZero: true,
  },
  naming: {
    resource: "functions namespace",
    maxLength: 63,
    lowercase: false,
    extraChars: "-_",
    startsWithLetter: false,
  },
  concurrency: 8,
});
