// The transport of the Heroku client, on the shared fetch client (providers/_shared/http.ts):
// the Platform API's Accept header and bearer key, errors mapped with the operation's name.
// The shared client is the one retry layer of Heroku calls, under the run's policy: idempotent
// methods are retried on 429 and 5xx (honouring Retry-After, and RateLimit-Reset once the limit
// is used up). A POST (create an app, a build, a rollback) is retried on 429 only: a 429 was
// not processed, but a 5xx may have been, and repeating it could create twice. The error a
// request leaves with is marked spent, so the engine does not retry it again.
// A source upload goes to its presigned put_url: another host, no API key, raw bytes.

import type { CallRetryPolicy } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { spentError } from "../_shared/call-retry.js";
import { HttpError, createHttpClient } from "../_shared/http.js";
import type { HttpClient, HttpClientOptions, HttpRequestInfo } from "../_shared/http.js";
import { httpError, networkError } from "./errors.js";
import type { HerokuOp } from "./errors.js";

export const ACCEPT = "application/vnd.heroku+json; version=3";

export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Path under the endpoint ("/apps/x"), or an absolute URL (a source blob's put_url). */
  path: string;
  body?: unknown;
  /** Raw bytes (a tarball) instead of JSON; sent without the API key. */
  raw?: Buffer;
  headers?: Record<string, string>;
  op: HerokuOp;
  signal: AbortSignal;
  /** For a POST: after a 5xx, what it would have made (providers/_shared/http.ts `recover`). */
  recover?: () => Promise<unknown>;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

export type Send = <T>(req: HttpRequest) => Promise<HttpResponse<T>>;

export interface TransportOptions {
  endpoint: string;
  apiKey: string;
  /** The run's per-call retry policy (ProviderConfig.retry); default DEFAULT_CALL_RETRY. */
  retry?: CallRetryPolicy;
  /** Attempts per request, the first included (overrides the policy's, for tests). */
  attempts?: number;
  baseDelayMs?: number;
  /** Longest single wait (overrides the policy's). */
  maxDelayMs?: number;
  /** Longest time one request may take, retries included (default 120 s). */
  timeoutMs?: number;
  /** Called after every attempt (benchmarks count calls with it). */
  onRequest?: (info: HttpRequestInfo) => void;
  fetch?: typeof fetch;
  sleep?: HttpClientOptions["sleep"];
  random?: () => number;
}

function clientFor(o: TransportOptions, baseUrl: string, token: string | undefined): HttpClient {
  return createHttpClient({
    baseUrl,
    ...(token !== undefined ? { token, headers: { accept: ACCEPT, "user-agent": "apiship" } } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.attempts !== undefined ? { maxAttempts: o.attempts } : {}),
    ...(o.baseDelayMs !== undefined ? { baseDelayMs: o.baseDelayMs } : {}),
    ...(o.maxDelayMs !== undefined ? { maxDelayMs: o.maxDelayMs } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.onRequest ? { onRequest: o.onRequest } : {}),
    ...(o.sleep ? { sleep: o.sleep } : {}),
    ...(o.random ? { random: o.random } : {}),
    // Mapped below, where the operation's name is known.
    mapError: (e) => e,
  });
}

function mapped(e: unknown, req: HttpRequest, endpoint: string, timedOut: boolean): ProviderError {
  if (e instanceof HttpError) {
    const m =
      e.status === 0
        ? networkError(e.cause ?? e, req.op, endpoint)
        : httpError(e.status, e.body, req.op, e.requestId, e.retryAfter);
    return spentError(m, e.attempts);
  }
  if (timedOut) {
    return new ProviderError(`${req.op.what}: no answer from the Heroku API at ${endpoint} in time`, {
      code: "ETIMEDOUT",
      fault: "cloud",
      retryable: true,
      target: req.op.target,
      cause: e,
      hint: "Heroku is slow or unreachable; run the command again",
    });
  }
  if (e instanceof ProviderError) return e;
  return networkError(e, req.op, endpoint);
}

export function createTransport(o: TransportOptions): Send {
  const api = clientFor(o, o.endpoint, o.apiKey);
  return async <T>(req: HttpRequest): Promise<HttpResponse<T>> => {
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 120_000);
    const signal = AbortSignal.any([req.signal, timeout]);
    const url = /^https?:\/\//.test(req.path) ? new URL(req.path) : undefined;
    const client = url ? clientFor(o, url.origin, undefined) : api;
    const body = req.raw ?? req.body;
    try {
      // retry: false for a POST still repeats a 429 (not processed), never a 5xx.
      const res = await client.send<T>(req.method, url ? `${url.pathname}${url.search}` : req.path, {
        ...(body !== undefined ? { body } : {}),
        ...(req.headers ? { headers: req.headers } : {}),
        signal,
        retry: req.method !== "POST",
        ...(req.recover ? { recover: req.recover } : {}),
      });
      return { status: res.status, headers: res.headers, data: res.body };
    } catch (e) {
      throw mapped(e, req, o.endpoint, timeout.aborted && !req.signal.aborted);
    }
  };
}
