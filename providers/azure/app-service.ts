// Azure App Service: a Linux web app for containers (Microsoft.Web/sites, linuxFxVersion
// DOCKER|image) on an App Service plan; deploys go to a staging slot and are swapped in, so a
// rollback is the swap back (DESIGN.md §7). The behaviour: read/status (app-service-read.ts),
// plan (app-service-planner.ts, pure), apply/rollback/destroy (app-service-apply.ts). None of
// them imports an SDK at load time: clients.ts does, lazily, when the engine needs clients.

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { webSiteLogStreamUrl } from "../_shared/console.js";
import { azureLocation, azureResourceGroup, azureSubscription, endpointOption } from "../_shared/options.js";
import { applyAppService, destroyAppService, rollbackAppService } from "./app-service-apply.js";
import { planAppService } from "./app-service-planner.js";
import { readAppService, statusAppService } from "./app-service-read.js";
import type { AppServiceState } from "./app-service-state.js";
import type { AzureClients } from "./clients.js";
import { createAzureClients } from "./clients.js";
import { kuduLogs, notDeployed, scmHostFor } from "./kudu-logs.js";
import { whoamiAzure } from "./whoami.js";

export type { AppServiceState } from "./app-service-state.js";

// Linux plan SKUs that run containers with Always On. Free/Shared (F1, D1) are left out: they
// have neither Always On nor slots.
const SKUS = [
  "B1",
  "B2",
  "B3",
  "S1",
  "S2",
  "S3",
  "P0v3",
  "P1v3",
  "P2v3",
  "P3v3",
  "P1mv3",
  "P2mv3",
  "P3mv3",
  "P4mv3",
  "P5mv3",
] as const;

const appServiceOptions = z.strictObject({
  subscription: azureSubscription,
  resourceGroup: azureResourceGroup,
  location: azureLocation,
  sku: z
    .enum(SKUS)
    .default("P0v3")
    .meta({
      description:
        "App Service plan SKU: B* (Basic), S* (Standard), P*v3 (Premium v3), P*mv3 (memory optimized). Slots need Standard or higher.",
      examples: ["P0v3", "S1"],
    }),
  alwaysOn: z
    .boolean()
    .default(true)
    .meta({
      description:
        "Keep the app loaded when idle (siteConfig.alwaysOn) whenever `scaling.min` > 0, so the first request pays no cold start; `false` never sets it.",
      examples: [false],
    }),
  stagingSlot: z
    .union([
      z.string().regex(/^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/, {
        error: "must be a slot name: lowercase letters, digits and '-', 2-40 characters",
      }),
      z.literal(false),
    ])
    .default("staging")
    .meta({
      description:
        "Slot a release is deployed to and health-checked in before it is swapped into production; `false` deploys in place. Basic SKUs have no slots: there apiship deploys in place whatever this says.",
      examples: ["staging", false],
    }),
  allowedIps: z
    .array(
      z.string().regex(/^(?:\d{1,3}\.){3}\d{1,3}\/(?:\d|[12]\d|3[0-2])$/, {
        error: "must be an IPv4 CIDR block such as 10.0.0.0/16",
      }),
    )
    .min(1)
    .max(50)
    .meta({
      description:
        "With `access: private`: the only source address ranges the site answers (access restrictions, siteConfig.ipSecurityRestrictions with default action Deny); every other caller gets 403. Required for private, refused with public.",
      examples: [["10.0.0.0/16", "203.0.113.7/32"]],
    })
    .optional(),
  endpoint: endpointOption("Azure Resource Manager", "https://management.usgovcloudapi.net").optional(),
});
export type AppServiceOptions = z.infer<typeof appServiceOptions>;

export const appService = defineTarget<AppServiceOptions, AppServiceState, AzureClients>({
  id: "azure/app-service",
  provider: "azure",
  platform: "app-service",
  summary: "Azure App Service web app for containers; deploy to a slot, swap, swap back",
  kinds: ["container"],
  options: appServiceOptions,
  // App Service plans scale out to 3 (Basic), 10 (Standard) or 30 (Premium v3) instances;
  // requests time out after 230 s at the front end.
  limits: { timeoutMs: 230_000, maxInstances: 30 },
  capabilities: { nativeRollback: "slot swap", coldStart: "Always On", scalesToZero: false },
  // Site names are DNS labels and case-insensitive: lowercase avoids case-only drift.
  naming: {
    resource: "App Service site",
    maxLength: 60,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  concurrency: 4,
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
