// The HTTP transport of the Heroku client: one request on `fetch` with the Platform API's
// headers, retried on 429 (always: the request was not processed) and on 5xx or a dropped
// connection when the method is idempotent. A wait honours RateLimit-Reset, then Retry-After,
// else backs off exponentially with full jitter. Every wait and request stops on ctx.signal.

import { ProviderError } from "../../src/errors.js";
import { sleep } from "../_shared/poll.js";
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
  /** Attempts per request, the first included (default 5). */
  attempts?: number;
  /** First backoff in ms (default 250). */
  baseDelayMs?: number;
  /** Longest single wait, even when the server asks for more (default 60 s). */
  maxDelayMs?: number;
  /** Per-attempt timeout in ms (default 60 s). */
  timeoutMs?: number;
  /** Called before each retry wait, so a caller can log it. */
  onRetry?: (info: { op: string; status: number | string; waitMs: number; attempt: number }) => void;
  random?: () => number;
  fetch?: typeof fetch;
}

const IDEMPOTENT = new Set(["GET", "PUT", "PATCH", "DELETE"]);

/** Seconds to wait, from RateLimit-Reset (delta seconds, or an epoch time) or Retry-After. */
export function serverWaitMs(h: Headers, nowMs = Date.now()): number | undefined {
  const reset = h.get("ratelimit-reset");
  if (reset !== null && /^\d+(\.\d+)?$/.test(reset.trim())) {
    const n = Number(reset);
    return Math.max(0, n > 1e9 ? n * 1000 - nowMs : n * 1000);
  }
  const after = h.get("retry-after");
  if (after === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(after.trim())) return Number(after) * 1000;
  const at = Date.parse(after);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === "") return undefined;
  if (!/json/.test(res.headers.get("content-type") ?? "")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function urlOf(endpoint: string, path: string): string {
  return /^https?:\/\//.test(path) ? path : `${endpoint.replace(/\/+$/, "")}${path}`;
}

function init(o: TransportOptions, req: HttpRequest): RequestInit {
  const headers: Record<string, string> = { "user-agent": "apiship", ...req.headers };
  let body: RequestInit["body"];
  if (req.raw !== undefined) {
    body = req.raw;
  } else {
    headers.accept = ACCEPT;
    headers.authorization = `Bearer ${o.apiKey}`;
    if (req.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(req.body);
    }
  }
  const signal = AbortSignal.any([req.signal, AbortSignal.timeout(o.timeoutMs ?? 60_000)]);
  return { method: req.method, headers, ...(body !== undefined ? { body } : {}), signal };
}

/** One attempt: an HttpResponse, or the error with the wait the server asked for. */
async function attempt<T>(
  o: TransportOptions,
  req: HttpRequest,
): Promise<{ ok: HttpResponse<T> } | { error: ProviderError; waitMs?: number; status: number | string }> {
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(urlOf(o.endpoint, req.path), init(o, req));
  } catch (e) {
    if (req.signal.aborted) throw abortError(req, e);
    const error = networkError(e, req.op, o.endpoint);
    return { error, status: error.code };
  }
  const data = await parse(res);
  if (res.ok) return { ok: { status: res.status, headers: res.headers, data: data as T } };
  const waitMs = serverWaitMs(res.headers);
  const error = httpError(
    res.status,
    data,
    req.op,
    res.headers.get("request-id") ?? undefined,
    waitMs === undefined ? undefined : Math.ceil(waitMs / 1000),
  );
  return { error, status: res.status, ...(waitMs !== undefined ? { waitMs } : {}) };
}

function abortError(req: HttpRequest, cause: unknown): ProviderError {
  return new ProviderError(`${req.op.what}: cancelled`, {
    code: "ABORTED",
    fault: "user",
    target: req.op.target,
    cause,
    hint: "the run was interrupted; the next run picks up from what Heroku holds",
  });
}

function retryable(req: HttpRequest, status: number | string, error: ProviderError): boolean {
  if (status === 429) return true;
  return error.retryable && IDEMPOTENT.has(req.method);
}

export function createTransport(o: TransportOptions): Send {
  const attempts = o.attempts ?? 5;
  const random = o.random ?? Math.random;
  return async <T>(req: HttpRequest): Promise<HttpResponse<T>> => {
    for (let n = 1; ; n++) {
      const r = await attempt<T>(o, req);
      if ("ok" in r) return r.ok;
      if (n >= attempts || !retryable(req, r.status, r.error)) throw r.error;
      const backoff = random() * Math.min(o.maxDelayMs ?? 60_000, (o.baseDelayMs ?? 250) * 2 ** (n - 1));
      const waitMs = Math.min(o.maxDelayMs ?? 60_000, r.waitMs ?? backoff);
      o.onRetry?.({ op: req.op.what, status: r.status, waitMs, attempt: n });
      try {
        await sleep(waitMs, req.signal);
      } catch (e) {
        throw abortError(req, e);
      }
    }
  };
}
