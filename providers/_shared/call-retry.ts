// The one retry layer of cloud calls (src/core/provider.ts CallRetryPolicy). Each client retries
// its own calls under the run's policy, because only the client knows which of its calls are
// safe to send again, and because a step of many calls cannot converge when a whole step is
// retried for one throttled call. The SDKs that have their own retry loop are configured from
// this policy (AWS, Azure); the others (Kubernetes, Google's REST fallback, the shared HTTP
// client) call `retryCall` or `retryDelay` here. An error that leaves this layer carries
// `spent`, and the engine's step retry (src/apply/retry.ts) does not go around it again.
// `mappedCall` and `maybeCall` are the boundary every provider's errors.ts wraps a call in (aws(),
// az(), gcp() and their *Maybe reads): the SDK's error leaves as the provider's ProviderError.

import type { CallRetryPolicy, ProviderConfig } from "../../src/core/provider.js";
import { backoffDelay, callRetryPolicy, tooLongError } from "../../src/apply/retry.js";
import { ProviderError } from "../../src/errors.js";
import { sleep } from "./poll.js";

export { tooLongError };

/** The engine's defaults, for clients built outside a run (unit tests, `status`). */
export const DEFAULT_CALL_RETRY: CallRetryPolicy = callRetryPolicy({});

export function callPolicy(cfg: Pick<ProviderConfig, "retry"> | undefined): CallRetryPolicy {
  return cfg?.retry ?? DEFAULT_CALL_RETRY;
}

/** The wait before the retry after `attempt`, or undefined when the server asks for too long. */
export function retryDelay(
  policy: CallRetryPolicy,
  attempt: number,
  retryAfterS: number | undefined,
): number | undefined {
  return backoffDelay(attempt, policy, policy.random ?? Math.random, retryAfterS);
}

/** The same error, marked as having used `attempts` of the call's budget. */
export function spentError(e: ProviderError, attempts: number): ProviderError {
  if (e.spent !== undefined) return e;
  return new ProviderError(e.message, {
    cause: e.cause,
    code: e.code,
    fault: e.fault,
    retryable: e.retryable,
    ...(e.hint !== undefined ? { hint: e.hint } : {}),
    ...(e.requestId !== undefined ? { requestId: e.requestId } : {}),
    ...(e.retryAfter !== undefined ? { retryAfter: e.retryAfter } : {}),
    ...(e.target !== undefined ? { target: e.target } : {}),
    spent: attempts,
  });
}

export interface RetryCallOptions<T = unknown> {
  signal?: AbortSignal;
  /** The SDK's error as a ProviderError (the provider's mapError). */
  map: (e: unknown) => ProviderError;
  /** false: a call that may have taken effect without an answer is not sent again (a create). */
  idempotent?: boolean;
  /**
   * For a call that is not idempotent: after a failure that may have taken effect (a 5xx, no
   * answer), looks for what the call would have made before sending it again. Found, that is the
   * call's result; not found (undefined), the call is sent again. A create whose 5xx came before
   * the cloud did anything then still converges, and one that did take effect is not repeated.
   */
  recover?: () => Promise<T | undefined>;
}

/**
 * Sends `fn` until it succeeds, fails for good, or the policy's attempts run out, and throws the
 * mapped error marked `spent`. Retried: errors the provider mapped as retryable; for a call that
 * is not idempotent, only throttling (a 429 was not processed).
 */
export async function retryCall<T>(
  policy: CallRetryPolicy,
  call: string,
  fn: (attempt: number) => Promise<T>,
  o: RetryCallOptions<T>,
): Promise<T> {
  let check = false;
  for (let attempt = 1; ; attempt++) {
    try {
      if (check && o.recover) {
        const found = await o.recover();
        if (found !== undefined) return found;
      }
      return await fn(attempt);
    } catch (raw) {
      const e = o.map(raw);
      if (o.signal?.aborted) throw e;
      const blind = o.idempotent !== false || isThrottle(e);
      // A create that may have happened is sent again only after looking for its result.
      check = !blind;
      const again = e.retryable && (blind || o.recover !== undefined);
      if (!again || attempt >= policy.maxAttempts) throw spentError(e, attempt);
      const delayMs = retryDelay(policy, attempt, e.retryAfter);
      if (delayMs === undefined) throw spentError(tooLongError(call, e, policy.maxWaitMs), attempt);
      policy.onRetry?.({ call, attempt, delayMs, code: e.code });
      try {
        await sleep(delayMs, o.signal);
      } catch {
        throw e;
      }
    }
  }
}

/** A throttling answer: the server did not process the request, so any call may repeat. */
export function isThrottle(e: ProviderError): boolean {
  return /throttl|429|RESOURCE_EXHAUSTED|TooManyRequests|RATE_LIMIT|Rate exceeded/i.test(
    `${e.code} ${e.message}`,
  );
}

/** Runs one cloud call; what it throws leaves as `map` makes it (the provider's mapError). */
export async function mappedCall<T>(run: () => Promise<T>, map: (e: unknown) => unknown): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw map(e);
  }
}

/**
 * Runs one read or delete: an error `absent` says is a NotFound is `undefined` (the resource is
 * not there); any other leaves as `map` makes it (default: unchanged).
 */
export async function maybeCall<T>(
  run: () => Promise<T>,
  absent: (e: unknown) => boolean,
  map: (e: unknown) => unknown = (e) => e,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    if (absent(e)) return undefined;
    throw map(e);
  }
}
