// The manifest schema (DESIGN.md §2). Zod checks the shape and fills defaults; checks.ts does
// what a shape cannot (platform runtimes, limits, kinds, references between sections). The
// same pieces, with each platform's own options, assemble the JSON Schema editors use.

import * as z from "zod";
import type { Registry } from "../core/registry.js";
import { own } from "./issues.js";
import { serviceSchema } from "./service-schema.js";

export {
  containerSchema,
  functionSchema,
  normalizeService,
  resourcesSchema,
  scalingSchema,
  serviceSchema,
} from "./service-schema.js";
export type { ServiceInput } from "./service-schema.js";

export const API_VERSION = "apiship/v1";

const NAME_RE = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

const label = (what: string, max: number) =>
  z
    .string()
    .max(max)
    .regex(
      NAME_RE,
      own(
        "must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
        `rename the ${what}, e.g. "sentiment-api" or "prod-eu"`,
      ),
    );

export const appNameSchema = label("app", 40).meta({
  description: "Name of the API; with the environment it forms the stack and the cloud resource names.",
  examples: ["sentiment-api"],
});
export const targetNameSchema = label("target", 40).meta({
  description: "Target name, used in environments.",
});
export const environmentNameSchema = label("environment", 40).meta({ description: "Environment name." });

/** Keys every target takes, whatever its platform: kept out of the platform's own options. */
export const targetHealthSchema = z
  .strictObject({
    probe: z
      .enum(["http", "platform", "none"])
      .optional()
      .meta({
        description:
          "How the check after a deploy decides: `http` GETs service.health.path on the endpoint; `platform` uses the platform's own readiness signal (ALB/ECS rollout state, Kubernetes readiness, Cloud Run Ready) and makes no HTTP call; `none` skips it. Default: http, or platform where the endpoint is private (access: private: an AWS_IAM Lambda URL, IAM-only Cloud Run or Cloud Functions, a key-protected Azure function, an App Service site behind access restrictions; an internal load balancer; a ClusterIP Service).",
        examples: ["platform"],
      }),
  })
  .meta({ description: "The target's health check after each deploy." });

/** A target as validation first sees it; the rest is checked by the platform's own schema. */
export const targetBaseSchema = z.looseObject({
  health: targetHealthSchema.optional(),
  provider: z
    .string()
    .min(1)
    .meta({ description: "Provider id.", examples: ["aws", "gcp", "kubernetes"] }),
  platform: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Platform of the provider.", examples: ["lambda", "cloud-run"] }),
});

export function environmentSchema<S extends z.ZodType>(service: S) {
  return z
    .strictObject({
      description: z.string().optional().meta({ description: "What this environment is for." }),
      targets: z
        .array(targetNameSchema)
        .min(1)
        .meta({ description: "Targets deployed in this environment.", examples: [["lambda"]] }),
      service: service.optional().meta({
        description:
          "Overrides deep-merged onto service: mappings merge, lists and values replace, null removes a key.",
        examples: [{ scaling: { min: 2 } }],
      }),
    })
    .meta({ description: "One environment: a stack of its own." });
}

const mapping = z.record(z.string(), z.unknown());

const headerFields = {
  apiVersion: z.literal(API_VERSION).meta({ description: "Manifest format version." }),
  name: appNameSchema,
  plugins: z
    .array(z.string().min(1))
    .default([])
    .meta({
      description: "Extra provider modules: paths (relative to the manifest) or package names.",
      examples: [["./providers/acme.js"]],
    }),
  defaultEnvironment: environmentNameSchema.optional().meta({
    description: "Environment used when a command names none; default: the first declared.",
  }),
};

/** The whole document, with sections left as mappings so each is checked (and reported) alone. */
export const documentSchema = z.strictObject({
  ...headerFields,
  service: mapping,
  targets: z.record(targetNameSchema, z.unknown()),
  environments: z.record(environmentNameSchema, z.unknown()).optional(),
});

export const validationEnvironmentSchema = environmentSchema(mapping);

export const DEFAULT_ENVIRONMENT = "default";

export const SCHEMA_ID = "https://apiship.dev/schema/apiship.schema.json";

type Meta = NonNullable<ReturnType<typeof z.globalRegistry.get>>;

/** The schema under its default/prefault/optional wrappers, and the first description met. */
function unwrapped(schema: z.ZodType): { core: z.ZodType; meta: Meta | undefined } {
  let core = schema;
  let meta = z.globalRegistry.get(core);
  for (
    let def = core._zod.def;
    def.type === "default" || def.type === "prefault" || def.type === "optional";
    def = core._zod.def
  ) {
    core = (def as unknown as { innerType: z.ZodType }).innerType;
    meta ??= z.globalRegistry.get(core);
  }
  return { core, meta };
}

/** An environment's `service:` override: every field optional, no defaults, null allowed. */
function deepPartial(schema: z.ZodType): z.ZodType {
  const { core } = unwrapped(schema);
  if (core._zod.def.type !== "object") return core;
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries((core as z.ZodObject).shape)) {
    const partial = deepPartial(field).nullable().optional();
    const { meta } = unwrapped(field);
    shape[key] = meta ? partial.meta(meta) : partial;
  }
  return z.strictObject(shape);
}

function hasShape(s: unknown): s is { shape: Record<string, z.ZodType> } {
  return typeof s === "object" && s !== null && typeof (s as { shape?: unknown }).shape === "object";
}

/** One branch per platform: provider and platform as constants, then the platform's options. */
async function platformBranches(registry: Registry): Promise<z.ZodType[]> {
  const branches: z.ZodType[] = [];
  for (const mod of await registry.all()) {
    for (const [name, t] of Object.entries(mod.targets)) {
      const platform = z.literal(name).meta({ description: `Platform: ${t.summary}` });
      const keys = {
        provider: z.literal(mod.id).meta({ description: `Provider: ${mod.summary}` }),
        platform: mod.defaultPlatform === name ? platform.optional() : platform,
        health: targetHealthSchema.optional(),
      };
      const meta = { title: t.id, description: t.summary };
      const options = t.options as z.ZodType;
      branches.push(
        hasShape(options)
          ? z.strictObject({ ...keys, ...options.shape }).meta(meta)
          : z.intersection(z.looseObject(keys), options).meta(meta),
      );
    }
  }
  return branches;
}

/** The JSON Schema of the manifest (draft 2020-12) with every platform's options. */
export async function buildJsonSchema(registry: Registry): Promise<Record<string, unknown>> {
  const branches = await platformBranches(registry);
  const target = branches.length === 0 ? targetBaseSchema : z.union(branches as [z.ZodType, ...z.ZodType[]]);
  const manifest = z.strictObject({
    ...headerFields,
    service: serviceSchema,
    targets: z.record(targetNameSchema, target).meta({
      description:
        "Where the service can be deployed, by name: a provider, one of its platforms and that platform's options.",
    }),
    environments: z
      .record(environmentNameSchema, environmentSchema(deepPartial(serviceSchema)))
      .optional()
      .meta({
        description: `Environments by name. Default: one environment named "${DEFAULT_ENVIRONMENT}" with every target.`,
      }),
  });
  const json = z.toJSONSchema(manifest, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  const service = (json.properties as Record<string, Record<string, unknown>> | undefined)?.service;
  // "Exactly one of function or container" is a cross-field rule zod cannot express in JSON Schema.
  if (service) service.oneOf = [{ required: ["function"] }, { required: ["container"] }];
  const { $schema, ...rest } = json;
  return {
    $schema,
    $id: SCHEMA_ID,
    title: "apiship manifest",
    description: "apiship.yaml: one HTTP API, deployed to many clouds (https://apiship.dev).",
    ...rest,
  };
}
