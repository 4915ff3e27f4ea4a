// DigitalOcean Functions: web actions in a functions namespace (/v2/functions/namespaces).
// Functions keep no versions, so apiship keeps the previous package beside the action and a
// rollback redeploys it (DESIGN.md §7). Behaviour: fn-plan.ts (pure), fn-action.ts,
// fn-apply.ts; clients.ts builds the fetch client lazily.

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { pathSegment, text, viaEndpoint } from "../_shared/console.js";
import { endpointOption, mapRuntime } from "../_shared/options.js";
import { createDoClients } from "./clients.js";
import type { DoClients } from "./clients.js";
import {
  applyFunction,
  buildFunction,
  destroyFunction,
  kindOf,
  readFunction,
  rollbackFunction,
  statusFunction,
} from "./fn-apply.js";
import { functionLogs } from "./fn-logs.js";
import { planFunctions } from "./fn-plan.js";
import type { FnOptions, FnState } from "./fn-plan.js";
import { reachNamespaces, whoamiDo } from "./whoami.js";

// The current (non-deprecated) runtime of each language DigitalOcean Functions runs; the
// OpenAPI does not enumerate them (docs.digitalocean.com/products/functions/reference/runtimes).
export const DO_FUNCTIONS_RUNTIMES = ["nodejs18", "python3.11", "go1.20", "php8.2"] as const;

/** Datacenter slug: nyc1, ams3, fra1, sfo3, ... */
export const doDatacenter = z
  .string()
  .regex(/^[a-z]{3}\d$/, { error: 'must be a datacenter slug such as "nyc1" or "fra1"' });

export const functions = defineTarget<FnOptions, FnState, DoClients>({
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
  createClients: createDoClients,
  whoami: whoamiDo(reachNamespaces),
  build: buildFunction,
  read: readFunction,
  plan: (req) => planFunctions(req, kindOf(req, runtimeId)),
  apply: (ctx, change) => applyFunction(ctx, change, kindOf(change, runtimeId)),
  destroy: destroyFunction,
  status: statusFunction,
  rollback: rollbackFunction,
  logs: functionLogs,
  // The namespace's activation logs page, by its "fn-<uuid>" id; before the namespace is
  // recorded, the Functions list.
  consoleUrl: (target, state) => {
    if (viaEndpoint(target.options)) return undefined;
    const ns = text(state?.namespace?.namespace);
    return ns
      ? `https://cloud.digitalocean.com/functions/${pathSegment(ns)}/logs`
      : "https://cloud.digitalocean.com/functions";
  },
});

/** DigitalOcean's `kind:version` spelling: nodejs18 → "nodejs:18", python3.11 → "python:3.11". */
export function runtimeId(neutral: string): string {
  return mapRuntime(functions.id, DO_FUNCTIONS_RUNTIMES, neutral, spellDoRuntime);
}

export function spellDoRuntime(r: { language: string; major: string; minor?: string }): string {
  return `${r.language}:${r.major}${r.minor === undefined ? "" : `.${r.minor}`}`;
}
