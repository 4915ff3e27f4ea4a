// THE provider contract (DESIGN.md §3). A provider is a module that exports
// `defineProvider({...})`; each of its platforms is one `defineTarget({...})`.
//
// A platform has two halves. Its *descriptor* (id, kinds, options schema, runtimes, limits,
// capabilities, naming rule) is plain data and costs nothing to import: validation, `schema`
// and `providers` need only that. Its *behaviour* (read/plan/apply/...) talks to the cloud; the
// SDKs it needs are imported lazily inside `createClients`, so loading a provider module never
// loads an SDK. The built-in providers list each platform as its descriptor plus a loader of
// the behaviour's module (lazyTarget), which the registry imports when a target is planned.
// A platform whose behaviour has not landed yet is a descriptor alone, and the engine reports
// it as not yet deployable instead of pretending.

import type { z } from "zod";
import type { Kind, ServiceSpec, Stack, TargetSpec } from "../manifest/types.js";

export type Action = "no-op" | "create" | "update" | "replace" | "delete";
export type Health = "ready" | "partial" | "down" | "missing" | "unknown";

/** How a platform's physical names are formed (DESIGN.md §2, src/manifest/names.ts). */
export interface NameRule {
  /** What is named, for messages: "Lambda function", "Cloud Run service". */
  resource: string;
  maxLength: number;
  /** Only lowercase letters are allowed. */
  lowercase: boolean;
  /** Characters allowed besides [a-z0-9] (and A-Z unless lowercase), e.g. "-_". */
  extraChars: string;
  /** The name must start with a letter. */
  startsWithLetter: boolean;
}

export interface Capabilities {
  /** The platform's own rollback mechanism, or null when apiship re-applies the previous release. */
  nativeRollback: string | null;
  /** How cold starts are controlled: "provisioned concurrency", "always on", ... */
  coldStart: string;
  /** True for scale-to-zero platforms, where the first request after idle pays a cold start. */
  scalesToZero: boolean;
}

export interface Limits {
  /** MiB, inclusive. */
  memory?: readonly [number, number];
  /** vCPU, inclusive. */
  cpu?: readonly [number, number];
  /** Longest request timeout the platform allows, in milliseconds. */
  timeoutMs?: number;
  /** Most instances `scaling.max` may ask for. */
  maxInstances?: number;
}

/** The data half of a platform: enough to validate, document and name, with no I/O. */
export interface PlatformInfo<Opts = Record<string, unknown>> {
  /** "aws/lambda": persisted in state and plans, never renamed (DESIGN.md §9.9). */
  readonly id: string;
  readonly provider: string;
  readonly platform: string;
  readonly summary: string;
  readonly kinds: readonly Kind[];
  /** This platform's block of the manifest's target (provider/platform keys excluded). */
  readonly options: z.ZodType<Opts>;
  /** Function runtimes the platform runs; absent for container-only platforms. */
  readonly runtimes?: readonly string[];
  readonly limits: Limits;
  readonly capabilities: Capabilities;
  readonly naming: NameRule;
  /** Most targets of this platform deployed at once (the provider's API limits). */
  readonly concurrency?: number;
  /**
   * Where the behaviour lives when this object is the descriptor alone (lazyTarget): the
   * registry imports it on the first registry.platform(), so validating a manifest never loads
   * the code that plans, deploys or reads a platform.
   */
  readonly load?: () => Promise<TargetAdapter<Opts>>;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/** Step-level progress an adapter reports while it works. */
export interface Progress {
  step(name: string): void;
  done(name: string): void;
}

export interface Ctx<C> {
  clients: C;
  stack: Stack;
  target: TargetSpec;
  progress: Progress;
  log: Logger;
  signal: AbortSignal;
}

/** One retry of one cloud call, as the run reports it (a `retry` event). */
export interface CallRetryInfo {
  /** The call, e.g. "GetFunction", "GET /v2/apps/{id}", "PUT Microsoft.Web/sites". */
  call: string;
  /** The attempt that failed (1-based); the next one is attempt + 1. */
  attempt: number;
  delayMs: number;
  /** The failure's code (HTTP_503, ThrottlingException, ...). */
  code: string;
}

/**
 * The run's retry policy for every call a client sends (src/apply/retry.ts). Calls are retried
 * in exactly one layer, the client's, under this one budget and backoff: SDKs' own retries are
 * set to it, and an error that comes out of that layer carries `spent` so the engine does not
 * retry the step around it again (which would multiply the attempts).
 */
export interface CallRetryPolicy {
  /** Attempts per call in all, the first included. */
  maxAttempts: number;
  /** First backoff ceiling and the cap of the full-jitter backoff, in ms. */
  baseMs: number;
  capMs: number;
  /** The longest server-asked wait (Retry-After) honoured; a longer one fails the call at once. */
  maxWaitMs: number;
  random?: () => number;
  /** Told of every retry, before its wait. */
  onRetry?: (info: CallRetryInfo) => void;
}

/** Endpoint overrides and credentials hints handed to `createClients`. */
export interface ProviderConfig {
  target: TargetSpec;
  /** process.env, passed in so tests and CI can control it. */
  env: Record<string, string | undefined>;
  /** The run's per-call retry policy; absent in unit tests, where DEFAULT_CALL_RETRY applies. */
  retry?: CallRetryPolicy;
}

export interface Artifact {
  /** Path of the built artifact (zip, tarball) on disk; the source folder for a git build. */
  path: string;
  /** Hex SHA-256 of the artifact's bytes, for a cloud that checks them (an upload checksum). */
  sha256: string;
  /**
   * Hex SHA-256 of what the package holds (each file's path, mode and content), not of its
   * bytes: the code's identity in a plan. Node's bundled zlib has changed its deflate output
   * between releases, so the bytes of the same source differ from one Node build to another,
   * and a plan saved on one must still apply on another (codeIdentity()).
   */
  digest?: string;
  bytes: number;
  /**
   * For a platform that builds from git itself (App Platform): nothing is packaged, and this
   * names the commit the folder is at, the folder's git tree, and its path in the repository.
   */
  git?: { commit: string; tree: string; dir: string };
}

/** The code's identity in plans: the content digest, else (a git build) the bytes' hash. */
export function codeIdentity(a: Pick<Artifact, "sha256" | "digest">): string {
  return a.digest ?? a.sha256;
}

/** One resource's change inside a target's plan. */
export interface ResourceChange {
  /** Resource type within the platform, e.g. "function", "role", "alias". */
  type: string;
  /** Physical name. */
  name: string;
  action: Action;
  reason?: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Attribute paths (dotted) whose values are secret: rendered "(sensitive)". */
  sensitivePaths: string[];
  /** Attribute paths whose change forces the replace. */
  replacePaths: string[];
  /** Other resources of the same target (by type) this one needs first. */
  dependsOn: string[];
}

export interface PlanRequest<Opts, State> {
  stack: Stack;
  target: TargetSpec & { options: Opts };
  service: ServiceSpec;
  /** The target's deterministic physical base name. */
  name: string;
  /** What the state recorded after the last apply. */
  recorded: State | undefined;
  /** What read() found in the cloud now; equal to `recorded` for an offline plan. */
  observed: State | undefined;
  /** Secret name → keyed hash of its current value (HMAC, never the value). */
  secretHashes: Record<string, string>;
  artifact?: Artifact;
}

export interface PlanResponse {
  changes: ResourceChange[];
}

export interface PlannedChange<Opts, State> extends PlanRequest<Opts, State> {
  changes: ResourceChange[];
  /** Secret name → resolved value. Only present while applying; never persisted. */
  secrets: Record<string, string>;
}

export interface ApplyResult<State> {
  state: State;
  /** Endpoint URL the health check calls, when the target serves HTTP. */
  endpoint?: string;
  outputs: Record<string, string>;
  /** Platform release identifier (version, revision, task definition). */
  release?: string;
  /**
   * True when `endpoint` cannot be reached from the deploying machine (access: private, an
   * internal load balancer, a ClusterIP Service): unless the manifest sets `health.probe`, the
   * engine then checks health through `status()` (the platform's own readiness signal) instead
   * of an HTTP probe.
   */
  privateEndpoint?: boolean;
}

export interface StatusReport {
  health: Health;
  endpoint?: string;
  release?: string;
  detail?: string;
}

/** The behaviour half of a platform (DESIGN.md §3). */
export interface TargetBehaviour<Opts, State extends object, C> {
  createClients(cfg: ProviderConfig): C | Promise<C>;
  build?(ctx: Ctx<C>, svc: ServiceSpec): Promise<Artifact>;
  read(ctx: Ctx<C>, prior: State | undefined, name: string): Promise<State | undefined>;
  /** PURE: no I/O. */
  plan(req: PlanRequest<Opts, State>): PlanResponse;
  apply(ctx: Ctx<C>, change: PlannedChange<Opts, State>): Promise<ApplyResult<State>>;
  /** Idempotent: a resource already gone is success. */
  destroy(ctx: Ctx<C>, state: State): Promise<void>;
  /**
   * The platform's own view of the target. With `health.probe: platform` (the default for a
   * private endpoint) the health check is this call: "ready" passes, anything else fails.
   */
  status(ctx: Ctx<C>, state: State): Promise<StatusReport>;
  /**
   * Native rollback, when the platform has one. `secrets` are the resolved values of the
   * release gone back to, for a platform that holds them nowhere else (a local process's
   * environment); a cloud that keeps them in its configuration ignores them.
   */
  rollback?(
    ctx: Ctx<C>,
    state: State,
    to: State,
    secrets?: Record<string, string>,
  ): Promise<ApplyResult<State>>;
  /**
   * The platform's logs of the deployed target, oldest first (`apiship logs`). With `follow`
   * the iterable goes on yielding new entries until `ctx.signal` aborts. A platform without it
   * is answered with its consoleUrl.
   */
  logs?(ctx: Ctx<C>, state: State, query: LogQuery): AsyncIterable<LogEntry>;
  /**
   * Who the target's credentials are (`apiship doctor`), and in `reach` the one read that shows
   * its region, project or cluster answers. READS ONLY: no call here may change anything. A
   * failure of the identity call throws, mapped through the provider's errors.ts (CREDENTIALS,
   * UNAUTHENTICATED, ...); a failure of the reach call is returned in `reach`, so doctor can say
   * which of the two failed. A platform without it is reported "not checked", never passed.
   */
  whoami?(ctx: Ctx<C>): Promise<Identity>;
  /**
   * For a platform without logs(): how to read them by hand (a command to run on the machine),
   * shown beside the console URL. PURE.
   */
  logsHint?(state: State | undefined): string | undefined;
  /** Where the cloud's own console shows this target (its logs tab, where there is one). PURE. */
  consoleUrl?(
    target: TargetSpec & { options: Opts },
    state: State | undefined,
    name: string,
  ): string | undefined;
}

/** What `whoami` found: who the credentials are, and whether the target's region answers. */
export interface Identity {
  /** Who the credentials are: an ARN, a service account's email, an account's email, a user. */
  principal: string;
  /** The account, subscription, project or cluster they act in. */
  account?: string;
  /** Where the credentials came from, or more about them ("from HEROKU_API_KEY"). */
  detail?: string;
  /**
   * The read made after the identity to show that the target's region, project or cluster
   * answers: what answered, or the error (mapped, as thrown errors are). Absent: not checked.
   */
  reach?: { ok: true; detail: string } | { ok: false; error: unknown };
}

export interface LogQuery {
  /** Only entries at or after this time. */
  since?: Date;
  /** Keep yielding new entries until the signal aborts. */
  follow: boolean;
  /** At most this many of the newest entries before following (default: all since `since`). */
  tail?: number;
  /**
   * Only entries whose message matches: a plain substring, case-sensitive, or `/regex/flags` (a
   * JavaScript regular expression; `/error/i` ignores case). A platform may pass it to its API
   * as a coarser server-side filter (`grepParts` in src/core/log-grep.ts says which form it is);
   * the engine applies it to every entry anyway, so a platform that ignores it is still right.
   */
  grep?: string;
}

export interface LogEntry {
  /** ISO 8601 time of the entry, when the platform gives one. */
  time?: string;
  /** "out" | "err" for a process's streams, or the platform's own source (instance, pod, ...). */
  stream?: string;
  message: string;
}

export type TargetAdapter<
  Opts = Record<string, unknown>,
  State extends object = object,
  C = unknown,
> = PlatformInfo<Opts> & Partial<TargetBehaviour<Opts, State, C>>;

export type DeployableTarget<
  Opts = Record<string, unknown>,
  State extends object = object,
  C = unknown,
> = PlatformInfo<Opts> & TargetBehaviour<Opts, State, C>;

export interface ProviderModule {
  readonly id: string;
  readonly summary: string;
  /** Platforms by their short name ("lambda"). */
  readonly targets: Readonly<Record<string, TargetAdapter>>;
  /** Platform chosen when a target names only the provider (kubernetes, heroku; any provider with one platform). */
  readonly defaultPlatform?: string;
}

export function defineTarget<Opts, State extends object = object, C = unknown>(
  t: TargetAdapter<Opts, State, C>,
): TargetAdapter<Opts, State, C> {
  return t;
}

export function defineProvider(p: {
  id: string;
  summary: string;
  // Each platform's Opts/State/C differ; the registry only sees the erased shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  targets: readonly TargetAdapter<any, any, any>[];
  defaultPlatform?: string;
}): ProviderModule {
  const targets: Record<string, TargetAdapter> = {};
  for (const t of p.targets) {
    if (t.provider !== p.id) throw new Error(`platform ${t.id} declares provider ${t.provider}, not ${p.id}`);
    targets[t.platform] = t as TargetAdapter;
  }
  // A provider with a single platform needs no `platform:` in a manifest's target.
  const only = p.targets.length === 1 ? p.targets[0]?.platform : undefined;
  return { id: p.id, summary: p.summary, targets, defaultPlatform: p.defaultPlatform ?? only };
}

/**
 * A platform as its descriptor and a loader of the module that defines the whole of it. The
 * built-in providers' index.ts files list their platforms this way: `validate`, `schema` and
 * `providers` import only the *-info.ts descriptors, and plan/deploy import a platform's
 * behaviour (and its helpers) when a target uses it.
 */
export function lazyTarget<Opts>(
  info: PlatformInfo<Opts>,
  // Each platform's State/C differ; the registry only sees the erased shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  load: () => Promise<TargetAdapter<Opts, any, any>>,
): TargetAdapter<Opts> {
  // Copied as descriptors, not spread: spreading would call the `options` getter (platformInfo).
  const t = Object.defineProperties({}, Object.getOwnPropertyDescriptors(info)) as PlatformInfo<Opts>;
  return Object.assign(t, { load });
}

/**
 * A descriptor whose options schema is built on its first read. A provider's index lists every
 * platform it has and a manifest uses one or two, and building a zod schema costs about 25 µs a
 * node: a few milliseconds of every `validate` for schemas nobody parses with.
 */
export function platformInfo<Opts>(
  def: Omit<PlatformInfo<Opts>, "options"> & { options: () => z.ZodType<Opts> },
): PlatformInfo<Opts> {
  const { options, ...rest } = def;
  let built: z.ZodType<Opts> | undefined;
  return Object.defineProperty(rest, "options", {
    get: () => (built ??= options()),
    enumerable: true,
  }) as PlatformInfo<Opts>;
}

export function isDeployable(t: TargetAdapter): t is DeployableTarget {
  return typeof t.read === "function" && typeof t.plan === "function" && typeof t.apply === "function";
}

/** True when the platform deploys: its behaviour is here, or loaded on first use. */
export function hasBehaviour(t: TargetAdapter): boolean {
  return isDeployable(t) || t.load !== undefined;
}
