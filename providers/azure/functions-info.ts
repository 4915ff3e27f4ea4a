// The descriptor of functions (see ./functions.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import {
  AZURE_CONCURRENCY,
  azureLocation,
  azureResourceGroup,
  azureSubscription,
  endpointOption,
} from "../_shared/options.js";
import { platformInfo } from "../../src/core/provider.js";

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

const functionsOptions = () =>
  z
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
          message:
            "the consumption plan has no always-ready instances; use plan: flex-consumption or premium",
        });
      }
    });

export type FunctionsOptions = z.infer<ReturnType<typeof functionsOptions>>;

export const functionsInfo = platformInfo<FunctionsOptions>({
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
  concurrency: AZURE_CONCURRENCY,
});
