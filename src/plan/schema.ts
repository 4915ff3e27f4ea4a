// The versioned plan JSON (DESIGN.md §4) as a zod schema: the one source of truth for the
// TypeScript types (types.ts infers them), for schema/plan.schema.json (written by
// scripts/write-plan-schema.ts, checked for staleness by a test), and for validating a saved
// plan when `deploy --plan FILE` reads it back. docs/plan-format.md explains each field.

import * as z from "zod";
import { PlanStaleError, UsageError } from "../errors.js";
import { PLAN_FORMAT_VERSION } from "./format-version.js";

export { PLAN_FORMAT_VERSION };

const count = z.number().int().nonnegative();

export const ActionSchema = z
  .enum(["no-op", "create", "update", "replace", "delete"])
  .meta({ description: "What applying the plan does to the resource." });

const attributes = z.record(z.string(), z.unknown()).nullable().meta({
  description: "The resource's attributes; null when it does not exist (before a create, after a delete).",
});

export const ChangeSchema = z
  .object({
    address: z.string().meta({
      description:
        "`<target>.<type>`, or `<target>.<type>.<name>` when a target has two resources of one type.",
      examples: ["web.function", "web.role"],
    }),
    target: z.string().meta({ description: "Target name in the manifest.", examples: ["web"] }),
    platform: z.string().meta({ description: "Platform id, never renamed.", examples: ["aws/lambda"] }),
    type: z.string().meta({ description: "Resource type within the platform.", examples: ["function"] }),
    name: z.string().meta({ description: "Physical name.", examples: ["sentiment-api-production-web"] }),
    action: ActionSchema,
    reason: z.string().optional().meta({ description: "Why the adapter chose this action, for people." }),
    before: attributes,
    after: attributes,
    sensitivePaths: z.array(z.string()).meta({
      description:
        "Dotted attribute paths whose values are secret references or fingerprints; rendered (sensitive).",
      examples: [["secrets.HF_TOKEN"]],
    }),
    replacePaths: z.array(z.string()).meta({
      description: "Attribute paths whose change forces the replace.",
      examples: [["runtime"]],
    }),
    dependsOn: z.array(z.string()).meta({
      description: "Addresses of the changes that must be applied first.",
      examples: [["web.role"]],
    }),
  })
  .meta({ id: "Change", description: "One resource's planned change." });

export const DriftSchema = z
  .object({
    address: z.string().meta({ description: "The drifted target's address (its name).", examples: ["web"] }),
    target: z.string(),
    path: z.string().meta({
      description:
        'Dotted path inside the target\'s recorded state; "" when the whole target appeared or disappeared.',
      examples: ["memory"],
    }),
    sensitive: z.boolean().meta({ description: "The values are secret and were left out (both null)." }),
    recorded: z.unknown().meta({
      description:
        'Value after the last apply; null when absent or sensitive. For path "": whether the target was recorded.',
    }),
    observed: z.unknown().meta({
      description:
        'Value read from the cloud now; null when absent or sensitive. For path "": whether the target exists.',
    }),
  })
  .meta({ id: "Drift", description: "A difference between the recorded state and what the cloud holds." });

export const PlanDiagnosticSchema = z
  .object({
    severity: z.enum(["error", "warning"]),
    code: z.string().meta({ examples: ["refresh-failed", "platform-not-deployable", "secret-unset"] }),
    message: z.string(),
    path: z
      .string()
      .meta({ description: 'Manifest path concerned; "" for none.', examples: ["targets.web"] }),
    target: z.string().optional(),
    hint: z.string().optional(),
  })
  .meta({
    id: "PlanDiagnostic",
    description: "A problem found while planning; an error makes `plan` exit 1.",
  });

export const SummarySchema = z
  .object({ create: count, update: count, replace: count, delete: count, noop: count })
  .meta({ id: "Summary", description: "Number of changes per action." });

const usd = z.number().meta({ description: "US dollars a month (730 hours), rounded to the cent." });

export const TargetEstimateSchema = z
  .object({
    currency: z.literal("USD"),
    freeTier: z
      .enum(["apply", "ignore"])
      .meta({ description: "Whether the providers' free tiers were applied." }),
    monthly: usd,
    otherFreeTierMonthly: usd.meta({
      description: "The total with the other free-tier mode, shown beside it.",
    }),
    fixedMonthly: usd.meta({
      description: "Paid whatever the traffic: always-on instances, load balancer, cluster fee.",
    }),
    variableMonthly: usd,
    deployedMonthly: usd.optional().meta({
      description: "The same traffic with the options the target is deployed with, when they differ.",
    }),
    deltaMonthly: usd.optional().meta({ description: "monthly − deployedMonthly." }),
    complete: z
      .boolean()
      .meta({ description: "False when part of the cost could not be priced (see warnings)." }),
    instancesAtPeak: count,
    lines: z.array(
      z.object({
        label: z.string(),
        quantity: z.number(),
        unit: z.string(),
        priceId: z
          .string()
          .meta({ description: "The price in prices/<provider>.json (or --prices) it comes from." }),
        amount: usd,
      }),
    ),
    coldStart: z.object({
      pCold: z
        .number()
        .min(0)
        .max(1)
        .meta({ description: "Share of requests that wait for an instance to start." }),
      perMonth: count.meta({ description: "Expected cold starts a month (idle and scale-out)." }),
      keepAliveSeconds: z
        .number()
        .nullable()
        .meta({ description: "Idle instance lifetime; null: always on." }),
      warmPool: count,
      addedLatencyMs: z
        .number()
        .nullable()
        .meta({ description: "Latency a cold start adds; null when unknown." }),
    }),
    warnings: z.array(z.string()),
    explain: z
      .array(z.string())
      .meta({ description: "The models' assumptions (plan --explain prints them)." }),
  })
  .meta({
    id: "TargetEstimate",
    description: "Monthly cost and cold-start exposure of one target (issue 21).",
  });

export const PlanSchema = z
  .object({
    formatVersion: z.literal(PLAN_FORMAT_VERSION).meta({ description: "Bumped on any incompatible change." }),
    tool: z
      .object({ name: z.string(), version: z.string() })
      .meta({ examples: [{ name: "apiship", version: "0.1.0" }] }),
    createdAt: z.iso.datetime().meta({ description: "When the plan was made (UTC)." }),
    stack: z
      .string()
      .meta({ description: "Stack id: <app>/<environment>.", examples: ["sentiment-api/production"] }),
    manifest: z.object({
      path: z.string(),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .meta({
          description: "Hex SHA-256 of the manifest file; deploy --plan refuses the plan when it moved.",
        }),
    }),
    stateSerial: count.meta({
      description:
        "State serial the plan was made from (0: no state yet); deploy --plan refuses the plan when it moved.",
    }),
    changes: z.array(ChangeSchema),
    drift: z.array(DriftSchema),
    summary: SummarySchema,
    diagnostics: z.array(PlanDiagnosticSchema),
    code: z
      .record(
        z.string(),
        z.object({
          sha256: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .meta({
              description:
                "The code's identity: the hex SHA-256 of the package's content (paths, modes, bytes), not of the zip; for a git build, of its tree.",
            }),
          bytes: z
            .number()
            .int()
            .min(0)
            .optional()
            .meta({ description: "Size of the package the platform receives, in bytes." }),
          interface: z
            .enum(["native", "portable"])
            .optional()
            .meta({ description: "service.function.interface: portable packages carry a generated entry." }),
          runtime: z
            .string()
            .optional()
            .meta({
              description:
                "service.function.runtime (neutral id), so a view can say a native function is native because its runtime has no portable interface.",
              examples: ["go1.22"],
            }),
        }),
      )
      .optional()
      .meta({
        description:
          "Per target whose function.source was packaged for the plan: deploy --plan packs it again and refuses the target when it moved.",
        examples: [{ api: { sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" } }],
      }),
    estimates: z.record(z.string(), TargetEstimateSchema).optional().meta({
      description:
        "Per target, when service.traffic is set: monthly cost with its breakdown, the change against the deployed options, and cold starts.",
    }),
  })
  .meta({
    id: "Plan",
    title: "apiship plan",
    description: "A saved apiship plan (apiship plan --out FILE). It holds no secret value.",
  });

/** The JSON Schema of the plan file, as committed in schema/plan.schema.json. */
export function planJsonSchema(): Record<string, unknown> {
  // "input" keeps objects open (no additionalProperties: false), as readers of a plan must
  // accept fields added later within the same formatVersion.
  return z.toJSONSchema(PlanSchema, { io: "input" }) as Record<string, unknown>;
}

/** Validates a parsed plan file; `source` names it in messages. */
export function parsePlan(value: unknown, source: string): z.infer<typeof PlanSchema> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || !("formatVersion" in value)) {
    throw new UsageError(`${source} is not an apiship plan`, {
      hint: "pass a file written by `apiship plan --out FILE`",
    });
  }
  const version = (value as { formatVersion: unknown }).formatVersion;
  if (version !== PLAN_FORMAT_VERSION) {
    throw new PlanStaleError(
      `${source} has plan format ${JSON.stringify(version)}; this apiship reads format ${PLAN_FORMAT_VERSION}`,
      { hint: "run `apiship plan --out FILE` again with this version of apiship" },
    );
  }
  const parsed = PlanSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new UsageError(`${source} is not a valid apiship plan: ${issues}`, {
      hint: "the file was edited or truncated; run `apiship plan --out FILE` again",
    });
  }
  return parsed.data;
}
