// DigitalOcean Functions: web actions in a functions namespace (/v2/functions/namespaces).
// Functions keep no versions, so apiship keeps the previous package beside the action and a
// rollback redeploys it (DESIGN.md §7). Behaviour: fn-plan.ts (pure), fn-action.ts,
// fn-apply.ts; clients.ts builds the fetch client lazily.

import { defineTarget } from "../../src/core/provider.js";
import { pathSegment, text, viaEndpoint } from "../_shared/console.js";
import { mapRuntime } from "../_shared/options.js";
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
import { functionsInfo, DO_FUNCTIONS_RUNTIMES } from "./functions-info.js";
export { DO_FUNCTIONS_RUNTIMES, doDatacenter } from "./functions-info.js";

export const functions = defineTarget<FnOptions, FnState, DoClients>({
  ...functionsInfo,
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
