// Google Cloud Functions (2nd gen, cloudfunctions v2): an HTTP function built from source by
// Cloud Build and served by Cloud Run revisions; rollback moves traffic to the previous
// revision (DESIGN.md §7). The descriptor is data; the behaviour: build/read/status/apply/
// rollback/destroy (functions-apply.ts), plan (functions-plan.ts, pure), the Function resource
// both ways (functions-body.ts). Nothing here imports a client library (clients.ts does, lazily).
// The firebase provider composes this target's behaviour for the function half of its deploys.

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import {
  endpointOption,
  gcpProject,
  gcpRegion,
  gcpServiceAccount,
  gcpVpcConnector,
  mapRuntime,
} from "../_shared/options.js";
import { gcpConsoleUrl, pathSegment, text, viaEndpoint } from "../_shared/console.js";
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

export type { FunctionsState } from "./functions-state.js";

// Runtimes of Cloud Functions 2nd gen that are neither deprecated nor decommissioned
// (cloud.google.com/functions/docs/runtime-support); the discovery document does not list them.
export const CLOUD_FUNCTIONS_RUNTIMES = [
  "nodejs20",
  "nodejs22",
  "python3.10",
  "python3.11",
  "python3.12",
  "go1.22",
  "go1.23",
  "java17",
  "java21",
  "dotnet8",
  "ruby3.3",
  "php8.3",
] as const;

/** ServiceConfig.ingressSettings, by the names gcloud uses (`--ingress-settings`). */
export const FUNCTIONS_INGRESS = {
  all: "ALLOW_ALL",
  internal: "ALLOW_INTERNAL_ONLY",
  "internal-and-gclb": "ALLOW_INTERNAL_AND_GCLB",
} as const;

const cloudFunctionsOptions = z.strictObject({
  project: gcpProject,
  region: gcpRegion,
  serviceAccount: gcpServiceAccount.optional(),
  ingress: z
    .enum(["all", "internal", "internal-and-gclb"])
    .default("all")
    .meta({
      description:
        "Where requests may come from (ingressSettings): `all`, `internal` (the project's VPC networks), or `internal-and-gclb` (internal plus an external Application Load Balancer).",
      examples: ["internal-and-gclb"],
    }),
  vpcConnector: gcpVpcConnector.optional(),
  endpoint: endpointOption("Cloud Functions", "http://127.0.0.1:8085").optional(),
});
export type CloudFunctionsOptions = z.infer<typeof cloudFunctionsOptions>;

export const cloudFunctions = defineTarget<CloudFunctionsOptions, FunctionsState, GcpClients>({
  id: "gcp/cloud-functions",
  provider: "gcp",
  platform: "cloud-functions",
  summary: "Google Cloud Functions (2nd gen) HTTP function; rollback by revision traffic",
  kinds: ["function"],
  runtimes: CLOUD_FUNCTIONS_RUNTIMES,
  options: cloudFunctionsOptions,
  // Same instance shapes as Cloud Run (up to 32 GiB, 8 vCPU); HTTP functions run up to 60 min.
  limits: { memory: [128, 32768], cpu: [0.083, 8], timeoutMs: 3_600_000, maxInstances: 1000 },
  capabilities: { nativeRollback: "revision traffic", coldStart: "min instances", scalesToZero: true },
  naming: {
    resource: "Cloud Function",
    maxLength: 63,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  concurrency: 8,
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
  consoleUrl: (target, state, name) => {
    if (viaEndpoint(target.options)) return undefined;
    const region = text(state?.region) ?? target.options.region;
    const fn = text(state?.name) ?? name;
    return gcpConsoleUrl(
      `functions/details/${pathSegment(region)}/${pathSegment(fn)}`,
      text(state?.project) ?? target.options.project,
      { env: "gen2", tab: "logs" },
    );
  },
});

/** Google's spelling: nodejs22 → "nodejs22", python3.12 → "python312", go1.22 → "go122". */
export function runtimeId(neutral: string): string {
  return mapRuntime(cloudFunctions.id, CLOUD_FUNCTIONS_RUNTIMES, neutral, gcpRuntimeSpelling);
}

function gcpRuntimeSpelling(r: { language: string; major: string; minor?: string }): string {
  return `${r.language}${r.major}${r.minor ?? ""}`;
}
