// Google Cloud Functions (2nd gen, cloudfunctions v2): an HTTP function built from source by
// Cloud Build and served by Cloud Run revisions; rollback moves traffic to the previous
// revision (DESIGN.md §7). The descriptor is cloud-functions-info.ts; the behaviour: build/read/status/apply/
// rollback/destroy (functions-apply.ts), plan (functions-plan.ts, pure), the Function resource
// both ways (functions-body.ts). Nothing here imports a client library (clients.ts does, lazily).
// The firebase provider composes this target's behaviour for the function half of its deploys.

import { defineTarget } from "../../src/core/provider.js";
import { mapRuntime } from "../_shared/options.js";
import { gcpRegionalConsoleUrl } from "../_shared/console.js";
import { createGcpClients } from "./clients.js";
import type { GcpClients } from "./clients.js";
import {
  applyCloudFunction,
  destroyCloudFunction,
  readCloudFunction,
  rollbackCloudFunction,
  statusCloudFunction,
} from "./functions-apply.js";
import { buildCloudFunction } from "./functions-build.js";
import { planCloudFunctions } from "./functions-plan.js";
import type { FunctionsState } from "./functions-state.js";
import { functionsLogs } from "./logs.js";
import { whoamiFunctions } from "./whoami.js";
import { cloudFunctionsInfo, CLOUD_FUNCTIONS_RUNTIMES } from "./cloud-functions-info.js";
import type { CloudFunctionsOptions } from "./cloud-functions-info.js";
export type { FunctionsState } from "./functions-state.js";
export { CLOUD_FUNCTIONS_RUNTIMES } from "./cloud-functions-info.js";
export type { CloudFunctionsOptions } from "./cloud-functions-info.js";

export const FUNCTIONS_INGRESS = {
  all: "ALLOW_ALL",
  internal: "ALLOW_INTERNAL_ONLY",
  "internal-and-gclb": "ALLOW_INTERNAL_AND_GCLB",
} as const;
export const cloudFunctions = defineTarget<CloudFunctionsOptions, FunctionsState, GcpClients>({
  ...cloudFunctionsInfo,
  createClients: createGcpClients,
  whoami: whoamiFunctions,
  build: buildCloudFunction,
  read: readCloudFunction,
  plan: planCloudFunctions,
  apply: applyCloudFunction,
  destroy: destroyCloudFunction,
  status: statusCloudFunction,
  rollback: rollbackCloudFunction,
  logs: functionsLogs,
  // The function's details page on its Logs tab (env=gen2: apiship deploys 2nd gen functions).
  consoleUrl: (target, state, name) =>
    gcpRegionalConsoleUrl(target.options, state, name, (region, fn) => `functions/details/${region}/${fn}`, {
      env: "gen2",
      tab: "logs",
    }),
});

/** Google's spelling: nodejs22 → "nodejs22", python3.12 → "python312", go1.22 → "go122". */
export function runtimeId(neutral: string): string {
  return mapRuntime(cloudFunctions.id, CLOUD_FUNCTIONS_RUNTIMES, neutral, gcpRuntimeSpelling);
}

function gcpRuntimeSpelling(r: { language: string; major: string; minor?: string }): string {
  return `${r.language}${r.major}${r.minor ?? ""}`;
}
