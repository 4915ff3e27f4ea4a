// The HTTP health check after a target deploys (DESIGN.md §6): GET <endpoint><health.path>
// until it answers the expected status or the attempts run out. Only the target's own endpoint
// is called. A failure reports what a person needs to see why: the status code, the latency
// and the first bytes of the body.

import type { HealthSpec } from "../manifest/types.js";
import type { HealthReport } from "./types.js";

export const BODY_PREVIEW_BYTES = 200;

export interface HealthCheckOptions {
  /** Aborts the check between and during attempts. */
  signal: AbortSignal;
  /** Called after each attempt, e.g. to emit a progress event. */
  onAttempt?: (report: HealthReport) => void;
  /** Replaces the wait between attempts; tests pass a no-op. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** `http://host/base/` + `/healthz` → `http://host/base/healthz`: the path is relative to the endpoint. */
export function healthUrl(endpoint: string, path: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return `${base}/${path.replace(/^\/+/, "")}`;
}

async function preview(res: Response): Promise<string> {
  const buf = Buffer.from(await res.arrayBuffer());
  return buf.subarray(0, BODY_PREVIEW_BYTES).toString("utf8");
}

function reason(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && e.name === "TimeoutError") return `no response within ${timeoutMs} ms`;
  // fetch wraps the socket error: its code (ECONNREFUSED) or message ("bad port") is the news.
  const cause =
    e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string" && e instanceof Error)
    return `${e.message}: ${cause.message}`;
  return e instanceof Error ? e.message : String(e);
}

async function attempt(url: string, spec: HealthSpec, n: number, signal: AbortSignal): Promise<HealthReport> {
  const started = performance.now();
  const base = { ok: false, url, attempts: n, expected: spec.status };
  try {
    const res = await fetch(url, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(spec.timeoutMs)]),
      redirect: "manual",
      headers: { "user-agent": "apiship-health-check" },
    });
    const ok = res.status === spec.status;
    const body = ok ? undefined : await preview(res);
    if (ok) await res.body?.cancel();
    const latencyMs = Math.round(performance.now() - started);
    return { ...base, ok, status: res.status, latencyMs, ...(body === undefined ? {} : { body }) };
  } catch (e) {
    const latencyMs = Math.round(performance.now() - started);
    return { ...base, latencyMs, error: reason(e, spec.timeoutMs) };
  }
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
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
    last = await attempt(url, spec, n, opts.signal);
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
  const got = r.status !== undefined ? `${r.status}` : (r.error ?? "no response");
  const body = r.body ? `: ${JSON.stringify(r.body)}` : "";
  return `GET ${r.url}: ${got} after ${r.latencyMs} ms (expected ${r.expected}, attempt ${r.attempts})${body}`;
}
