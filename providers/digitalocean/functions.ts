// DigitalOcean Functions: web actions in a functions namespace (/v2/functions/namespaces).
// Functions keep no versions, so a rollback re-deploys the previous release (DESIGN.md §7).
// Descriptor only; the behaviour lands later.

import { z } from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { endpointOption, mapRuntime } from "../_shared/options.js";

// The current (non-deprecated) runtime of each language DigitalOcean Functions runs; the
// OpenAPI does not enumerate them (docs.digitalocean.com/products/functions/reference/runtimes).
export const DO_FUNCTIONS_RUNTIMES = ["nodejs18", "python3.11", "go1.20", "php8.2"] as const;

/** Datacenter slug: nyc1, ams3, fra1, sfo3, ... */
export const doDatacenter = z
  .string()
  .regex(/^[a-z]{3}\d$/, { error: 'must be a datacenter slug such as "nyc1" or "fra1"' });

export const functions = defineTarget({
  id: "digitalocean/functions",
  provider: "digitalocean",
  platform: "functions",
  summary: "DigitalOcean Functions web action in a functions namespace",
  kinds: ["function"],
  runtimes: DO_FUNCTIONS_RUNTIMES,
  options: z.strictObject({
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
  capabilities: { nativeRollback: null, coldStart: "none (no warm-instance control)", scalesToZero: true },
  naming: {
    resource: "functions namespace",
    maxLength: 63,
    lowercase: false,
    extraChars: "-_",
    startsWithLetter: false,
  },
  concurrency: 8,
});

/** DigitalOcean's `kind:version` spelling: nodejs18 → "nodejs:18", python3.11 → "python:3.11". */
export function runtimeId(neutral: string): string {
  return mapRuntime(functions.id, DO_FUNCTIONS_RUNTIMES, neutral, spellDoRuntime);
}

export function spellDoRuntime(r: { language: string; major: string; minor?: string }): string {
  return `${r.language}:${r.major}${r.minor === undefined ? "" : `.${r.minor}`}`;
}
