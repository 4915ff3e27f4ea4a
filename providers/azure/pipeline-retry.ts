// The Azure SDK pipeline's retries, made the run's one retry layer (call-retry.ts). The SDK's
// default retry policy keeps its own budget, backoff and uncapped Retry-After; under the
// engine's step retry that nested into up to 4 × 5 sends of one call. clients.ts swaps it for
// this policy: the run's attempts, its full-jitter backoff, a server-asked wait honoured up to
// maxWaitMs, each retry told to onRetry before its wait. Each request's attempts are kept here,
// so errors.ts can mark the error that leaves the pipeline `spent`. Only SDK types are imported:
// @azure/core-rest-pipeline is the SDKs' dependency, not ours.

import type { Pipeline, PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { CallRetryPolicy } from "../../src/core/provider.js";
import { retryDelay } from "../_shared/call-retry.js";
import { sleep } from "../_shared/poll.js";

export const DEFAULT_RETRY_POLICY = "defaultRetryPolicy";
export const RUN_RETRY_POLICY = "apishipRetryPolicy";

export interface Attempts {
  /** Sends of the request so far. */
  count: number;
  policy: CallRetryPolicy;
  /** The server asked for a longer wait than the policy allows: not retried. */
  tooLongS?: number;
}

const seen = new WeakMap<PipelineRequest, Attempts>();

/** What the pipeline did with the request an SDK error came from, if it went through one. */
export function attemptsOf(request: unknown): Attempts | undefined {
  return typeof request === "object" && request !== null ? seen.get(request as PipelineRequest) : undefined;
}

// Transport failures worth another send. A refused connection or an unknown host is a wrong
// endpoint, not a passing fault: errors.ts fails it at once with its hint.
const TRANSIENT = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "REQUEST_SEND_ERROR",
]);
// POSTs that only read (list keys, credentials, name checks) may repeat; any other POST (a slot
// swap) may have started on a 5xx, and sending it again could undo it: only a 429 repeats.
const READ_POST =
  /\/(checknameavailability|list|listkeys|listclusterusercredential|listclusteradmincredential)$/i;

function retriableStatus(status: number, req: PipelineRequest): boolean {
  if (status === 429) return true;
  if (req.method === "POST" && !READ_POST.test(new URL(req.url).pathname)) return false;
  return status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

/** Seconds from retry-after-ms, x-ms-retry-after-ms or Retry-After (seconds or a date). */
export function retryAfterSeconds(res: PipelineResponse | undefined, nowMs = Date.now()): number | undefined {
  const h = res?.headers;
  if (!h) return undefined;
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(h.get(name));
    if (h.get(name) && Number.isFinite(ms)) return Math.max(0, ms / 1000);
  }
  const ra = h.get("retry-after");
  if (!ra) return undefined;
  const n = Number(ra);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(ra);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - nowMs) / 1000);
}

/** "PUT Microsoft.Web/sites/shop-dev-web", "GET resourcegroups/rg": the call as retry events name it. */
export function callName(req: PipelineRequest): string {
  const path = new URL(req.url).pathname
    .replace(/^\/subscriptions\/[^/]+/i, "")
    .replace(/^\/resourcegroups\/[^/]+\/providers\//i, "")
    .replace(/^\/providers\//i, "")
    .replace(/^\//, "");
  return `${req.method} ${path || "subscription"}`;
}

interface Outcome {
  response?: PipelineResponse;
  /** A RestError: the transport failed (no response) or a later policy threw. */
  error?: { code?: string; statusCode?: number; response?: PipelineResponse };
}

/** The wait before the next send, or undefined when this outcome is final. */
function decide(policy: CallRetryPolicy, req: PipelineRequest, o: Outcome, rec: Attempts) {
  const status = o.response?.status ?? o.error?.statusCode;
  if (status !== undefined && status < 400) return undefined;
  const transient = status === undefined && TRANSIENT.has(o.error?.code ?? "");
  if (!transient && (status === undefined || !retriableStatus(status, req))) return undefined;
  if (rec.count >= policy.maxAttempts) return undefined;
  const after = retryAfterSeconds(o.response);
  const delayMs = retryDelay(policy, rec.count, after);
  if (delayMs === undefined) rec.tooLongS = after;
  else
    policy.onRetry?.({
      call: callName(req),
      attempt: rec.count,
      delayMs,
      code: status !== undefined ? `HTTP_${status}` : (o.error?.code ?? "NETWORK"),
    });
  return delayMs;
}

const isRestError = (e: unknown): e is NonNullable<Outcome["error"]> =>
  typeof e === "object" && e !== null && (e as { name?: unknown }).name === "RestError";

/**
 * The pipeline policy in the SDK's Retry phase: sends the request until it succeeds, fails for
 * good or the run's attempts are spent, and returns or throws what the last send gave (the SDK's
 * deserialisation then turns a failed response into its RestError, as before).
 */
export function runRetryPolicy(policy: CallRetryPolicy): PipelinePolicy {
  return {
    name: RUN_RETRY_POLICY,
    async sendRequest(request, next) {
      const rec: Attempts = { count: 0, policy };
      seen.set(request, rec);
      for (;;) {
        rec.count++;
        const o: Outcome = {};
        try {
          o.response = await next(request);
        } catch (e) {
          if (!isRestError(e)) throw e;
          o.error = e;
          if (e.response) o.response = e.response;
        }
        const delayMs = request.abortSignal?.aborted ? undefined : decide(policy, request, o, rec);
        if (delayMs === undefined) {
          if (o.error) throw o.error as Error;
          return o.response as PipelineResponse;
        }
        await sleep(delayMs, request.abortSignal as AbortSignal | undefined);
      }
    },
  };
}

/** Replaces the pipeline's default retry policy with the run's. */
export function useRunRetries(pipeline: Pipeline, policy: CallRetryPolicy): void {
  pipeline.removePolicy({ name: DEFAULT_RETRY_POLICY });
  pipeline.addPolicy(runRetryPolicy(policy), { phase: "Retry" });
}
