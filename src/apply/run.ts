// What every step of a deploy, rollback or destroy shares: the locked session, the two abort
// signals, the retry policy and the scrubbing of secret values from whatever is reported.

import type { Registry } from "../core/registry.js";
import type { ApishipError } from "../errors.js";
import { ProviderError } from "../errors.js";
import type { Stack } from "../manifest/types.js";
import type { Emit, TargetHandle } from "./adapters.js";
import type { RetryPolicy } from "./retry.js";
import { withRetry } from "./retry.js";
import type { Attempted } from "./retry.js";
import type { Redact } from "./secrets.js";
import type { StackSession } from "./session.js";
import type { Release } from "../state/store.js";
import type { ReleaseSummary, ReportedError } from "./types.js";

export interface RunContext {
  stack: Stack;
  registry: Registry;
  env: Record<string, string | undefined>;
  /** Folder of the manifest: base of `file:` secret references. */
  baseDir: string;
  session: StackSession;
  emit: Emit;
  /** Aborts calls in flight (the grace period after an interrupt ran out). */
  signal: AbortSignal;
  /** Aborted on interrupt: launch nothing new, let in-flight calls finish. */
  stop: AbortSignal;
  retry: Partial<RetryPolicy> & { random?: () => number };
  redact: Redact;
  now: () => Date;
}

/** One adapter call of a target with retries, each retry reported as an event. */
export function callAdapter<T>(
  run: RunContext,
  handle: TargetHandle,
  step: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<Attempted<T>> {
  return withRetry((signal) => fn(signal), {
    ...run.retry,
    signal: run.signal,
    stop: run.stop,
    what: `${step} ${handle.name}`,
    onRetry: (r) =>
      run.emit({
        type: "retry",
        target: handle.name,
        step,
        attempt: r.attempt,
        delayMs: r.delayMs,
        code: r.error.code,
      }),
  });
}

/** The error as results and events show it, secrets scrubbed. */
export function reportError(e: ApishipError, redact: Redact): ReportedError {
  const out: ReportedError = { code: e.code, message: redact(e.message) };
  if (e.hint !== undefined) out.hint = redact(e.hint);
  if (e instanceof ProviderError) out.retryable = e.retryable;
  return out;
}

/** Was the run told to stop before this point? */
export function interruptedError(what: string): ProviderError {
  return new ProviderError(`${what}: not started, the run was interrupted`, {
    code: "INTERRUPTED",
    fault: "user",
    hint: "run the deploy again to finish it; nothing was changed for this target",
  });
}

/** The final event of a run: counts per status and the release's summary lines. */
export function emitSummary(
  run: RunContext,
  r: {
    stack: string;
    targets: { status: string; target: string }[];
    release?: { id: number; result: string; summary: string[] };
    exitCode: number;
  },
): void {
  const counts: Record<string, number> = {};
  for (const t of r.targets) counts[t.status] = (counts[t.status] ?? 0) + 1;
  const result =
    r.release?.result ?? (r.exitCode === 0 ? "no changes" : r.exitCode === 130 ? "interrupted" : "failed");
  run.emit({
    type: "summary",
    stack: r.stack,
    result,
    exitCode: r.exitCode,
    counts,
    ...(r.release ? { release: r.release.id } : {}),
    lines: r.release?.summary ?? r.targets.map((t) => `${t.target}: ${t.status}`),
  });
}

/** The result of a run (deploy, rollback, destroy) from its outcomes, after emitting the summary event. */
export function finishRun<O extends { status: string; target: string }>(
  run: RunContext,
  r: { stack: string; targets: O[]; release: Release | undefined; interrupted: boolean; exitCode: number },
): {
  stack: string;
  targets: O[];
  release?: ReleaseSummary;
  interrupted: boolean;
  exitCode: number;
  warnings: string[];
} {
  const { release } = r;
  const result = {
    stack: r.stack,
    targets: r.targets,
    ...(release
      ? {
          release: {
            id: release.id,
            result: release.result,
            summary: release.summary,
            createdAt: release.createdAt,
            who: release.who,
          },
        }
      : {}),
    interrupted: r.interrupted,
    exitCode: r.exitCode,
    warnings: run.session.warnings,
  };
  emitSummary(run, result);
  return result;
}
