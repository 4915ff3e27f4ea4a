// Azure App Service: a Linux web app for containers (Microsoft.Web/sites, linuxFxVersion
// DOCKER|image) on an App Service plan; deploys go to a staging slot and are swapped in, so a
// rollback is the swap back (DESIGN.md §7). The behaviour: read/status (app-service-read.ts),
// plan (app-service-planner.ts, pure), apply/rollback/destroy (app-service-apply.ts). None of
// them imports an SDK at load time: clients.ts does, lazily, when the engine needs clients.

import { defineTarget } from "../../src/core/provider.js";
import { webSiteLogStreamUrl } from "../_shared/console.js";
import { applyAppService, destroyAppService, rollbackAppService } from "./app-service-apply.js";
import { planAppService } from "./app-service-planner.js";
import { readAppService, statusAppService } from "./app-service-read.js";
import type { AppServiceState } from "./app-service-state.js";
import type { AzureClients } from "./clients.js";
import { createAzureClients } from "./clients.js";
import { kuduLogs, notDeployed, scmHostFor } from "./kudu-logs.js";
import { whoamiAzure } from "./whoami.js";
import { appServiceInfo } from "./app-service-info.js";
import type { AppServiceOptions } from "./app-service-info.js";
export type { AppServiceState } from "./app-service-state.js";
export type { AppServiceOptions } from "./app-service-info.js";

export const appService = defineTarget<AppServiceOptions, AppServiceState, AzureClients>({
  ...appServiceInfo,
  createClients: createAzureClients,
  whoami: whoamiAzure,
  read: readAppService,
  plan: planAppService,
  apply: applyAppService,
  destroy: destroyAppService,
  status: statusAppService,
  rollback: rollbackAppService,
  // The container log files Kudu keeps (kudu-logs.ts).
  async *logs(ctx, state, query) {
    if (!state.site) throw notDeployed(ctx, state.name);
    yield* kuduLogs(ctx, scmHostFor(state.site.hostName), query);
  },
  // The site's Log stream blade in the portal (container and application logs, live).
  consoleUrl: (target, state, name) =>
    webSiteLogStreamUrl(target.options, state as Record<string, unknown> | undefined, name),
});
