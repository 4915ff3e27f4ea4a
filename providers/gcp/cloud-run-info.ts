// The descriptor of cloudRun (see ./cloud-run.ts for the behaviour): its options schema,
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

const cloudRunOptions = () =>
  z.strictObject({
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

export type CloudRunOptions = z.infer<ReturnType<typeof cloudRunOptions>>;

export const cloudRunInfo = platformInfo<CloudRunOptions>({
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
});
