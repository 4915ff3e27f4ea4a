// The `service:` block of the manifest: what to deploy and how it runs. Durations stay strings
// here (as written) and become milliseconds in normalizeService, the only bridge to the
// engine's ServiceSpec.

import * as z from "zod";
import { DURATION_PATTERN, tryParseDuration } from "./durations.js";
import { checkImageRef } from "./image-ref.js";
import { own } from "./issues.js";
import { defaultInterface, normalizeRuntime } from "./runtimes.js";
import { SECRET_SCHEMES } from "./secrets.js";
import type { ServiceSpec } from "./types.js";

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const variableName = z
  .string()
  .regex(
    KEY_RE,
    own("must be letters, digits and underscores, not starting with a digit", 'e.g. "LOG_LEVEL"'),
  );

const durationString = () =>
  z
    .string({
      error: own(
        "must be a duration in quotes with a unit",
        'e.g. "5s", "500ms", "2m"; a bare number has no unit',
      ),
    })
    .superRefine((v, ctx) => {
      const r = tryParseDuration(v);
      if (!r.ok)
        ctx.addIssue({
          code: "custom",
          message: `is not a valid duration: ${r.message}`,
          params: { hint: r.hint },
        });
    });

const duration = (def: string, description: string) =>
  durationString()
    .default(def)
    .meta({ description, pattern: DURATION_PATTERN, examples: [def] });

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const functionSchema = z
  .strictObject({
    runtime: z
      .string()
      .min(1)
      .meta({
        description:
          "Runtime, neutral across platforms (Lambda-style spellings like nodejs20.x are accepted).",
        examples: ["nodejs20", "python3.12", "go1.22", "java21"],
      }),
    handler: z
      .string()
      .min(1)
      .meta({ description: "Entry point inside the source.", examples: ["index.handler", "app.handler"] }),
    source: z
      .string()
      .min(1)
      .default(".")
      .meta({ description: "Folder with the function's code, relative to the manifest." }),
    interface: z
      .enum(["native", "portable"])
      .optional()
      .meta({
        description:
          "`portable` (the default for Node.js and Python): one handler for every function platform, written to its language's neutral contract (Node.js: a `handler` export taking a Request and returning a Response, or a Hono app as default; Python: an ASGI app, handler `main:app`); each platform gets a generated entry around it, and Node.js code is bundled. `native` (the default, and the only choice, for runtimes without a neutral contract: Go, Java, .NET, Ruby, PHP): the handler is the platform's own entry point; set it to keep Node.js or Python code written to one platform's signature.",
        examples: ["native"],
      }),
  })
  .meta({ description: "Deploy a function handler (serverless platforms)." });

export const containerSchema = z
  .strictObject({
    image: z
      .string()
      .min(1)
      .superRefine((v, ctx) => {
        const bad = checkImageRef(v);
        if (bad)
          ctx.addIssue({
            code: "custom",
            message: `is not a valid image reference: it ${bad.message}`,
            params: { hint: bad.hint },
          });
      })
      .meta({
        description:
          "Container image reference: [registry/]repository[:tag][@digest] (OCI distribution grammar).",
        examples: ["ghcr.io/acme/sentiment-api:1.4.2"],
      }),
    port: int(1, 65535).default(8080).meta({ description: "Port the container listens on." }),
    command: z
      .array(z.string())
      .optional()
      .meta({ description: "Overrides the image's entrypoint.", examples: [["node"]] }),
    args: z
      .array(z.string())
      .optional()
      .meta({ description: "Arguments to the command.", examples: [["server.js"]] }),
  })
  .meta({ description: "Deploy a container image." });

const envValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => String(v))
  .meta({
    description: "Plain value (numbers and booleans become strings). Never a credential: use secrets.",
  });

export const resourcesSchema = z
  .strictObject({
    cpu: z
      .number()
      .positive()
      .max(64)
      .optional()
      .meta({ description: "vCPU; fractions allowed.", examples: [0.5, 1] }),
    memory: int(64, 262144)
      .default(512)
      .meta({ description: "Memory in MiB.", examples: [1024] }),
  })
  .prefault({})
  .meta({ description: "CPU and memory of one instance." });

export const scalingSchema = z
  .strictObject({
    min: int(0, 10000)
      .default(0)
      .meta({ description: "Fewest instances; 0 scales to zero where the platform can." }),
    max: int(1, 10000).default(10).meta({ description: "Most instances." }),
    concurrency: int(1, 10000)
      .optional()
      .meta({ description: "Requests one instance handles at once.", examples: [80] }),
  })
  .prefault({})
  .meta({ description: "Instance counts." });

const healthSchema = z
  .strictObject({
    path: z
      .string()
      .regex(/^\//, own("must start with /", 'e.g. "/healthz"'))
      .default("/healthz")
      .meta({ description: "HTTP path checked after each deploy." }),
    status: int(100, 599).default(200).meta({ description: "Expected HTTP status." }),
    timeout: duration("5s", "Timeout of one attempt."),
    attempts: int(1, 100).default(5).meta({ description: "Attempts before the deploy counts as failed." }),
    interval: duration("2s", "Pause between attempts."),
    smoke: z
      .enum(["openapi"])
      .optional()
      .meta({
        description:
          "`openapi`: after the health check passes, call every GET operation of service.openapi that needs no parameter (or whose required parameters have examples) on the new release, at most 20, each within health.timeout; a status no documented 2xx (or `default`) response allows, or a JSON body its schema rejects, fails the health check and rolls the release back.",
        examples: ["openapi"],
      }),
  })
  .prefault({})
  .meta({ description: "Health check run after every deploy; a failure rolls the target back." });

/**
 * Expected traffic, for the cost and cold-start estimates (issue 21). Names follow Infracost's
 * usage file where they fit (`monthly_requests`, `request_duration_ms`). No block, no estimate:
 * apiship never invents a traffic profile.
 */
export const trafficSchema = z
  .strictObject({
    monthlyRequests: z
      .number()
      .min(0)
      .max(1e13)
      .meta({ description: "Requests a month (Infracost: monthly_requests).", examples: [3_000_000] }),
    meanDuration: durationString()
      .refine(
        (v) => {
          const r = tryParseDuration(v);
          return !r.ok || r.ms > 0;
        },
        own("must be longer than 0ms", 'the mean time one request takes, e.g. "120ms"'),
      )
      .meta({
        description:
          "Mean time one request takes, as a duration (Infracost: request_duration_ms), e.g. 120ms.",
        pattern: DURATION_PATTERN,
        examples: ["120ms"],
      }),
    peakRps: z
      .number()
      .min(0)
      .max(1e7)
      .meta({ description: "Requests per second at the busiest moment.", examples: [25] }),
    egressGb: z
      .number()
      .min(0)
      .max(1e9)
      .optional()
      .meta({ description: "GB sent to the internet a month (responses).", examples: [50] }),
    payloadKb: z
      .number()
      .min(0)
      .max(1e7)
      .optional()
      .meta({ description: "Mean size of a request plus its response, in KB.", examples: [4] }),
  })
  .meta({
    description:
      "Expected traffic, for the monthly cost and cold-start estimates. Without it no estimate is made.",
    examples: [{ monthlyRequests: 3_000_000, meanDuration: "120ms", peakRps: 25 }],
  });

/** Where the API is catalogued (`apiship catalog`, Backstage's catalog-info.yaml). */
export const catalogSchema = z
  .strictObject({
    owner: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          'Backstage spec.owner of the API and Component entities: an entity reference such as "group:team-pets". Default: "unknown".',
        examples: ["group:team-pets"],
      }),
    system: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Backstage spec.system the API and Component belong to.", examples: ["pets"] }),
    lifecycle: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          "Backstage spec.lifecycle. Default: production for an environment named production, prod, prd or live, else experimental.",
        examples: ["production", "experimental", "deprecated"],
      }),
  })
  .meta({ description: "How `apiship catalog` describes the API in a Backstage catalogue." });

export const serviceSchema = z
  .strictObject({
    function: functionSchema.optional(),
    container: containerSchema.optional(),
    env: z
      .record(variableName, envValue)
      .default({})
      .meta({ description: "Environment variables.", examples: [{ LOG_LEVEL: "info" }] }),
    secrets: z
      .record(
        variableName,
        z
          .string()
          .min(1)
          .meta({ description: `Reference SCHEME:ID; schemes: ${SECRET_SCHEMES.join(", ")}.` }),
      )
      .default({})
      .meta({
        description:
          "Environment variables whose values come from a secret store, resolved only while deploying.",
        examples: [{ DB_URL: "aws-sm:prod/db-url", HF_TOKEN: "env:HF_TOKEN" }],
      }),
    resources: resourcesSchema,
    scaling: scalingSchema,
    health: healthSchema,
    access: z
      .enum(["public", "private"])
      .default("public")
      .meta({ description: "public: anyone can call it; private: platform IAM only." }),
    timeout: duration("30s", "Request timeout."),
    traffic: trafficSchema.optional(),
    openapi: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          "The API's OpenAPI 3.0 or 3.1 document (JSON or YAML), relative to the manifest: `validate` checks it, `health.smoke: openapi` tests each release against it, `apiship catalog` publishes it with the live endpoints.",
        examples: ["./openapi.yaml"],
      }),
    catalog: catalogSchema.optional(),
  })
  .meta({ description: "What to deploy: exactly one of function or container, and how it runs." });

export type ServiceInput = z.output<typeof serviceSchema>;

/** The engine's ServiceSpec from a parsed service (durations → ms, runtime → neutral id). */
export function normalizeService(s: ServiceInput): ServiceSpec {
  const ms = (d: string) => {
    const r = tryParseDuration(d);
    return r.ok ? r.ms : 0; // the schema already rejected anything else
  };
  const spec: ServiceSpec = {
    kind: s.function ? "function" : "container",
    env: s.env,
    secrets: s.secrets,
    resources: s.resources,
    scaling: s.scaling,
    health: {
      path: s.health.path,
      status: s.health.status,
      timeoutMs: ms(s.health.timeout),
      attempts: s.health.attempts,
      intervalMs: ms(s.health.interval),
      ...(s.health.smoke ? { smoke: s.health.smoke } : {}),
    },
    access: s.access,
    timeoutMs: ms(s.timeout),
  };
  if (s.function) {
    const runtime = normalizeRuntime(s.function.runtime);
    // Always set after load, so nothing downstream guesses: portable where the runtime has a
    // neutral contract (Node.js, Python), native for the rest.
    spec.function = { ...s.function, runtime, interface: s.function.interface ?? defaultInterface(runtime) };
  }
  if (s.container) spec.container = s.container;
  if (s.openapi !== undefined) spec.openapi = s.openapi;
  if (s.catalog) spec.catalog = s.catalog;
  if (s.traffic) {
    const { meanDuration, ...rest } = s.traffic;
    spec.traffic = { ...rest, meanDurationMs: ms(meanDuration) };
  }
  return spec;
}
