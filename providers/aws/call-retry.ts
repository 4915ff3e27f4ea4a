// The one retry layer of AWS calls (providers/_shared/call-retry.ts), as a middleware on each
// SDK client. The SDK's own retry strategy is set to one attempt, and this middleware retries in
// its place under the run's policy: the same budget and backoff as every other cloud, what
// providers/aws/errors.ts calls retryable (which includes a conflicting update in progress, that
// the SDK would not retry), the operation's name in each retry event, and a Retry-After longer
// than the policy waits failing at once. The raw SDK error is rethrown, so the adapters' checks of
// error names still work; mapAwsError reads the attempts it carries and marks it spent.

import type { CallRetryPolicy } from "../../src/core/provider.js";
import { retryDelay, tooLongError } from "../_shared/call-retry.js";
import { sleep } from "../_shared/poll.js";
import { ATTEMPTS, mapAwsError } from "./errors.js";

interface Stack {
  add(mw: unknown, options: Record<string, unknown>): void;
}

interface MiddlewareArgs {
  request?: { body?: unknown };
}

interface MiddlewareContext {
  commandName?: string;
  __smithy_context?: { abortSignal?: AbortSignal };
}

/** A body the SDK streams cannot be sent twice. */
function streamed(body: unknown): boolean {
  return typeof body === "object" && body !== null && typeof (body as { pipe?: unknown }).pipe === "function";
}

function tag(e: unknown, attempts: number): unknown {
  if (typeof e === "object" && e !== null) (e as Record<string, unknown>)[ATTEMPTS] = attempts;
  return e;
}

/** Adds the retry middleware to `client` and returns it. */
export function withCallRetry<C extends { middlewareStack: Stack }>(client: C, policy: CallRetryPolicy): C {
  const middleware =
    (next: (args: MiddlewareArgs) => Promise<unknown>, context: MiddlewareContext) =>
    async (args: MiddlewareArgs): Promise<unknown> => {
      const call = (context.commandName ?? "call").replace(/Command$/, "");
      const signal = context.__smithy_context?.abortSignal;
      for (let attempt = 1; ; attempt++) {
        try {
          return await next(args);
        } catch (raw) {
          const e = mapAwsError(raw, call);
          const again = e.retryable && attempt < policy.maxAttempts && !streamed(args.request?.body);
          if (!again || signal?.aborted) throw tag(raw, attempt);
          const delayMs = retryDelay(policy, attempt, e.retryAfter);
          if (delayMs === undefined) throw tooLongError(call, e, policy.maxWaitMs);
          policy.onRetry?.({ call, attempt, delayMs, code: e.code });
          await sleep(delayMs, signal).catch(() => {
            throw tag(raw, attempt);
          });
        }
      }
    };
  client.middlewareStack.add(middleware, {
    step: "finalizeRequest",
    name: "apishipCallRetry",
    priority: "high",
    override: true,
  });
  return client;
}
