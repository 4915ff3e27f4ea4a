// The only I/O of planning (DESIGN.md §4): find each target's adapter and ask the cloud what
// exists now. A target that cannot be read becomes one error diagnostic and the other targets
// still plan; an offline plan reads nothing and takes the recorded state as observed.

import type { Artifact, DeployableTarget, Logger, Progress } from "../core/provider.js";
import { isDeployable } from "../core/provider.js";
import type { Registry } from "../core/registry.js";
import { callRetryPolicy, withRetry } from "../apply/retry.js";
import type { RetryPolicy } from "../apply/retry.js";
import { ProviderError, toApishipError } from "../errors.js";
import type { Stack, TargetSpec } from "../manifest/types.js";
import { manifestOnlyAdapter } from "./manifest-only.js";
import type { PlanDiagnostic } from "./types.js";

export type Resolved =
  | { ok: true; adapter: DeployableTarget; warning?: PlanDiagnostic }
  | { ok: false; diagnostic: PlanDiagnostic };

const PROVIDERS_HINT = "run `apiship providers` to see which platforms deploy in this version";

/** The target's adapter, or the diagnostic explaining why it cannot be planned. */
export async function resolveAdapter(registry: Registry, target: TargetSpec): Promise<Resolved> {
  const id = `${target.provider}/${target.platform}`;
  const path = `targets.${target.name}`;
  let adapter;
  try {
    adapter = await registry.platform(target.provider, target.platform);
  } catch (e) {
    const err = toApishipError(e);
    return {
      ok: false,
      diagnostic: errorDiag("provider-unavailable", err.message, path, target.name, err.hint),
    };
  }
  if (adapter === undefined) {
    const msg = `platform "${id}" is not known to provider "${target.provider}"`;
    return { ok: false, diagnostic: errorDiag("unknown-platform", msg, path, target.name, PROVIDERS_HINT) };
  }
  if (!isDeployable(adapter)) {
    const msg = `platform "${adapter.id}" is planned from the manifest alone: its adapter has not landed in this version, so deploy will refuse this target`;
    const warning = {
      ...errorDiag("platform-not-deployable", msg, path, target.name, PROVIDERS_HINT),
      severity: "warning" as const,
    };
    return { ok: true, adapter: manifestOnlyAdapter(adapter), warning };
  }
  return { ok: true, adapter };
}

export interface RefreshTarget {
  spec: TargetSpec;
  adapter: DeployableTarget;
  /** Physical base name. */
  name: string;
  /** Adapter state as recorded; undefined when never deployed. */
  recorded: Record<string, unknown> | undefined;
}

export interface RefreshOptions {
  stack: Stack;
  offline: boolean;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  /** The retry policy of reads (the engine's, DEFAULT_RETRY unless a test shortens it). */
  retry?: Partial<RetryPolicy> & { random?: () => number };
  /** Told of every retried read, e.g. to count them. */
  onRetry?: (target: string, call: string, code: string) => void;
}

export type Observation =
  | { ok: true; target: string; observed: Record<string, unknown> | undefined; artifact?: Artifact }
  | { ok: false; target: string; diagnostic: PlanDiagnostic };

// Planning reports no step progress; the CLI shows one spinner for the whole refresh.
const quietProgress: Progress = { step: () => undefined, done: () => undefined };
const quietLog: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/**
 * A read is as retryable as a write: each call is retried by its client under the run's policy
 * (ProviderConfig.retry), and a retryable error that no client retried (a poll, an adapter's own
 * check) retries the read once more around it. A throttled GetFunction must not fail a plan.
 */
async function readOne(t: RefreshTarget, opts: RefreshOptions): Promise<Observation> {
  if (opts.offline) return { ok: true, target: t.spec.name, observed: t.recorded };
  const name = t.spec.name;
  const policy = opts.retry ?? {};
  const retry = callRetryPolicy(policy, (r) => opts.onRetry?.(name, r.call, r.code));
  const attempt = await withRetry(
    async (signal) => {
      const clients = await t.adapter.createClients({ target: t.spec, env: opts.env, retry });
      const ctx = {
        clients,
        stack: opts.stack,
        target: t.spec,
        progress: quietProgress,
        log: quietLog,
        signal,
      };
      const observed = (await t.adapter.read(ctx, t.recorded, t.name)) as Record<string, unknown> | undefined;
      // The artifact's content hash is how plan() sees a code-only change (a function's zip);
      // offline there is no build, and the adapter takes the code as unchanged. Only a
      // function's source is packaged: images are built and pushed by the user's own pipeline.
      if (!t.adapter.build || opts.stack.service.kind !== "function") return { observed };
      return { observed, artifact: await t.adapter.build(ctx, opts.stack.service) };
    },
    {
      ...policy,
      signal: opts.signal,
      what: `read ${name}`,
      onRetry: (r) => opts.onRetry?.(name, "read", r.error.code),
    },
  );
  if (opts.signal.aborted && !attempt.ok) throw attempt.error;
  if (!attempt.ok) return { ok: false, target: name, diagnostic: refreshDiagnostic(t, attempt.error) };
  return { ok: true, target: name, ...attempt.value };
}

function refreshDiagnostic(t: RefreshTarget, e: unknown): PlanDiagnostic {
  const err = toApishipError(e);
  const offline = "or run `apiship plan --offline` to plan from the recorded state without reading the cloud";
  // Adapters that know credentials are missing often suggest --offline themselves.
  const hint = !err.hint ? offline : err.hint.includes("--offline") ? err.hint : `${err.hint}; ${offline}`;
  const what = err.code === "CREDENTIALS" ? "has no credentials" : "could not be read";
  const msg = `target "${t.spec.name}" (${t.adapter.id}) ${what}: ${err.message}`;
  // The adapter's own code (CLUSTER_NOT_FOUND, CREDENTIALS, HTTP_403) is what a script acts on;
  // refresh-failed stands only for a failure no adapter named.
  const code = err instanceof ProviderError && err.code !== "PROVIDER_ERROR" ? err.code : "refresh-failed";
  return errorDiag(code, msg, `targets.${t.spec.name}`, t.spec.name, hint);
}

/** Observed state of every target, in the order given; failures are diagnostics, not throws. */
export async function refreshTargets(
  targets: readonly RefreshTarget[],
  opts: RefreshOptions,
): Promise<Observation[]> {
  return Promise.all(targets.map((t) => readOne(t, opts)));
}

function errorDiag(
  code: string,
  message: string,
  path: string,
  target: string,
  hint?: string,
): PlanDiagnostic {
  const d: PlanDiagnostic = { severity: "error", code, message, path, target };
  return hint === undefined ? d : { ...d, hint };
}
