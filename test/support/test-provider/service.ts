// test/service: a real plugin platform whose "cloud" is a JSON file (cloud.ts). It drives the
// engine end to end until the real adapters land, and its knobs (latency, throttling, random
// and configured failures, hangs) let reliability tests break it on purpose. Loaded only as a
// plugin (APISHIP_PLUGINS or a manifest's `plugins:`): the product has no test-only path.

import { resolve } from "node:path";
import { z } from "zod";
import { defineTarget } from "../../../src/core/provider.js";
import type {
  ApplyResult,
  Ctx,
  PlannedChange,
  ProviderConfig,
  ResourceChange,
  StatusReport,
} from "../../../src/core/provider.js";
import { ProviderError } from "../../../src/errors.js";
import { CloudFile, checkOwner } from "./cloud.js";
import type { CallOp, CloudData } from "./cloud.js";
import { RESOURCE_TYPES, physicalName, planChanges } from "./resources.js";
import type { ResourceType, TestResourceState, TestState } from "./resources.js";
import { call, knobsFrom } from "./knobs.js";
import type { Knobs } from "./knobs.js";

const rate = (what: string) =>
  z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .meta({ description: `Probability (0..1) that a mutating call ${what}.` });

export const TestServiceOptions = z
  .object({
    region: z
      .string()
      .min(1)
      .default("local-1")
      .meta({ description: "Region; changing it replaces the service.", examples: ["local-1", "local-2"] }),
    cloud: z
      .string()
      .optional()
      .meta({
        description: "Path of the cloud file; defaults to $APISHIP_TEST_CLOUD.",
        examples: [".apiship/test-cloud.json"],
      }),
    endpoint: z
      .string()
      .optional()
      .meta({
        description: "URL the health check calls; defaults to a loopback URL nothing listens on.",
        examples: ["http://127.0.0.1:8080/"],
      }),
    latencyMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .meta({ description: "Delay before every call, in milliseconds." }),
    failureRate: rate("fails with a retryable ServiceUnavailable"),
    throttleRate: rate("is throttled (retryable Throttling)"),
    hangRate: rate("hangs until the run is aborted"),
    failOn: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .meta({
        description: 'Calls that always fail, not retryably: "op:type", either may be "*".',
        examples: ["create:service", ["update:*"]],
      }),
    seed: z
      .number()
      .int()
      .optional()
      .meta({ description: "Seed for the random knobs, for reproducible runs." }),
  })
  .strict();
export type TestServiceOptions = z.infer<typeof TestServiceOptions>;

export interface TestClients {
  cloud: CloudFile;
  knobs: Knobs;
}

type TestCtx = Ctx<TestClients>;

function configError(cfg: ProviderConfig, why: string): ProviderError {
  return new ProviderError(`target ${cfg.target.name}: invalid test options: ${why}`, {
    code: "CONFIG",
    fault: "user",
    target: cfg.target.name,
    hint: "see `apiship schema` for the options of test/service; APISHIP_TEST_KNOBS must be a JSON object",
  });
}

/**
 * APISHIP_TEST_KNOBS (a JSON object of options) overrides the manifest, so a reliability test
 * can turn faults on for one run without editing the manifest it deploys.
 */
function optionsOf(cfg: ProviderConfig): TestServiceOptions {
  let overrides: object = {};
  const raw = cfg.env.APISHIP_TEST_KNOBS;
  if (raw) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw configError(
        cfg,
        `APISHIP_TEST_KNOBS is not JSON (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    if (typeof value !== "object" || value === null)
      throw configError(cfg, "APISHIP_TEST_KNOBS is not an object");
    overrides = value;
  }
  const parsed = TestServiceOptions.safeParse({ ...cfg.target.options, ...overrides });
  if (!parsed.success) throw configError(cfg, parsed.error.message);
  return parsed.data;
}

function createClients(cfg: ProviderConfig): TestClients {
  const options = optionsOf(cfg);
  const path = options.cloud ?? cfg.env.APISHIP_TEST_CLOUD;
  if (!path) {
    throw new ProviderError(
      `no test cloud configured: set APISHIP_TEST_CLOUD or targets.${cfg.target.name}.cloud`,
      {
        code: "CREDENTIALS",
        fault: "user",
        target: cfg.target.name,
        hint: "point it at a JSON file (it is created on first write), or run `apiship plan --offline`",
      },
    );
  }
  return { cloud: new CloudFile(resolve(path)), knobs: knobsFrom(options) };
}

function ownerTags(ctx: TestCtx): Record<string, string> {
  return { "apiship:stack": ctx.stack.id, "apiship:target": ctx.target.name };
}

/** What the cloud holds of this target's names, as a TestState; undefined when nothing. */
function observe(data: CloudData, name: string): TestState | undefined {
  const resources: TestState["resources"] = {};
  for (const type of RESOURCE_TYPES) {
    const pname = physicalName(name, type);
    const r = data.resources[pname];
    if (r) resources[type] = { type, name: pname, attributes: r.attributes, generation: r.generation };
  }
  if (Object.keys(resources).length === 0) return undefined;
  const state: TestState = { name, resources };
  const url = resources.route?.attributes.url ?? resources.service?.attributes.url;
  if (typeof url === "string") state.endpoint = url;
  if (resources.service) state.release = String(resources.service.generation);
  return state;
}

async function read(
  ctx: TestCtx,
  _prior: TestState | undefined,
  name: string,
): Promise<TestState | undefined> {
  await call(ctx, "read", "*", name, () => undefined);
  const data = ctx.clients.cloud.read();
  const tags = ownerTags(ctx);
  // Someone else's resource under our name would otherwise be silently adopted.
  for (const type of RESOURCE_TYPES) {
    const pname = physicalName(name, type);
    const r = data.resources[pname];
    if (r) checkOwner(r, pname, tags);
  }
  return observe(data, name);
}

// env: and file: references resolve on the machine that deploys; cloud secret manager
// references resolve in the cloud, which for the test provider means nowhere.
const LOCAL_REF = /^(env|file):/;

/** A real platform needs every secret's value to start the service; the engine must pass them. */
function checkSecrets(change: PlannedChange<TestServiceOptions, TestState>): void {
  for (const [name, ref] of Object.entries(change.service.secrets)) {
    if (LOCAL_REF.test(ref) && change.secrets[name] === undefined) {
      throw new ProviderError(`secret ${name} (${ref}) was not resolved before apply`, {
        code: "SECRET_UNRESOLVED",
        fault: "internal",
        target: change.target.name,
        hint: "the engine resolves local secret references and passes their values in PlannedChange.secrets",
      });
    }
  }
}

// Deletes run first, dependents before what they depend on; then the rest in dependency order.
function applyOrder(changes: readonly ResourceChange[]): ResourceChange[] {
  const rank = (c: ResourceChange) => RESOURCE_TYPES.indexOf(c.type as ResourceType);
  const deletes = changes.filter((c) => c.action === "delete").sort((a, b) => rank(b) - rank(a));
  const rest = changes
    .filter((c) => c.action !== "delete" && c.action !== "no-op")
    .sort((a, b) => rank(a) - rank(b));
  return [...deletes, ...rest];
}

async function applyOne(ctx: TestCtx, c: ResourceChange): Promise<void> {
  const { cloud } = ctx.clients;
  const tags = ownerTags(ctx);
  const step = `${c.action} ${c.type}`;
  ctx.progress.step(step);
  if (c.action === "delete") {
    await call(ctx, "delete", c.type, c.name, () => cloud.remove(c.type, c.name, tags));
  } else {
    const op = c.action as Exclude<CallOp, "delete">;
    await call(ctx, op, c.type, c.name, () => cloud.put(op, c.type, c.name, c.after ?? {}, tags));
  }
  ctx.progress.done(step);
}

function resultOf(state: TestState | undefined, name: string): ApplyResult<TestState> {
  const s = state ?? { name, resources: {} };
  const outputs: Record<string, string> = {};
  for (const r of Object.values(s.resources)) outputs[r.type] = r.name;
  if (s.endpoint !== undefined) outputs.url = s.endpoint;
  const out: ApplyResult<TestState> = { state: s, outputs };
  if (s.endpoint !== undefined) out.endpoint = s.endpoint;
  if (s.release !== undefined) out.release = s.release;
  return out;
}

async function apply(
  ctx: TestCtx,
  change: PlannedChange<TestServiceOptions, TestState>,
): Promise<ApplyResult<TestState>> {
  if (change.changes.some((c) => c.type === "service" && c.action !== "no-op" && c.action !== "delete")) {
    checkSecrets(change);
  }
  for (const c of applyOrder(change.changes)) await applyOne(ctx, c);
  return resultOf(observe(ctx.clients.cloud.read(), change.name), change.name);
}

/** Every one of the target's names, not only those recorded: a crash may have left one untracked. */
async function destroy(ctx: TestCtx, state: TestState): Promise<void> {
  const tags = ownerTags(ctx);
  for (const type of [...RESOURCE_TYPES].reverse()) {
    const name = physicalName(state.name, type);
    const step = `delete ${type}`;
    ctx.progress.step(step);
    await call(ctx, "delete", type, name, () => ctx.clients.cloud.remove(type, name, tags));
    ctx.progress.done(step);
  }
}

async function status(ctx: TestCtx, state: TestState): Promise<StatusReport> {
  await call(ctx, "read", "*", state.name, () => undefined);
  const now = observe(ctx.clients.cloud.read(), state.name);
  const wanted = Object.values(state.resources).filter((r): r is TestResourceState => r !== undefined);
  const present = wanted.filter((r) => now?.resources[r.type] !== undefined);
  const report: StatusReport = { health: "ready" };
  if (now?.endpoint !== undefined) report.endpoint = now.endpoint;
  if (now?.release !== undefined) report.release = now.release;
  if (present.length === 0) report.health = "missing";
  else if (now?.resources.service === undefined) report.health = "down";
  else if (present.length < wanted.length) report.health = "partial";
  const gone = wanted.filter((r) => !present.includes(r)).map((r) => r.name);
  if (gone.length > 0) report.detail = `missing from the cloud: ${gone.join(", ")}`;
  return report;
}

export const service = defineTarget<TestServiceOptions, TestState, TestClients>({
  id: "test/service",
  provider: "test",
  platform: "service",
  summary: "Test double: a service whose cloud is a JSON file, with fault-injection knobs",
  kinds: ["function", "container"],
  options: TestServiceOptions,
  runtimes: ["nodejs20.x", "nodejs22.x", "python3.12", "python3.13"],
  limits: { memory: [128, 16_384], cpu: [0.125, 8], timeoutMs: 900_000, maxInstances: 1000 },
  // No native rollback on purpose: the engine's "re-apply the previous release" path needs a user.
  capabilities: { nativeRollback: null, coldStart: "none (simulated)", scalesToZero: false },
  naming: {
    resource: "test service",
    maxLength: 48,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  createClients,
  read,
  plan: planChanges,
  apply,
  destroy,
  status,
});
