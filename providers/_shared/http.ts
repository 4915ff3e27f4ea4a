// A small typed HTTP client on the global `fetch`, for the clouds whose APIs apiship calls
// without an SDK (DigitalOcean, Heroku, Firebase Hosting). It sends and parses JSON, adds bearer
// auth, stops on an AbortSignal and is the one retry layer of its calls (call-retry.ts): it
// retries 429 and 5xx under the run's policy, waiting what `Retry-After` asks for (capped by the
// policy's maxWaitMs: a longer wait fails the call at once with a clear message), else a
// full-jitter exponential backoff (so many clients throttled together do not come back in
// lockstep). Every other failure becomes an HttpError that the provider's `mapError` turns into
// its own ProviderError at the boundary, marked `spent` so the engine does not retry it again.

import type { CallRetryPolicy } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { DEFAULT_CALL_RETRY, retryDelay, spentError, tooLongError } from "./call-retry.js";
import { sleep as abortableSleep } from "./poll.js";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A response the client did not accept (status >= 400), or a request that never got one. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    message: string,
    readonly method: HttpMethod,
    /** The path as requested (no query string: it may hold names the user did not mean to log). */
    readonly path: string,
    /** 0 when no response arrived (connection refused, reset, DNS). */
    readonly status: number,
    /** The parsed JSON body, or the text when it was not JSON. */
    readonly body: unknown,
    readonly headers: Headers,
    /** Seconds the server asked us to wait, when it said so. */
    readonly retryAfter: number | undefined,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get requestId(): string | undefined {
    return this.headers.get("x-request-id") ?? this.headers.get("request-id") ?? undefined;
  }
}

export interface HttpRequestInfo {
  method: HttpMethod;
  path: string;
  /** 0 when the request failed without a response. */
  status: number;
  attempt: number;
}

export interface HttpClientOptions {
  /** e.g. "https://api.digitalocean.com"; request paths are appended to it. */
  baseUrl: string;
  /** Sent with every request (Accept, User-Agent, API version headers). */
  headers?: Record<string, string>;
  /** Bearer token, or a function resolving it on first use (so a missing token fails late). */
  token?: string | (() => string | Promise<string>);
  fetch?: typeof globalThis.fetch;
  /** The run's per-call retry policy (ProviderConfig.retry); default DEFAULT_CALL_RETRY. */
  retry?: CallRetryPolicy;
  /** Tries per request, including the first (overrides retry.maxAttempts). */
  maxAttempts?: number;
  /** Stops every request of this client (e.g. the run's ctx.signal). */
  signal?: AbortSignal;
  /** Turns a failed request into the provider's error; default: a generic ProviderError. */
  mapError?: (error: HttpError) => Error;
  /** First backoff ceiling and the cap of the backoff and of any server-asked wait, in ms (override retry's). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called after every attempt (for call counting in benchmarks and tests). */
  onRequest?: (info: HttpRequestInfo) => void;
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface HttpRequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** A plain value is sent as JSON; a string or bytes are sent as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * false: retry only a 429 (the server did not process it), never a 5xx or a dropped
   * connection: for a create the caller reconciles itself, which may have happened.
   */
  retry?: boolean;
  /**
   * With retry: false, a 5xx or a lost answer is retried too, but first this looks for what the
   * request would have made (a create by its name or label): found, it is the response body and
   * nothing is sent again; not found (undefined), the request is sent again.
   */
  recover?: () => Promise<unknown>;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface HttpClient {
  /** The parsed body of a 2xx response (undefined for 204 or an empty body). */
  request<T>(method: HttpMethod, path: string, options?: HttpRequestOptions): Promise<T>;
  /** Like request, with the status and headers. */
  send<T>(method: HttpMethod, path: string, options?: HttpRequestOptions): Promise<HttpResponse<T>>;
  readonly baseUrl: string;
}

const RETRY_STATUS = (s: number): boolean => s === 429 || s >= 500;

/**
 * Seconds to wait from `Retry-After` (seconds or an HTTP date), else from `RateLimit-Reset` but
 * only when `RateLimit-Remaining` is 0. DigitalOcean and Heroku send the reset time on every
 * response (the Unix time when the oldest request of the hourly window expires): with requests
 * left it says nothing about when to retry a 5xx, and taking it as a delay once scheduled a retry
 * an hour away. The reset is a Unix epoch time on DigitalOcean and seconds from now in the IETF
 * draft, told apart by size.
 */
export function retryAfterSeconds(headers: Headers, nowMs: number): number | undefined {
  const ra = headers.get("retry-after");
  if (ra !== null && ra.trim() !== "") {
    const n = Number(ra);
    if (Number.isFinite(n)) return Math.max(0, n);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, (at - nowMs) / 1000);
  }
  const reset = headers.get("ratelimit-reset");
  if (headers.get("ratelimit-remaining")?.trim() !== "0") return undefined;
  if (reset !== null && reset.trim() !== "") {
    const n = Number(reset);
    if (Number.isFinite(n)) return n > 1_000_000_000 ? Math.max(0, n - nowMs / 1000) : Math.max(0, n);
  }
  return undefined;
}

function buildUrl(baseUrl: string, path: string, query?: HttpRequestOptions["query"]): string {
  const url = new URL(baseUrl.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`));
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

function encodeBody(body: unknown): { payload?: string | Uint8Array; contentType?: string } {
  if (body === undefined) return {};
  if (typeof body === "string") return { payload: body, contentType: "text/plain" };
  if (body instanceof Uint8Array) return { payload: body, contentType: "application/octet-stream" };
  return { payload: JSON.stringify(body), contentType: "application/json" };
}

async function parseBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (text === "") return undefined;
  if ((res.headers.get("content-type") ?? "").includes("json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function describe(body: unknown): string {
  if (typeof body === "object" && body !== null) {
    const b = body as { message?: unknown; error?: unknown; id?: unknown };
    const msg = typeof b.message === "string" ? b.message : typeof b.error === "string" ? b.error : undefined;
    if (msg) return typeof b.id === "string" ? `${b.id}: ${msg}` : msg;
  }
  return typeof body === "string" ? body.slice(0, 200) : "";
}

function defaultMapError(e: HttpError): Error {
  return new ProviderError(e.message, {
    cause: e,
    code: e.status === 0 ? "NETWORK" : `HTTP_${e.status}`,
    fault: e.status >= 400 && e.status < 500 && e.status !== 429 ? "user" : "cloud",
    retryable: e.status === 0 || RETRY_STATUS(e.status),
    requestId: e.requestId,
    retryAfter: e.retryAfter,
  });
}

function aborted(method: string, path: string, cause: unknown): ProviderError {
  return new ProviderError(`cancelled during ${method} ${path}`, {
    cause,
    code: "ABORTED",
    fault: "user",
    hint: "the run was interrupted; the next run picks up from what the cloud holds",
  });
}

function combine(a?: AbortSignal, b?: AbortSignal): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const given = opts.retry ?? DEFAULT_CALL_RETRY;
  const policy: CallRetryPolicy = {
    ...given,
    maxAttempts: Math.max(1, opts.maxAttempts ?? given.maxAttempts),
    baseMs: opts.baseDelayMs ?? given.baseMs,
    capMs: opts.maxDelayMs ?? given.capMs,
    maxWaitMs: opts.maxDelayMs ?? given.maxWaitMs,
    ...(opts.random ? { random: opts.random } : {}),
  };
  const { maxAttempts } = policy;
  const wait = opts.sleep ?? abortableSleep;
  const now = opts.now ?? Date.now;
  const mapped = opts.mapError ?? defaultMapError;
  // The error leaving the client after `attempts` sends: its budget is spent (call-retry.ts).
  const mapError = (e: HttpError): Error => {
    const m = mapped(e);
    return m instanceof ProviderError ? spentError(m, e.attempts) : m;
  };
  let token: Promise<string> | undefined;
  const bearer = (): Promise<string> | undefined => {
    if (opts.token === undefined) return undefined;
    const t = opts.token;
    token ??= Promise.resolve(typeof t === "function" ? t() : t);
    return token;
  };

  async function headersFor(extra: Record<string, string> | undefined, contentType?: string) {
    const h: Record<string, string> = { accept: "application/json", ...opts.headers };
    if (contentType) h["content-type"] = contentType;
    const t = await bearer();
    if (t) h.authorization = `Bearer ${t}`;
    return { ...h, ...extra };
  }

  async function send<T>(
    method: HttpMethod,
    path: string,
    ro: HttpRequestOptions = {},
  ): Promise<HttpResponse<T>> {
    const signal = combine(opts.signal, ro.signal);
    const url = buildUrl(opts.baseUrl, path, ro.query);
    const { payload, contentType } = encodeBody(ro.body);
    const headers = await headersFor(ro.headers, contentType);
    const retries = ro.retry !== false;
    // Set after a failure that may have taken effect: look for the result before sending again.
    let check = false;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw aborted(method, path, signal.reason);
      if (check && ro.recover) {
        const found = await ro.recover();
        if (found !== undefined) return { status: 200, headers: new Headers(), body: found as T };
      }
      let res: Response;
      try {
        res = await doFetch(url, { method, headers, body: payload, signal });
      } catch (e) {
        opts.onRequest?.({ method, path, status: 0, attempt });
        if (signal?.aborted) throw aborted(method, path, e);
        const err = new HttpError(
          `${method} ${path}: no response (${(e as Error).message})`,
          method,
          path,
          0,
          undefined,
          new Headers(),
          undefined,
          attempt,
          { cause: e },
        );
        // A request that got no answer may or may not have been applied: only reads repeat, and
        // a create whose result can be looked for (recover).
        const idempotent = method === "GET" || method === "HEAD" || method === "PUT" || method === "DELETE";
        const blind = retries && idempotent;
        if ((!blind && !ro.recover) || attempt >= maxAttempts) throw mapError(err);
        check = !blind;
        await pause(attempt, 0, "NETWORK", signal, method, path);
        continue;
      }
      opts.onRequest?.({ method, path, status: res.status, attempt });
      const body = await parseBody(res);
      if (res.status < 400) return { status: res.status, headers: res.headers, body: body as T };
      const after = retryAfterSeconds(res.headers, now());
      const retryable =
        res.status === 429 || ((retries || ro.recover !== undefined) && RETRY_STATUS(res.status));
      check = res.status !== 429 && !retries;
      const detail = describe(body);
      const failure = new HttpError(
        `${method} ${path} returned ${res.status}${detail ? `: ${detail}` : ""}`,
        method,
        path,
        res.status,
        body,
        res.headers,
        after,
        attempt,
      );
      if (!retryable || attempt >= maxAttempts) throw mapError(failure);
      const delay = retryDelay(policy, attempt, after);
      if (delay === undefined) {
        const m = mapped(failure);
        const pe =
          m instanceof ProviderError
            ? m
            : new ProviderError(m.message, {
                cause: m,
                retryable: true,
                ...(after ? { retryAfter: after } : {}),
              });
        throw spentError(tooLongError(`${method} ${path}`, pe, policy.maxWaitMs), attempt);
      }
      await pause(attempt, delay, `HTTP_${res.status}`, signal, method, path);
    }
  }

  /** Waits before the retry after `attempt` (`ms` from retryDelay, or 0 to draw one) and reports it. */
  async function pause(
    attempt: number,
    delay: number,
    code: string,
    signal: AbortSignal | undefined,
    m: HttpMethod,
    p: string,
  ) {
    const ms = delay > 0 ? delay : (retryDelay(policy, attempt, undefined) ?? 0);
    policy.onRetry?.({ call: `${m} ${p}`, attempt, delayMs: ms, code });
    try {
      await wait(ms, signal);
    } catch (e) {
      throw aborted(m, p, e);
    }
  }

  return {
    baseUrl: opts.baseUrl,
    send,
    async request<T>(method: HttpMethod, path: string, ro?: HttpRequestOptions): Promise<T> {
      return (await send<T>(method, path, ro)).body;
    },
  };
}
