// Retries of cloud calls (DESIGN.md §6). Only errors the adapter marked retryable are retried
// (throttling, 5xx, connection resets, timeouts): anything else is a decision by the cloud or a
// bug, and repeating it only delays the report. Backoff is exponential with full jitter (AWS
// architecture blog, "Exponential Backoff And Jitter"), capped, and a Retry-After from the
// cloud is a floor under the delay. Every attempt runs under its own timeout, combined with
// the run's signal, so a hung call becomes a retryable timeout instead of a hung deploy.

import type { ApishipError } from "../errors.js";
import { ProviderError, toApishipError } from "../errors.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /** Per-attempt timeout; 0 disables it. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseMs: 200, capMs: 10_000, timeoutMs: 300_000 };

export interface RetryInfo {
  /** The attempt that failed (1-based); the next one is attempt + 1. */
  attempt: number;
  delayMs: number;
  error: ProviderError;
}

export interface RetryOptions extends Partial<RetryPolicy> {
  /** Aborts the call in flight and the wait between attempts. */
  signal: AbortSignal;
  /** Checked before each retry: once aborted, no new attempt is launched. */
  stop?: AbortSignal;
  /** Names the call in timeout messages, e.g. "apply web". */
  what: string;
  onRetry?: (info: RetryInfo) => void;
  /** Uniform in [0, 1); tests make the jitter deterministic. */
  random?: () => number;
}

/** The outcome of a retried call, with the number of attempts made either way. */
export type Attempted<T> =
  { ok: true; value: T; attempts: number } | { ok: false; error: ApishipError; attempts: number };

/** Full jitter: uniform in [0, min(cap, base·2^(attempt-1))], raised to Retry-After when given. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterS?: number,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterS !== undefined && retryAfterS > 0 ? Math.max(jittered, retryAfterS * 1000) : jittered;
}

export function isRetryable(e: unknown): e is ProviderError {
  return e instanceof ProviderError && e.retryable;
}

function timeoutError(what: string, ms: number): ProviderError {
  return new ProviderError(`${what} timed out after ${ms} ms`, {
    code: "TIMEOUT",
    retryable: true,
    hint: "the cloud did not answer in time; the call is retried, and the intent recorded before it keeps the state consistent",
  });
}

export function abortedError(what: string): ProviderError {
  return new ProviderError(`${what}: interrupted`, {
    code: "ABORTED",
    fault: "user",
    hint: "the run was interrupted; the next deploy reads the cloud and reconciles what this one started",
  });
}

/** One attempt under its own timeout; rejects as soon as the timeout or the run's signal fires. */
async function attemptOnce<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  opts: RetryOptions,
  timeoutMs: number,
): Promise<T> {
  const timeout = new AbortController();
  const signal = timeoutMs > 0 ? AbortSignal.any([opts.signal, timeout.signal]) : opts.signal;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  // A call that ignores its signal must still not hold the run: race it against the abort.
  const guard = new Promise<never>((_, reject) => {
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        timeout.abort();
        reject(timeoutError(opts.what, timeoutMs));
      }, timeoutMs);
    }
    onAbort = () => reject(abortedError(opts.what));
    opts.signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([fn(signal), guard]);
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) opts.signal.removeEventListener("abort", onAbort);
  }
}

function wait(ms: number, signal: AbortSignal, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortedError(what));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(what));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Calls `fn` until it succeeds, fails for good, or the attempts run out. Never throws. */
export async function withRetry<T>(
  fn: (signal: AbortSignal, attempt: number) => Promise<T>,
  opts: RetryOptions,
): Promise<Attempted<T>> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...definedOnly(opts) };
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      if (opts.signal.aborted) throw abortedError(opts.what);
      const value = await attemptOnce((s) => fn(s, attempt), opts, policy.timeoutMs);
      return { ok: true, value, attempts: attempt };
    } catch (e) {
      const last = attempt >= policy.maxAttempts || opts.stop?.aborted === true || opts.signal.aborted;
      if (!isRetryable(e) || last) return { ok: false, error: toApishipError(e), attempts: attempt };
      const delayMs = backoffDelay(attempt, policy, random, e.retryAfter);
      opts.onRetry?.({ attempt, delayMs, error: e });
      try {
        await wait(delayMs, opts.signal, opts.what);
      } catch (aborted) {
        return { ok: false, error: toApishipError(aborted), attempts: attempt };
      }
    }
  }
}

function definedOnly(o: Partial<RetryPolicy>): Partial<RetryPolicy> {
  const out: Partial<RetryPolicy> = {};
  for (const k of ["maxAttempts", "baseMs", "capMs", "timeoutMs"] as const) {
    if (o[k] !== undefined) out[k] = o[k];
  }
  return out;
}
