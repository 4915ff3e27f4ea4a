// Google Cloud Run (run v2): a service of immutable revisions; a deploy creates a revision and
// a rollback sends traffic back to the previous one (DESIGN.md §7). The descriptor is cloud-run-info.ts; the
// behaviour reads as a table of contents: read/status/apply/rollback/destroy (run-apply.ts),
// plan (run-plan.ts, pure), the Service resource both ways (run-service.ts), the public invoker
// (iam.ts). Nothing here imports a client library: clients.ts does, lazily, on first call.

import { defineTarget } from "../../src/core/provider.js";
import { gcpRegionalConsoleUrl } from "../_shared/console.js";
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
import { cloudRunInfo } from "./cloud-run-info.js";
import type { CloudRunOptions } from "./cloud-run-info.js";
export type { RunState } from "./run-state.js";
export type { CloudRunOptions } from "./cloud-run-info.js";

export const RUN_INGRESS = {
  all: "INGRESS_TRAFFIC_ALL",
  internal: "INGRESS_TRAFFIC_INTERNAL_ONLY",
  "internal-and-cloud-load-balancing": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
} as const;
export const cloudRun = defineTarget<CloudRunOptions, RunState, GcpClients>({
  ...cloudRunInfo,
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
  consoleUrl: (target, state, name) =>
    gcpRegionalConsoleUrl(
      target.options,
      state,
      name,
      (region, service) => `run/detail/${region}/${service}/logs`,
    ),
});
