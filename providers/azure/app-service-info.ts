// The descriptor of appService (see ./app-service.ts for the behaviour): its options schema,
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

const appServiceOptions = () =>
  z.strictObject({
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

export type AppServiceOptions = z.infer<ReturnType<typeof appServiceOptions>>;

export const appServiceInfo = platformInfo<AppServiceOptions>({
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
  concurrency: AZURE_CONCURRENCY,
});
