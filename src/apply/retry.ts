// Retries of cloud calls (DESIGN.md §6). Only errors the adapter marked retryable are retried
// (throttling, 5xx, connection resets, timeouts): anything else is a decision by the cloud or a
// bug, and repeating it only delays the report. Backoff is exponential with full jitter (AWS
// architecture blog, "Exponential Backoff And Jitter"), capped, and a Retry-After from the
// cloud is a floor under the delay. Every attempt runs under its own timeout, combined with
// the run's signal, so a hung call becomes a retryable timeout instead of a hung deploy.

import type { CallRetryInfo, CallRetryPolicy } from "../core/provider.js";
import type { ApishipError } from "../errors.js";
import { ProviderError, toApishipError } from "../errors.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /** Per-attempt timeout; 0 disables it. */
  timeoutMs: number;
  /** The longest Retry-After honoured: a cloud asking for more fails the call at once. */
  maxWaitMs: number;
}

/**
 * 8 attempts: a deploy makes 30 to 100 calls, and each must get through. Under heavy throttling
 * (the reliability test injects 20% throttles and 10% 5xx: 28% of requests fail) a call fails
 * all of 5 attempts once in 580 tries, which fails one deploy in 6-20; all of 8 once in 26,000.
 * The wait this allows one call is at most 42 s (full jitter: 21 s expected).
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseMs: 200,
  capMs: 10_000,
  timeoutMs: 300_000,
  maxWaitMs: 60_000,
};

/**
 * The run's policy as handed to clients (ProviderConfig.retry): the same budget and backoff
 * for every call, each retry reported through `onRetry`.
 */
export function callRetryPolicy(
  r: Partial<RetryPolicy> & { random?: () => number },
  onRetry?: (info: CallRetryInfo) => void,
): CallRetryPolicy {
  const p: RetryPolicy = { ...DEFAULT_RETRY, ...definedOnly(r) };
  return {
    maxAttempts: p.maxAttempts,
    baseMs: p.baseMs,
    capMs: p.capMs,
    maxWaitMs: p.maxWaitMs,
    ...(r.random ? { random: r.random } : {}),
    ...(onRetry ? { onRetry } : {}),
  };
}

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

/**
 * Full jitter: uniform in [0, min(cap, base·2^(attempt-1))], raised to Retry-After when given.
 * Undefined when the cloud asks for a longer wait than `maxWaitMs`: the caller fails the call
 * with `tooLongError` rather than hanging (a DigitalOcean reset time once meant an hour).
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, "baseMs" | "capMs"> & { maxWaitMs?: number },
  random: () => number,
  retryAfterS?: number,
): number | undefined {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterS === undefined || retryAfterS <= 0) return jittered;
  const asked = Math.ceil(retryAfterS * 1000);
  return asked > (policy.maxWaitMs ?? DEFAULT_RETRY.maxWaitMs) ? undefined : Math.max(jittered, asked);
}

/** The call failed for good: the cloud asked for a longer wait than the policy allows. */
export function tooLongError(what: string, e: ProviderError, maxWaitMs: number): ProviderError {
  const asked = Math.ceil(e.retryAfter ?? 0);
  return new ProviderError(
    `${what}: the cloud asked to wait ${asked} s before a retry, longer than apiship waits (${Math.round(maxWaitMs / 1000)} s): ${e.message}`,
    {
      cause: e,
      code: e.code,
      fault: e.fault,
      retryable: false,
      ...(e.requestId !== undefined ? { requestId: e.requestId } : {}),
      ...(e.retryAfter !== undefined ? { retryAfter: e.retryAfter } : {}),
      ...(e.target !== undefined ? { target: e.target } : {}),
      hint: "the account's rate limit is used up for now; run the command again after that wait, or ask the provider for a higher limit",
    },
  );
}

/**
 * A step is retried only for an error no client retried already: one whose `spent` is set came
 * out of the call layer with its budget used (providers/_shared/call-retry.ts), and going round
 * the step again would multiply the attempts (5 steps × 5 calls = 25 sends of one call).
 */
export function isRetryable(e: unknown): e is ProviderError {
  return e instanceof ProviderError && e.retryable && e.spent === undefined;
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
      if (delayMs === undefined)
        return { ok: false, error: tooLongError(opts.what, e, policy.maxWaitMs), attempts: attempt };
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
  for (const k of ["maxAttempts", "baseMs", "capMs", "timeoutMs", "maxWaitMs"] as const) {
    if (o[k] !== undefined) out[k] = o[k];
  }
  return out;
}
