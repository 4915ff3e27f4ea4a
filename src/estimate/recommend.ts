// `apiship recommend` (issue 21 item 6), the pure half: which platforms can run a service, each
// one's estimate under the service's traffic, why each loses (fit, latency budget at p99, money
// budget), the ranking by monthly cost, the traffic at which always-on becomes cheaper than
// scale-to-zero, and the cost curves the chart draws. The CLI hands in the platforms'
// descriptors (src/ never imports providers/) and the loaded price book.

import { Document, Scalar } from "yaml";
import type { PlatformInfo } from "../core/provider.js";
import { normalizeRuntime } from "../manifest/runtimes.js";
import type { TargetSpec } from "../manifest/types.js";
import { estimate, estimateCost } from "./estimate.js";
import { meanRate } from "./month.js";
import type { PriceBook } from "./price-book.js";
import { platformModel } from "./registry.js";
import type { EstimateService, FreeTierMode, TrafficSpec } from "./types.js";

/** What recommend reads of a platform: its descriptor's data and its options schema. */
export type CandidatePlatform = Pick<
  PlatformInfo,
  "id" | "provider" | "platform" | "kinds" | "runtimes" | "limits" | "capabilities" | "options"
>;

/** The service as recommend sees it: what an estimate reads, plus what the fit checks read. */
export type RecommendService = EstimateService & {
  timeoutMs?: number;
  function?: { runtime: string; interface?: "native" | "portable" };
};

/** One platform with the options it would be estimated with. */
export interface Candidate {
  platform: string;
  provider: string;
  /** The platform's short name (the manifest's `platform:`). */
  short: string;
  /** The manifest's target on this platform, when there is one (its options are used). */
  target?: string;
  /** The options the model reads: the target's, or the schema's defaults plus placeholders. */
  options: Record<string, unknown>;
  /** Options a `targets:` block must write (required ones and those that differ from defaults). */
  snippetOptions: Record<string, unknown>;
  /** Option keys filled with placeholder values for the estimate (region, project, ...). */
  placeholders: string[];
  scalesToZero: boolean;
  /** Why the platform cannot run the service; empty when it can. */
  unfit: string[];
}

// Values for required options apiship cannot know. Regions come from the price table, so the
// figures are the table's; DigitalOcean prices every region alike and its table names none.
const PLACEHOLDER: Record<string, string> = {
  project: "my-project",
  subscription: "00000000-0000-0000-0000-000000000000",
  resourceGroup: "my-resource-group",
  cluster: "my-cluster",
};
const REGION_FALLBACK: Record<string, string> = {
  "digitalocean/app-platform": "nyc",
  "digitalocean/droplet": "nyc1",
  "digitalocean/functions": "nyc1",
};

/** The region most of a provider's prices are quoted for (the table's reference region). */
export function tableRegion(prices: PriceBook, provider: string): string | undefined {
  const count = new Map<string, number>();
  for (const p of prices.prices(provider)) if (p.region) count.set(p.region, (count.get(p.region) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

function placeholderFor(p: CandidatePlatform, key: string, prices: PriceBook): string | undefined {
  if (key === "region" || key === "location") return tableRegion(prices, p.provider) ?? REGION_FALLBACK[p.id];
  return PLACEHOLDER[key];
}

type Defaults = { options: Record<string, unknown>; placeholders: string[] } | { missing: string[] };

/** The platform's options schema applied to `{}`, with placeholders for required keys. */
export function defaultOptions(p: CandidatePlatform, prices: PriceBook): Defaults {
  const given: Record<string, unknown> = {};
  const placeholders: string[] = [];
  for (let round = 0; round < 2; round++) {
    const r = p.options.safeParse(given);
    if (r.success) return { options: r.data as Record<string, unknown>, placeholders };
    const keys = [...new Set(r.error.issues.map((i) => String(i.path[0] ?? "")))];
    const missing = keys.filter((k) => !k || given[k] !== undefined || !placeholderFor(p, k, prices));
    if (missing.length > 0 || round === 1) return { missing: keys };
    for (const k of keys) {
      given[k] = placeholderFor(p, k, prices);
      placeholders.push(k);
    }
  }
  return { missing: [] };
}

/** Why a platform cannot run the service: kind, runtime, limits, and a known plan-time refusal. */
export function fitProblems(p: CandidatePlatform, svc: RecommendService): string[] {
  if (!p.kinds.includes(svc.kind)) return [`takes ${p.kinds.join(" or ")}, not a ${svc.kind}`];
  const out: string[] = [];
  const rt = svc.function?.runtime;
  if (svc.kind === "function" && rt && p.runtimes) {
    const runs = p.runtimes.map(normalizeRuntime);
    if (!runs.includes(normalizeRuntime(rt))) out.push(`runs ${runs.join(", ")}, not ${rt}`);
  }
  const range = (
    what: string,
    v: number | undefined,
    r: readonly [number, number] | undefined,
    unit: string,
  ) => {
    if (v !== undefined && r && (v < r[0] || v > r[1]))
      out.push(`${what} ${v} ${unit} is outside ${r[0]}–${r[1]} ${unit}`);
  };
  range("memory", svc.resources.memory, p.limits.memory, "MiB");
  range("cpu", svc.resources.cpu, p.limits.cpu, "vCPU");
  if (p.limits.timeoutMs !== undefined && svc.timeoutMs !== undefined && svc.timeoutMs > p.limits.timeoutMs)
    out.push(`timeout ${svc.timeoutMs} ms is longer than its ${p.limits.timeoutMs} ms`);
  if (p.limits.maxInstances !== undefined && svc.scaling.max > p.limits.maxInstances)
    out.push(`scaling.max ${svc.scaling.max} is more than its ${p.limits.maxInstances} instances`);
  // providers/digitalocean/app-spec.ts refuses this at plan time; no descriptor field says so.
  if (p.id === "digitalocean/app-platform" && svc.function?.interface === "portable")
    out.push(
      "builds function.source from git, so a portable handler gets no generated entry (plan refuses it)",
    );
  if (p.provider === "local") out.push("runs on this machine: not a hosting platform");
  return out;
}

/** Options that differ from the platform's defaults, plus the required ones: a minimal block. */
function minimalOptions(options: Record<string, unknown>, defaults: Defaults): Record<string, unknown> {
  if ("missing" in defaults) return options;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options))
    if (defaults.placeholders.includes(k) || JSON.stringify(defaults.options[k]) !== JSON.stringify(v))
      out[k] = v;
  return out;
}

/**
 * One candidate per manifest target on a platform with a cost model, and one with default
 * options for every other such platform. Platforms without a model (a plugin's) are skipped
 * unless the manifest uses them, where they lose with the reason.
 */
export function candidates(
  platforms: readonly CandidatePlatform[],
  targets: readonly TargetSpec[],
  svc: RecommendService,
  prices: PriceBook,
): Candidate[] {
  const out: Candidate[] = [];
  for (const p of [...platforms].sort((a, b) => a.id.localeCompare(b.id))) {
    const modelled = platformModel(p.id) !== undefined;
    const mine = targets.filter((t) => `${t.provider}/${t.platform}` === p.id);
    if (!modelled && mine.length === 0) continue;
    const unfit = fitProblems(p, svc);
    if (!modelled) unfit.push("has no cost model (a plugin platform)");
    const defaults = defaultOptions(p, prices);
    const base = {
      platform: p.id,
      provider: p.provider,
      short: p.platform,
      scalesToZero: p.capabilities.scalesToZero,
    };
    for (const t of mine)
      out.push({
        ...base,
        target: t.name,
        options: t.options,
        snippetOptions: minimalOptions(t.options, defaults),
        placeholders: [],
        unfit: [...unfit],
      });
    if (mine.length > 0) continue;
    if ("missing" in defaults)
      out.push({
        ...base,
        options: {},
        snippetOptions: {},
        placeholders: [],
        unfit: [...unfit, `needs options apiship cannot guess: ${defaults.missing.join(", ")}`],
      });
    else
      out.push({
        ...base,
        options: defaults.options,
        snippetOptions: minimalOptions(defaults.options, defaults),
        placeholders: defaults.placeholders,
        unfit,
      });
  }
  return out;
}

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

/**
 * The `targets:` block for a candidate: provider, platform and the options that differ from the
 * platform's defaults. Placeholder values carry a comment saying they are to be replaced.
 */
export function targetSnippet(c: Candidate): string {
  const block: Record<string, unknown> = { provider: c.provider, platform: c.short, ...c.snippetOptions };
  const name = c.target ?? c.short;
  const doc = new Document({ targets: { [name]: block } });
  for (const key of c.placeholders) {
    const node = doc.getIn(["targets", name, key], true);
    if (node instanceof Scalar)
      node.comment =
        key !== "region" && key !== "location"
          ? ` placeholder: set yours`
          : node.value === REGION_FALLBACK[c.platform]
            ? ` placeholder: priced the same in every region; set yours`
            : ` placeholder: the price table's region, which the figures are for; set yours`;
  }
  return doc.toString({ lineWidth: 0 });
}
