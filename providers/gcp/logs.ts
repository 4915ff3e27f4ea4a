// The Cloud Logging resources `apiship logs` reads for gcp platforms (logging.ts reads them): a
// Cloud Run service by its id and region; a Cloud Functions (gen2) function by the Cloud Run
// service it runs on, which the function reports (serviceConfig.service) and the state records.

import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import type { GcpClients } from "./clients.js";
import type { FunctionsState } from "./functions-state.js";
import { readCloudLogging, runServiceFilter } from "./logging.js";
import type { RunState } from "./run-state.js";

export function runLogs(ctx: Ctx<GcpClients>, state: RunState, query: LogQuery): AsyncIterable<LogEntry> {
  return readCloudLogging(
    {
      clients: ctx.clients,
      target: ctx.target.name,
      project: state.project,
      resource: runServiceFilter(state.name, state.region),
      signal: ctx.signal,
    },
    query,
  );
}

export function functionsLogs(
  ctx: Ctx<GcpClients>,
  state: FunctionsState,
  query: LogQuery,
): AsyncIterable<LogEntry> {
  // Gen2 functions' services are named after the function, lowercased, when the state has none.
  const service = state.function?.runService.split("/").pop() || state.name.toLowerCase();
  return readCloudLogging(
    {
      clients: ctx.clients,
      target: ctx.target.name,
      project: state.project,
      resource: runServiceFilter(service, state.region),
      signal: ctx.signal,
    },
    query,
  );
}
