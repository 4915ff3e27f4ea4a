// Google Cloud Run (run v2): a service of immutable revisions; a deploy creates a revision and
// a rollback sends traffic back to the previous one (DESIGN.md §7). The descriptor is data; the
// behaviour reads as a table of contents: read/status/apply/rollback/destroy (run-apply.ts),
// plan (run-plan.ts, pure), the Service resource both ways (run-service.ts), the public invoker
// (iam.ts). Nothing here imports a client library: clients.ts does, lazily, on first call.

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import {
  endpointOption,
  gcpProject,
  gcpRegion,
  gcpServiceAccount,
  gcpVpcConnector,
} from "../_shared/options.js";
import { gcpConsoleUrl, pathSegment, text, viaEndpoint } from "../_shared/console.js";
import { createGcpClients } from "./clients.js";
import type { GcpClients } from "./clients.js";
import {
  applyCloudRun,
  destroyCloudRun,
  readCloudRun,
  rollbackCloudRun,
  statusCloudRun,
} from "./run-apply.js";
import { planCloudRun } from "./run-plan.js";
import type { RunState } from "./run-state.js";
import { runLogs } from "./logs.js";
import { whoamiRun } from "./whoami.js";

export type { RunState } from "./run-state.js";

/** Service.ingress of run v2, by the names gcloud uses (`--ingress`). */
export const RUN_INGRESS = {
  all: "INGRESS_TRAFFIC_ALL",
  internal: "INGRESS_TRAFFIC_INTERNAL_ONLY",
  "internal-and-cloud-load-balancing": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
} as const;

const cloudRunOptions = z.strictObject({
  project: gcpProject,
  region: gcpRegion,
  serviceAccount: gcpServiceAccount.optional(),
  ingress: z
    .enum(["all", "internal", "internal-and-cloud-load-balancing"])
    .default("all")
    .meta({
      description:
        "Where requests may come from: `all`, `internal` (the project's VPC networks), or `internal-and-cloud-load-balancing` (internal plus an external Application Load Balancer).",
      examples: ["internal-and-cloud-load-balancing"],
    }),
  executionEnvironment: z
    .enum(["gen1", "gen2"])
    .meta({
      description:
        "Execution environment of the revisions: `gen1` (faster cold starts) or `gen2` (full Linux compatibility, network file systems). Default: chosen by Cloud Run.",
      examples: ["gen2"],
    })
    .optional(),
  cpuIdle: z
    .boolean()
    .default(true)
    .meta({
      description:
        "Allocate CPU only while a request is being handled (request-based billing). Set false for always-allocated CPU, for background work between requests.",
      examples: [false],
    }),
  startupCpuBoost: z
    .boolean()
    .default(false)
    .meta({
      description: "Give instances extra CPU while they start, to shorten cold starts.",
      examples: [true],
    }),
  vpcConnector: gcpVpcConnector.optional(),
  endpoint: endpointOption("Cloud Run Admin", "http://127.0.0.1:8086").optional(),
});
export type CloudRunOptions = z.infer<typeof cloudRunOptions>;

export const cloudRun = defineTarget<CloudRunOptions, RunState, GcpClients>({
  id: "gcp/cloud-run",
  provider: "gcp",
  platform: "cloud-run",
  summary: "Google Cloud Run service; rollback by revision traffic",
  kinds: ["container"],
  options: cloudRunOptions,
  // run v2 ResourceRequirements: up to 8 vCPU and 32 GiB; request timeout up to 60 min.
  limits: { memory: [128, 32768], cpu: [0.08, 8], timeoutMs: 3_600_000, maxInstances: 1000 },
  capabilities: { nativeRollback: "revision traffic", coldStart: "min instances", scalesToZero: true },
  naming: {
    resource: "Cloud Run service",
    maxLength: 49,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  concurrency: 8,
  createClients: createGcpClients,
  whoami: whoamiRun,
  read: readCloudRun,
  plan: planCloudRun,
  apply: applyCloudRun,
  destroy: destroyCloudRun,
  status: statusCloudRun,
  rollback: rollbackCloudRun,
  logs: runLogs,
  // The service's Logs tab (request and container logs of all its revisions).
  consoleUrl: (target, state, name) => {
    if (viaEndpoint(target.options)) return undefined;
    const region = text(state?.region) ?? target.options.region;
    const service = text(state?.name) ?? name;
    return gcpConsoleUrl(
      `run/detail/${pathSegment(region)}/${pathSegment(service)}/logs`,
      text(state?.project) ?? target.options.project,
    );
  },
});
