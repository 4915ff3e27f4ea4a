// Waiting for a cloud resource to settle (a Lambda function to become Active, a rollout to
// finish): read, test, back off exponentially, give up at a deadline, stop at once when the run
// is cancelled. A read that fails with a transient error counts as "not yet": one throttled
// GetFunction must not fail a deploy that is otherwise converging.

import { ProviderError } from "../../src/errors.js";

export interface PollOptions<T> {
  /** What is awaited, for messages: "function shop-dev-api to become Active". */
  what: string;
  /** The value is final but bad: return why, and polling stops with that error. */
  failed?: (value: T) => string | undefined;
  /** First pause, in milliseconds (default 250). */
  intervalMs?: number;
  /** Longest pause (default 5000). */
  maxIntervalMs?: number;
  /** Growth of the pause per attempt (default 1.5). */
  factor?: number;
  /** Give up after this long (default 5 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Errors of `read` that mean "try again" (default: retryable ProviderErrors). */
  transient?: (e: unknown) => boolean;
  /** Injected clock and sleep, for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortError(what: string, cause?: unknown): ProviderError {
  return new ProviderError(`cancelled while waiting for ${what}`, {
    cause,
    code: "ABORTED",
    fault: "user",
    hint: "the run was interrupted; the next run picks up from what the cloud holds",
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const isRetryable = (e: unknown): boolean => e instanceof ProviderError && e.retryable;

/** Reads until `done(value)`; returns that value. */
export async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  opts: PollOptions<T>,
): Promise<T> {
  const now = opts.now ?? Date.now;
  const wait = opts.sleep ?? sleep;
  const transient = opts.transient ?? isRetryable;
  const deadline = now() + (opts.timeoutMs ?? 300_000);
  let pause = opts.intervalMs ?? 250;
  for (;;) {
    if (opts.signal?.aborted) throw abortError(opts.what);
    let value: { v: T } | undefined;
    try {
      value = { v: await read() };
    } catch (e) {
      if (!transient(e)) throw e;
    }
    if (value) {
      if (done(value.v)) return value.v;
      const why = opts.failed?.(value.v);
      if (why !== undefined) {
        throw new ProviderError(`${opts.what} failed: ${why}`, {
          code: "RESOURCE_FAILED",
          hint: "see the reason above; fix the cause and deploy again",
        });
      }
    }
    if (now() + pause > deadline) {
      throw new ProviderError(`timed out waiting for ${opts.what}`, {
        code: "TIMEOUT",
        retryable: true,
        hint: "the cloud is slow to settle; run the command again to continue from where it stopped",
      });
    }
    try {
      await wait(pause, opts.signal);
    } catch (e) {
      throw abortError(opts.what, e);
    }
    pause = Math.min(pause * (opts.factor ?? 1.5), opts.maxIntervalMs ?? 5000);
  }
}
