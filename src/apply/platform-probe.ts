// `health.probe: platform`: the check after a deploy asks the platform instead of the endpoint
// (ALB/ECS rollout state, Kubernetes readiness, Cloud Run's Ready condition), through the
// adapter's status(). For endpoints the deploying machine cannot reach: an internal load
// balancer, a ClusterIP Service, a private function. "ready" passes; anything else is retried
// with the same attempts and interval as the HTTP check.

import type { HealthSpec } from "../manifest/types.js";
import type { StatusReport } from "../core/provider.js";
import { defaultSleep } from "./health.js";
import type { HealthCheckOptions } from "./health.js";
import type { HealthReport } from "./types.js";

export type StatusCall = (signal: AbortSignal) => Promise<StatusReport>;

function reportOf(
  what: string,
  spec: HealthSpec,
  n: number,
  started: number,
  r: StatusReport | Error,
): HealthReport {
  const latencyMs = Math.round(performance.now() - started);
  const base = { url: what, attempts: n, expected: spec.status, latencyMs, via: "platform" as const };
  if (r instanceof Error) return { ...base, ok: false, error: r.message };
  const detail = r.detail ? `: ${r.detail}` : "";
  return { ...base, ok: r.health === "ready", error: `${r.health}${detail}` };
}

/** Polls `status` until it reports ready or the attempts run out; never throws. */
export async function checkPlatformHealth(
  what: string,
  status: StatusCall,
  spec: HealthSpec,
  opts: Pick<HealthCheckOptions, "signal" | "onAttempt" | "sleep">,
): Promise<HealthReport> {
  const attempts = Math.max(1, spec.attempts);
  const sleep = opts.sleep ?? defaultSleep;
  let last: HealthReport | undefined;
  for (let n = 1; n <= attempts; n++) {
    const started = performance.now();
    const r = await status(opts.signal).catch((e: unknown) =>
      e instanceof Error ? e : new Error(String(e)),
    );
    last = reportOf(what, spec, n, started, r);
    if (last.ok) delete last.error;
    opts.onAttempt?.(last);
    if (last.ok || opts.signal.aborted) return last;
    if (n < attempts) await sleep(spec.intervalMs, opts.signal);
  }
  return last ?? { ok: false, url: what, attempts: 0, expected: spec.status, latencyMs: 0, via: "platform" };
}
