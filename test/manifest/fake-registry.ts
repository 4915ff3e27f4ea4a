// A small registry of made-up platform descriptors for the manifest tests: enough variety
// (function-only, container-only, a default platform, limits, runtimes) to exercise every
// validation rule without depending on the real descriptors in providers/.

import { z } from "zod";
import { defineProvider, defineTarget } from "../../src/core/provider.js";
import type { NameRule } from "../../src/core/provider.js";
import { Registry } from "../../src/core/registry.js";

const naming: NameRule = {
  resource: "thing",
  maxLength: 63,
  lowercase: true,
  extraChars: "-",
  startsWithLetter: true,
};
const capabilities = { nativeRollback: null, coldStart: "always on", scalesToZero: false };
const region = z
  .string()
  .regex(/^[a-z]{2}-[a-z]+-\d$/, { error: 'must be a region such as "us-east-1"' })
  .meta({ description: "Region." });

export const fakeLambda = defineTarget({
  id: "aws/lambda",
  provider: "aws",
  platform: "lambda",
  summary: "Functions",
  kinds: ["function"],
  runtimes: ["nodejs20", "nodejs22", "python3.11", "python3.12"],
  options: z.strictObject({
    region,
    architecture: z.enum(["x86_64", "arm64"]).default("x86_64").meta({ description: "CPU architecture." }),
  }),
  limits: { memory: [128, 10240], timeoutMs: 900_000 },
  capabilities,
  naming: { ...naming, maxLength: 64, lowercase: false, extraChars: "-_" },
});

export const fakeFargate = defineTarget({
  id: "aws/ecs-fargate",
  provider: "aws",
  platform: "ecs-fargate",
  summary: "Containers on Fargate",
  kinds: ["container"],
  options: z.strictObject({
    region,
    cluster: z.string().default("default").meta({ description: "Cluster." }),
  }),
  limits: { memory: [512, 30720], cpu: [0.25, 16], maxInstances: 100 },
  capabilities,
  naming,
});

const cloudRun = defineTarget({
  id: "gcp/cloud-run",
  provider: "gcp",
  platform: "cloud-run",
  summary: "Containers on Cloud Run",
  kinds: ["container"],
  options: z.strictObject({ project: z.string().meta({ description: "Project." }), region }),
  limits: { memory: [128, 32768], timeoutMs: 3_600_000 },
  capabilities,
  naming: { ...naming, maxLength: 49 },
});

const cloudFunctions = defineTarget({
  id: "gcp/cloud-functions",
  provider: "gcp",
  platform: "cloud-functions",
  summary: "Cloud Functions",
  kinds: ["function"],
  runtimes: ["nodejs22", "python3.12", "go1.22"],
  options: z.strictObject({ project: z.string().meta({ description: "Project." }), region }),
  limits: {},
  capabilities,
  naming,
});

const kubernetes = defineTarget({
  id: "kubernetes/kubernetes",
  provider: "kubernetes",
  platform: "kubernetes",
  summary: "Any Kubernetes cluster",
  kinds: ["container"],
  options: z.strictObject({
    context: z.string().meta({ description: "kubeconfig context." }),
    namespace: z.string().default("default").meta({ description: "Namespace." }),
  }),
  limits: {},
  capabilities,
  naming,
});

export function fakeRegistry(): Registry {
  return new Registry({
    aws: async () => defineProvider({ id: "aws", summary: "AWS", targets: [fakeLambda, fakeFargate] }),
    gcp: async () =>
      defineProvider({ id: "gcp", summary: "Google Cloud", targets: [cloudRun, cloudFunctions] }),
    kubernetes: async () =>
      defineProvider({
        id: "kubernetes",
        summary: "Kubernetes",
        targets: [kubernetes],
        defaultPlatform: "kubernetes",
      }),
  });
}

/** A valid manifest document (as parsed YAML) to break one piece at a time. */
export function validDoc(): Record<string, unknown> {
  return {
    apiVersion: "apiship/v1",
    name: "sentiment-api",
    service: {
      container: { image: "ghcr.io/acme/sentiment-api:1.0", port: 8000 },
      env: { LOG_LEVEL: "info" },
      secrets: { HF_TOKEN: "env:HF_TOKEN", DB_URL: "aws-sm:prod/db-url" },
      resources: { cpu: 1, memory: 1024 },
      scaling: { min: 0, max: 10, concurrency: 80 },
      health: { path: "/healthz", timeout: "5s" },
      access: "public",
    },
    targets: {
      fargate: { provider: "aws", platform: "ecs-fargate", region: "us-east-1" },
      cloudrun: { provider: "gcp", platform: "cloud-run", project: "acme-ml", region: "eu-west-1" },
      cluster: { provider: "kubernetes", context: "prod", namespace: "apis" },
    },
    environments: {
      staging: { targets: ["cluster"] },
      production: { targets: ["fargate", "cloudrun"], service: { scaling: { min: 2 } } },
    },
  };
}
