// Azure Functions: a function app (Microsoft.Web/sites, kind functionapp,linux) on a Flex
// Consumption (FC1) plan, its code zip-deployed through OneDeploy. Flex has no slots, so a
// rollback redeploys the previous package (DESIGN.md §7). The behaviour: read/status
// (functions-read.ts), plan (functions-planner.ts, pure), build/apply/rollback/destroy
// (functions-apply.ts); no SDK is imported at load time. The consumption and premium plans are
// described here but refused at plan time until they are implemented.

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { webSiteLogStreamUrl } from "../_shared/console.js";
import {
  azureLocation,
  azureResourceGroup,
  azureSubscription,
  endpointOption,
  mapRuntime,
} from "../_shared/options.js";
import type { AzureClients } from "./clients.js";
import { createAzureClients } from "./clients.js";
import { applyFunctions, buildFunctions, destroyFunctions, rollbackFunctions } from "./functions-apply.js";
import { planFunctions } from "./functions-planner.js";
import { readFunctions, statusFunctions } from "./functions-read.js";
import type { FunctionsState } from "./functions-state.js";
import { kuduLogs, notDeployed } from "./kudu-logs.js";
import { whoamiAzure } from "./whoami.js";

export type { FunctionsState } from "./functions-state.js";

// Language stacks of Flex Consumption (functionAppConfig.runtime: dotnet-isolated, node, java,
// python; powershell and custom have no neutral id), versions Microsoft supports today.
export const AZURE_FUNCTIONS_RUNTIMES = [
  "nodejs20",
  "nodejs22",
  "python3.10",
  "python3.11",
  "python3.12",
  "java11",
  "java17",
  "java21",
  "dotnet8",
] as const;

const PLANS = ["flex-consumption", "consumption", "premium"] as const;

const functionsOptions = z
  .strictObject({
    subscription: azureSubscription,
    resourceGroup: azureResourceGroup,
    location: azureLocation,
    plan: z
      .enum(PLANS)
      .default("flex-consumption")
      .meta({
        description:
          "Hosting plan: `flex-consumption` (scale to zero, optional always-ready instances, VNet). `consumption` and `premium` are reserved: planning refuses them in this version.",
        examples: ["premium"],
      }),
    alwaysReady: z
      .int()
      .min(0)
      .max(1000)
      .default(0)
      .meta({
        description:
          "Instances kept warm for the HTTP trigger group (Flex `alwaysReady`; Premium always-ready instances). 0 lets Flex scale to zero.",
        examples: [1],
      }),
    storageAccount: z
      .string()
      .regex(/^[a-z0-9]{3,24}$/, {
        error: "must be a storage account name: 3-24 lowercase letters and digits",
      })
      .meta({
        description:
          "Storage account for the host and the deployment package. Default: apiship creates one in the resource group.",
        examples: ["stsentimentapiprod"],
      })
      .optional(),
    endpoint: endpointOption("Azure Resource Manager", "https://management.usgovcloudapi.net").optional(),
  })
  .superRefine((o, ctx) => {
    if (o.plan === "consumption" && o.alwaysReady > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["alwaysReady"],
        message: "the consumption plan has no always-ready instances; use plan: flex-consumption or premium",
      });
    }
  });
export type FunctionsOptions = z.infer<typeof functionsOptions>;

export const functions = defineTarget<FunctionsOptions, FunctionsState, AzureClients>({
  id: "azure/functions",
  provider: "azure",
  platform: "functions",
  summary: "Azure Functions app on Flex Consumption, zip-deployed; rollback redeploys the previous package",
  kinds: ["function"],
  runtimes: AZURE_FUNCTIONS_RUNTIMES,
  options: functionsOptions,
  // Across the plans: Flex instances are 512-4096 MB (0.25-2 vCPU), Elastic Premium up to 14 GB;
  // HTTP triggers answer within 230 s (the front end's idle timeout); Flex scales to 1000.
  limits: { memory: [512, 14336], cpu: [0.25, 4], timeoutMs: 230_000, maxInstances: 1000 },
  // Flex Consumption has no deployment slots: apiship redeploys the previous package.
  capabilities: {
    nativeRollback: "redeploy of the previous package",
    coldStart: "Flex always-ready",
    scalesToZero: true,
  },
  // A function app is a Microsoft.Web site: the App Service rule.
  naming: {
    resource: "function app (App Service site)",
    maxLength: 60,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  // ARM throttles writes per subscription; four at once stays well inside it.
  concurrency: 4,
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
