// The cold-start model (research §4.3). One warm instance with an idle keep-alive T and Poisson
// arrivals at the mean rate λ starts cold exactly when the gap since the previous request exceeds
// T: P(cold) = e^(−λT), so N·e^(−λT) cold starts a month. A warm pool (min instances,
// provisioned concurrency, always-ready) or an always-on platform removes that term. Scale-out
// adds one cold start per instance started above those already warm, at one peak a day. Real
// traffic is burstier than Poisson, so these are lower bounds for bursty or diurnal traffic.

import { parseRuntime } from "../manifest/runtimes.js";
import { busyInstances, instancesForRate } from "./concurrency.js";
import type { ColdStartProfile } from "./model.js";
import { HOURS_PER_MONTH, SECONDS_PER_MONTH, meanRate } from "./month.js";
import type { PriceBook } from "./price-book.js";
import type { ColdStartEstimate, EstimateInput } from "./types.js";

/** Peaks a month the scale-out term assumes: one a day in the 730-hour month. */
export const PEAKS_PER_MONTH = HOURS_PER_MONTH / 24;

/** The runtime family or package kind a cold-start latency is looked up by. */
export function latencyKey(input: EstimateInput): string {
  if (input.service.kind === "container") return "container";
  const rt = input.service.function?.runtime;
  return (rt && parseRuntime(rt)?.family) ?? "unknown";
}

function fmt(n: number): string {
  if (n === 0) return "0";
  if (n >= 1000) return Math.round(n).toLocaleString("en-US");
  return Number(n.toPrecision(3)).toString();
}

export function computeColdStart(
  input: EstimateInput,
  prices: PriceBook,
  p: ColdStartProfile,
): ColdStartEstimate {
  const t = input.traffic;
  const data = prices.coldStart(input.platform);
  const assumptions = [...p.assumptions];
  const warnings = [...p.warnings];
  const lambda = meanRate(t.monthlyRequests);
  const d = t.meanDurationMs / 1000;
  const L = lambda * d;
  const c = Math.max(1, p.concurrency);
  const cEff = Math.max(1, c * (p.utilization ?? 1));
  assumptions.push(
    `arrivals are Poisson at the mean rate λ = ${fmt(t.monthlyRequests)} requests / ${fmt(SECONDS_PER_MONTH)} s (a ${HOURS_PER_MONTH}-hour month) = ${fmt(lambda)}/s; mean requests in flight λ × d = ${fmt(L)}`,
  );

  const keepAlive = p.alwaysOn ? null : (data?.keepAliveSeconds ?? null);
  let pColdIdle = 0;
  if (p.alwaysOn) {
    assumptions.push(
      `always on: at least one instance runs, so no request waits for an idle instance to start`,
    );
  } else if (keepAlive === null) {
    warnings.push(`no keep-alive figure for ${input.platform}: idle cold starts are not estimated`);
  } else if (p.warmPool >= 1) {
    assumptions.push(
      `${p.warmPool} instance${p.warmPool === 1 ? " is" : "s are"} kept warm, so requests within it never wait for an idle instance`,
    );
  } else {
    pColdIdle = Math.exp(-lambda * keepAlive);
    assumptions.push(
      `an idle instance is kept ${fmt(keepAlive)} s (${keepAliveNote(data)}); P(cold) = e^(−λT) = e^(−${fmt(lambda)} × ${fmt(keepAlive)}) = ${fmt(pColdIdle)}`,
    );
  }
  const idleColdStartsPerMonth = t.monthlyRequests * pColdIdle;

  // Scale-out: instances needed at the daily peak above those warm before it.
  const needed = Math.max(0, instancesForRate(t.peakRps, d, cEff));
  const atPeak = Math.min(needed, p.maxInstances);
  const warmAtMean =
    p.alwaysOn || (keepAlive !== null && lambda * keepAlive >= 1)
      ? Math.max(1, Math.ceil(busyInstances(L, cEff) - 1e-9))
      : 0;
  const warmBefore = Math.max(p.warmPool, warmAtMean);
  const started = p.scalesOut ? Math.max(0, atPeak - warmBefore) : 0;
  const scaleOutStartsPerMonth = started * PEAKS_PER_MONTH;
  if (p.scalesOut) {
    assumptions.push(
      `one peak a day (${fmt(PEAKS_PER_MONTH)} a month) at ${t.peakRps} requests/s needs ${atPeak} instance${atPeak === 1 ? "" : "s"}; ${warmBefore} ${warmBefore === 1 ? "is" : "are"} warm before it, so ${started} start${started === 1 ? "s" : ""} per peak`,
    );
  } else {
    assumptions.push(
      `the instance count is fixed: nothing starts at peak (capacity is checked in the cost estimate)`,
    );
  }
  const scaleOutCold = p.requestWaits ? scaleOutStartsPerMonth : 0;
  if (!p.requestWaits && started > 0)
    assumptions.push(
      `new instances take traffic only once their health check passes, so no request waits for one to start`,
    );
  const coldStartsPerMonth = idleColdStartsPerMonth + scaleOutCold;
  const pCold = t.monthlyRequests > 0 ? Math.min(1, coldStartsPerMonth / t.monthlyRequests) : 0;

  const key = latencyKey(input);
  // Only where a request can wait for a start: a scale-to-zero platform, or one whose requests
  // wait for instances added at peak. Elsewhere no request ever sees a start.
  const canWait = !p.alwaysOn || (p.requestWaits && p.scalesOut);
  const init = canWait ? (data?.initMs?.[key] ?? data?.initMs?.["*"]) : undefined;
  const addedLatencyMs = init ?? null;
  if (!canWait) {
    assumptions.push("no request waits for an instance to start, so no cold-start latency applies");
  } else if (addedLatencyMs !== null) {
    assumptions.push(
      `a cold start adds ${fmt(addedLatencyMs)} ms for ${key === "container" ? "a container image" : key}${data?.initMsNote ? ` (${data.initMsNote})` : ""}`,
    );
  } else if (coldStartsPerMonth > 0) {
    warnings.push(`no measured cold-start latency for ${key} on ${input.platform}`);
  }
  return {
    platform: input.platform,
    keepAliveSeconds: keepAlive,
    warmPool: p.warmPool,
    concurrency: c,
    arrivalRate: lambda,
    meanConcurrency: L,
    pColdIdle,
    idleColdStartsPerMonth,
    scaleOutStartsPerMonth,
    coldStartsPerMonth,
    pCold,
    addedLatencyMs,
    addedLatencyVerified: addedLatencyMs !== null && data?.initMsVerified === true,
    warnings,
    assumptions,
  };
}

function keepAliveNote(data: ReturnType<PriceBook["coldStart"]>): string {
  const how = data?.verified === false ? "assumed, not confirmed" : "measured or documented";
  return data?.source ? `${how}: ${data.source}` : how;
}
