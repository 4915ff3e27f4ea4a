// `apiship recommend` (issue 21 item 6), the pure half: each candidate's estimate under the
// service's traffic, why each loses (fit, latency budget at p99, money budget), the ranking by
// monthly cost, the traffic at which always-on becomes cheaper than scale-to-zero, and the cost
// curves the chart draws. The candidates are candidates.ts's; the snippet is snippet.ts's.

import { estimate, estimateCost } from "./estimate.js";
import { meanRate } from "./month.js";
import type { PriceBook } from "./price-book.js";
import type { Candidate, RecommendService } from "./candidates.js";
import type { FreeTierMode, TrafficSpec } from "./types.js";

export { candidates, defaultOptions, fitProblems, tableRegion } from "./candidates.js";
export type { Candidate, CandidatePlatform, RecommendService } from "./candidates.js";
export { targetSnippet } from "./snippet.js";

/** The same traffic profile at another monthly volume: the peak and egress scale with it. */
export function scaleTraffic(t: TrafficSpec, monthlyRequests: number): TrafficSpec {
  const k = t.monthlyRequests > 0 ? monthlyRequests / t.monthlyRequests : 0;
  const peakRps = k > 0 ? t.peakRps * k : Math.max(t.peakRps, meanRate(monthlyRequests));
  const out: TrafficSpec = { ...t, monthlyRequests, peakRps };
  if (t.egressGb !== undefined) out.egressGb = k > 0 ? t.egressGb * k : t.egressGb;
  return out;
}

/** A candidate's monthly total at another monthly volume of the same traffic profile. */
export function costAt(
  c: Candidate,
  svc: RecommendService,
  traffic: TrafficSpec,
  monthlyRequests: number,
  prices: PriceBook,
  freeTier: FreeTierMode,
): number {
  const input = {
    platform: c.platform,
    traffic: scaleTraffic(traffic, monthlyRequests),
    service: svc,
    options: c.options,
  };
  return estimateCost(input, prices, { freeTier }).total;
}

/** P(cold) above which cold starts reach the 99th percentile of latency. */
export const P99_COLD_THRESHOLD = 0.01;

/** p99 latency: the mean duration, plus the cold-start latency when more than 1% start cold. */
export function p99Ms(
  meanDurationMs: number,
  pCold: number,
  addedLatencyMs: number | null,
): { ms: number | null; withColdStart: boolean } {
  if (pCold <= P99_COLD_THRESHOLD) return { ms: meanDurationMs, withColdStart: false };
  return { ms: addedLatencyMs === null ? null : meanDurationMs + addedLatencyMs, withColdStart: true };
}

export interface RankInput {
  service: RecommendService;
  traffic: TrafficSpec;
  candidates: readonly Candidate[];
  /** p99 latency a winner must meet, in ms (cold starts included). */
  latencyBudgetMs?: number;
  /** USD a month a winner may cost. */
  budget?: number;
  freeTier: FreeTierMode;
}

/** One candidate's result: its figures, and why it loses (none for the ranked ones). */
export interface Ranked {
  platform: string;
  provider: string;
  target?: string;
  /** 1 for the winner, 2, 3, ... for the others that meet both budgets; absent for a loser. */
  rank?: number;
  scalesToZero: boolean;
  /** Option keys estimated with placeholder values: the figures are the price table's region's. */
  placeholders: string[];
  /** USD a month with the chosen free-tier mode; null when the platform cannot run the service. */
  monthly: number | null;
  monthlyOtherFreeTier: number | null;
  complete: boolean;
  p99Ms: number | null;
  p99WithColdStart: boolean;
  pCold: number | null;
  coldStartsPerMonth: number | null;
  coldStartMs: number | null;
  losses: string[];
  warnings: string[];
  /** The price ids the estimate used (for the stale-price warning). */
  priceIds: string[];
}

export interface BreakEven {
  alwaysOn: { platform: string; target?: string; monthly: number };
  serverless: { platform: string; target?: string; monthly: number };
  /** Monthly requests above which always-on is cheaper; null when the lines do not cross in range. */
  monthlyRequests: number | null;
  requestsPerSecond: number | null;
  outcome: "crosses" | "always-on-cheaper" | "serverless-cheaper";
  /** The monthly volumes searched. */
  range: [number, number];
}

export interface Recommendation {
  traffic: TrafficSpec;
  latencyBudgetMs?: number;
  budget?: number;
  freeTier: FreeTierMode;
  /** The ranked ones in order, then the losers (priced ones by cost, then those that cannot run it). */
  candidates: Ranked[];
  winner: Ranked | null;
  breakEven: BreakEven | null;
}

export const usd = (n: number): string =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const ms = (n: number): string => `${Math.round(n).toLocaleString("en-US")} ms`;

/** "aws/lambda" or "aws/lambda (target lambda)". */
export function label(c: { platform: string; target?: string }): string {
  return c.target ? `${c.platform} (${c.target})` : c.platform;
}

/** The reason an incomplete estimate gives: its warning naming --prices, else its first. */
function incompleteReason(warnings: readonly string[]): string {
  return warnings.find((w) => w.includes("--prices")) ?? warnings[0] ?? "part of the cost has no price";
}

function evaluate(c: Candidate, input: RankInput, prices: PriceBook): Ranked {
  const head = {
    platform: c.platform,
    provider: c.provider,
    ...(c.target ? { target: c.target } : {}),
    scalesToZero: c.scalesToZero,
    placeholders: c.placeholders,
  };
  if (c.unfit.length > 0)
    return {
      ...head,
      monthly: null,
      monthlyOtherFreeTier: null,
      complete: false,
      p99Ms: null,
      p99WithColdStart: false,
      pCold: null,
      coldStartsPerMonth: null,
      coldStartMs: null,
      losses: c.unfit,
      warnings: [],
      priceIds: [],
    };
  const e = estimate(
    { platform: c.platform, traffic: input.traffic, service: input.service, options: c.options },
    prices,
    { freeTier: input.freeTier },
  );
  const cs = e.coldStart;
  const p99 = p99Ms(input.traffic.meanDurationMs, cs.pCold, cs.addedLatencyMs);
  const losses: string[] = [];
  if (!e.cost.complete) losses.push(`not priced in full: ${incompleteReason(e.cost.warnings)}`);
  const lb = input.latencyBudgetMs;
  if (lb !== undefined && p99.ms === null)
    losses.push(
      `p99 unknown: ${(cs.pCold * 100).toFixed(1)}% of requests start cold and ${c.platform} has no cold-start latency figure (cannot meet the ${ms(lb)} budget for sure)`,
    );
  else if (lb !== undefined && p99.ms !== null && p99.ms > lb)
    losses.push(`p99 ~ ${ms(p99.ms)}${p99.withColdStart ? " with cold starts" : ""} > ${ms(lb)} budget`);
  if (input.budget !== undefined && e.cost.total > input.budget)
    losses.push(`${usd(e.cost.total)} a month > ${usd(input.budget)} budget`);
  return {
    ...head,
    monthly: e.cost.total,
    monthlyOtherFreeTier: e.cost.totalOtherFreeTierMode,
    complete: e.cost.complete,
    p99Ms: p99.ms,
    p99WithColdStart: p99.withColdStart,
    pCold: cs.pCold,
    coldStartsPerMonth: cs.coldStartsPerMonth,
    coldStartMs: cs.addedLatencyMs,
    losses,
    warnings: [...e.cost.warnings, ...cs.warnings],
    priceIds: [...new Set(e.cost.lines.map((l) => l.priceId))],
  };
}

const byCost = (a: Ranked, b: Ranked): number =>
  (a.monthly ?? Infinity) - (b.monthly ?? Infinity) ||
  (a.monthlyOtherFreeTier ?? Infinity) - (b.monthlyOtherFreeTier ?? Infinity) ||
  (a.p99Ms ?? Infinity) - (b.p99Ms ?? Infinity) ||
  label(a).localeCompare(label(b));

/** Every candidate evaluated and ordered: those meeting both budgets by monthly cost, then the rest. */
export function rank(input: RankInput, prices: PriceBook): Ranked[] {
  const all = input.candidates.map((c) => evaluate(c, input, prices));
  const ranked = all.filter((r) => r.losses.length === 0).sort(byCost);
  ranked.forEach((r, i) => (r.rank = i + 1));
  const priced = all.filter((r) => r.losses.length > 0 && r.monthly !== null).sort(byCost);
  const unfit = all.filter((r) => r.monthly === null).sort((a, b) => label(a).localeCompare(label(b)));
  return [...ranked, ...priced, ...unfit];
}

/** Monthly volumes the break-even search covers: 1e3 to 1e10 requests a month. */
export const BREAK_EVEN_RANGE: [number, number] = [1e3, 1e10];

/**
 * Where always-on becomes cheaper than scale-to-zero: the cheapest fully priced candidate of each
 * kind at today's traffic (among those meeting the budgets, when any does), compared over the same profile scaled from 1e3 to 1e10 requests a
 * month. A log grid finds the first crossing, bisection (in log space) pins it down.
 */
export function breakEven(input: RankInput, ranked: readonly Ranked[], prices: PriceBook): BreakEven | null {
  // Those that meet the budgets first: the break-even that matters is the winner's side's.
  const priced = ranked
    .filter((r) => r.monthly !== null && r.complete)
    .sort((x, y) => Number(x.rank === undefined) - Number(y.rank === undefined) || byCost(x, y));
  const a = priced.find((r) => !r.scalesToZero);
  const s = priced.find((r) => r.scalesToZero);
  const find = (r: Ranked | undefined) =>
    r && input.candidates.find((c) => c.platform === r.platform && c.target === r.target);
  const always = find(a);
  const server = find(s);
  if (!a || !s || !always || !server) return null;
  const cost = (c: Candidate, n: number) =>
    costAt(c, input.service, input.traffic, n, prices, input.freeTier);
  const diff = (n: number) => cost(always, n) - cost(server, n);
  const [lo0, hi0] = BREAK_EVEN_RANGE;
  const side = (r: Ranked) => ({
    platform: r.platform,
    ...(r.target ? { target: r.target } : {}),
    monthly: r.monthly ?? 0,
  });
  const result = (outcome: BreakEven["outcome"], n: number | null): BreakEven => ({
    alwaysOn: side(a),
    serverless: side(s),
    monthlyRequests: n,
    requestsPerSecond: n === null ? null : meanRate(n),
    outcome,
    range: [lo0, hi0],
  });
  if (diff(lo0) <= 0) return result("always-on-cheaper", null);
  const steps = 8 * Math.log10(hi0 / lo0);
  let prev = lo0;
  for (let i = 1; i <= steps; i++) {
    const x = lo0 * 10 ** (i / 8);
    if (diff(x) <= 0) {
      let [lo, hi] = [prev, x];
      while (hi / lo > 1 + 1e-6) {
        const mid = Math.sqrt(lo * hi);
        if (diff(mid) <= 0) hi = mid;
        else lo = mid;
      }
      return result("crosses", hi);
    }
    prev = x;
  }
  return result("serverless-cheaper", null);
}

/** Rank, pick the winner and find the break-even. */
export function recommend(input: RankInput, prices: PriceBook): Recommendation {
  const candidates = rank(input, prices);
  return {
    traffic: input.traffic,
    ...(input.latencyBudgetMs !== undefined ? { latencyBudgetMs: input.latencyBudgetMs } : {}),
    ...(input.budget !== undefined ? { budget: input.budget } : {}),
    freeTier: input.freeTier,
    candidates,
    winner: candidates.find((c) => c.rank === 1) ?? null,
    breakEven: breakEven(input, candidates, prices),
  };
}

/** Each candidate's monthly total at each volume, for the chart. */
export function costCurve(
  c: Candidate,
  input: Pick<RankInput, "service" | "traffic" | "freeTier">,
  volumes: readonly number[],
  prices: PriceBook,
): { x: number; y: number }[] {
  return volumes.map((x) => ({ x, y: costAt(c, input.service, input.traffic, x, prices, input.freeTier) }));
}
