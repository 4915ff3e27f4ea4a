// Azure Functions: a function app (Microsoft.Web/sites, kind functionapp,linux) on a Flex
// Consumption (FC1) plan, its code zip-deployed through OneDeploy. Flex has no slots, so a
// rollback redeploys the previous package (DESIGN.md §7). The behaviour: read/status
// (functions-read.ts), plan (functions-planner.ts, pure), build/apply/rollback/destroy
// (functions-apply.ts); no SDK is imported at load time. The consumption and premium plans are
// described here but refused at plan time until they are implemented.

import { defineTarget } from "../../src/core/provider.js";
import { webSiteLogStreamUrl } from "../_shared/console.js";
import { mapRuntime } from "../_shared/options.js";
import type { AzureClients } from "./clients.js";
import { createAzureClients } from "./clients.js";
import { applyFunctions, buildFunctions, destroyFunctions, rollbackFunctions } from "./functions-apply.js";
import { planFunctions } from "./functions-planner.js";
import { readFunctions, statusFunctions } from "./functions-read.js";
import type { FunctionsState } from "./functions-state.js";
import { kuduLogs, notDeployed } from "./kudu-logs.js";
import { whoamiAzure } from "./whoami.js";
import { functionsInfo, AZURE_FUNCTIONS_RUNTIMES } from "./functions-info.js";
import type { FunctionsOptions } from "./functions-info.js";
export type { FunctionsState } from "./functions-state.js";
export { AZURE_FUNCTIONS_RUNTIMES } from "./functions-info.js";
export type { FunctionsOptions } from "./functions-info.js";

export const functions = defineTarget<FunctionsOptions, FunctionsState, AzureClients>({
  ...functionsInfo,
  createClients: createAzureClients,
  whoami: whoamiAzure,
  build: buildFunctions,
  read: readFunctions,
  plan: planFunctions,
  apply: applyFunctions,
  destroy: destroyFunctions,
  status: statusFunctions,
  rollback: rollbackFunctions,
  // The function host's container log files on the app's Kudu host (kudu-logs.ts).
  async *logs(ctx, state, query) {
    if (!state.app) throw notDeployed(ctx, state.name);
    yield* kuduLogs(ctx, state.app.scmHost, query);
  },
  // The function app's Log stream blade in the portal (a function app is a Microsoft.Web site).
  consoleUrl: (target, state, name) =>
    webSiteLogStreamUrl(target.options, state as Record<string, unknown> | undefined, name),
});

/** The stack spelling of site config: nodejs22 → "node|22", python3.12 → "python|3.12", dotnet8 → "dotnet-isolated|8.0". */
export function runtimeId(neutral: string): string {
  return mapRuntime(functions.id, AZURE_FUNCTIONS_RUNTIMES, neutral, (r) => {
    switch (r.language) {
      case "nodejs":
        return `node|${r.major}`;
      case "dotnet":
        // Flex Consumption runs .NET in the isolated worker model only.
        return `dotnet-isolated|${r.major}.0`;
      default:
        return `${r.language}|${r.minor === undefined ? r.major : `${r.major}.${r.minor}`}`;
    }
  });
}
