// The HTTP health check after a target deploys (DESIGN.md §6): GET <endpoint><health.path>
// until it answers the expected status or the attempts run out. Only the target's own endpoint
// is called. A failure reports what a person needs to see why: the status code, the latency
// and the first bytes of the body.

import type { RequestOptions } from "node:http";
import type { HealthSpec } from "../manifest/types.js";
import { connectTargetFor } from "./connect-to.js";
import type { ConnectRule, ConnectTarget } from "./connect-to.js";
import type { HealthReport } from "./types.js";

export const BODY_PREVIEW_BYTES = 200;

export interface HealthCheckOptions {
  /** Aborts the check between and during attempts. */
  signal: AbortSignal;
  /** Called after each attempt, e.g. to emit a progress event. */
  onAttempt?: (report: HealthReport) => void;
  /** Replaces the wait between attempts; tests pass a no-op. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** APISHIP_CONNECT_TO rules: dial another address for the same URL. */
  connectTo?: readonly ConnectRule[];
}

/** `http://host/base/` + `/healthz` → `http://host/base/healthz`: the path is relative to the endpoint. */
export function healthUrl(endpoint: string, path: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return `${base}/${path.replace(/^\/+/, "")}`;
}

function reason(e: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no response within ${timeoutMs} ms`;
  // The socket error's code (ECONNREFUSED, ENOTFOUND) is the news.
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && code !== "ABORT_ERR") return code;
  return e instanceof Error ? e.message : String(e);
}

export interface Answer {
  status: number;
  /** The response's headers, lowercased names (node:http's). */
  headers: Record<string, string | string[] | undefined>;
  /** The body's first `maxBytes` bytes. */
  body: Buffer;
  /** The body was longer than `maxBytes` and was cut there. */
  truncated: boolean;
}

export interface GetOptions {
  /** Stop reading the body after this many bytes; default BODY_PREVIEW_BYTES. */
  maxBytes?: number;
  /** Extra request headers (`host` is always the URL's). */
  headers?: Record<string, string>;
}

/**
 * One GET without redirects. node:http rather than fetch, because the probe may have to dial an
 * address other than the URL's (APISHIP_CONNECT_TO) while keeping the URL's Host header and TLS
 * server name, which fetch cannot do. The smoke tests (smoke.ts) send theirs through it too.
 */
export async function httpGet(
  url: URL,
  dial: ConnectTarget | undefined,
  signal: AbortSignal,
  opts: GetOptions = {},
): Promise<Answer> {
  const tls = url.protocol === "https:";
  const maxBytes = opts.maxBytes ?? BODY_PREVIEW_BYTES;
  // Imported here: this module is on every command's import path (the run view describes
  // health reports), and node:http/https/net cost ~15 ms of start-up to commands that never probe.
  const [{ request: httpRequest }, { request: httpsRequest }, { isIP }] = await Promise.all([
    import("node:http"),
    import("node:https"),
    import("node:net"),
  ]);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const options: RequestOptions = {
    method: "GET",
    hostname: dial?.host ?? hostname,
    port: dial?.port ?? (url.port || (tls ? 443 : 80)),
    path: `${url.pathname}${url.search}`,
    headers: { "user-agent": "apiship-health-check", ...opts.headers, host: url.host },
    agent: false,
    signal,
  };
  // Certificates are checked against the URL's host, wherever the connection goes.
  if (tls && isIP(hostname) === 0) (options as { servername?: string }).servername = hostname;
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (truncated: boolean) => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: truncated ? body.subarray(0, maxBytes) : body,
          truncated,
        });
      };
      res.on("data", (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        // One byte past the limit tells a body of exactly maxBytes from a longer one.
        if (size > maxBytes) {
          res.destroy();
          finish(true);
        }
      });
      res.on("end", () => finish(false));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function attempt(
  url: string,
  spec: HealthSpec,
  n: number,
  opts: { signal: AbortSignal; connectTo?: readonly ConnectRule[] },
): Promise<HealthReport> {
  const started = performance.now();
  const base = { ok: false, url, attempts: n, expected: spec.status };
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  try {
    const target = new URL(url);
    const dial = connectTargetFor(target, opts.connectTo ?? []);
    const res = await httpGet(target, dial, AbortSignal.any([opts.signal, timeout]));
    const ok = res.status === spec.status;
    const body = ok ? undefined : res.body.subarray(0, BODY_PREVIEW_BYTES).toString("utf8");
    const latencyMs = Math.round(performance.now() - started);
    return { ...base, ok, status: res.status, latencyMs, ...(body === undefined ? {} : { body }) };
  } catch (e) {
    const latencyMs = Math.round(performance.now() - started);
    return { ...base, latencyMs, error: reason(e, timeout.aborted, spec.timeoutMs) };
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Checks the endpoint; resolves with the last attempt's report (never throws). */
export async function checkHealth(
  endpoint: string,
  spec: HealthSpec,
  opts: HealthCheckOptions,
): Promise<HealthReport> {
  const url = healthUrl(endpoint, spec.path);
  const attempts = Math.max(1, spec.attempts);
  const sleep = opts.sleep ?? defaultSleep;
  let last: HealthReport | undefined;
  for (let n = 1; n <= attempts; n++) {
    last = await attempt(url, spec, n, opts);
    opts.onAttempt?.(last);
    if (last.ok || opts.signal.aborted) return last;
    if (n < attempts) await sleep(spec.intervalMs, opts.signal);
  }
  return (
    last ?? { ok: false, url, attempts: 0, expected: spec.status, latencyMs: 0, error: "no attempt made" }
  );
}

/** "GET http://…/healthz: 500 after 12 ms (expected 200): <body>" for summaries and errors. */
export function describeHealth(r: HealthReport): string {
  if (r.via === "platform")
    return `${r.url}: ${r.ok ? "ready" : (r.error ?? "unknown")} (attempt ${r.attempts})`;
  const got = r.status !== undefined ? `${r.status}` : (r.error ?? "no response");
  const body = r.body ? `: ${JSON.stringify(r.body)}` : "";
  return `GET ${r.url}: ${got} after ${r.latencyMs} ms (expected ${r.expected}, attempt ${r.attempts})${body}`;
}
