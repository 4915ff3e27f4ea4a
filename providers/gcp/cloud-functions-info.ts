// The descriptor of cloudFunctions (see ./cloud-functions.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import {
  endpointOption,
  gcpProject,
  gcpRegion,
  gcpServiceAccount,
  gcpVpcConnector,
} from "../_shared/options.js";
import { platformInfo } from "../../src/core/provider.js";

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

const cloudFunctionsOptions = () =>
  z.strictObject({
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

export type CloudFunctionsOptions = z.infer<ReturnType<typeof cloudFunctionsOptions>>;

export const cloudFunctionsInfo = platformInfo<CloudFunctionsOptions>({
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
});
