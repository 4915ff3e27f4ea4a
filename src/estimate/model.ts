// The contract between the estimate entry points (estimate.ts) and the per-provider models
// (models/*.ts), and the small helpers every model shares. A model is pure: traffic, service,
// options and prices in, lines and instance counts out.

import type { Bill } from "./bill.js";
import { busyInstances, instancesForRate } from "./concurrency.js";
import { meanRate } from "./month.js";
import type { PriceBook } from "./price-book.js";
import type { EstimateInput, EstimateService, TrafficSpec } from "./types.js";

export interface ModelContext {
  platform: string;
  traffic: TrafficSpec;
  service: EstimateService;
  options: Record<string, unknown>;
  prices: PriceBook;
  bill: Bill;
  /** Something the user should know about this estimate. */
  warn(message: string): void;
  /** A part that could not be priced: a warning, and the breakdown is marked incomplete. */
  incomplete(message: string): void;
  /** An assumption of the model, printed with `--explain`. */
  assume(message: string): void;
}

export interface PeakSizing {
  /** Instances busy at peak, bounded by the most the target runs. */
  instancesAtPeak: number;
  /** Instances the peak needs. */
  instancesNeededAtPeak: number;
}

export type CostModel = (ctx: ModelContext) => PeakSizing;

/** What the cold-start model needs to know of a platform for one target. */
export interface ColdStartProfile {
  /** Never idles out: no idle cold starts (Fargate, App Service with Always On, dynos, ...). */
  alwaysOn: boolean;
  /** Instances kept warm (provisioned concurrency, min instances, always-ready, always-on count). */
  warmPool: number;
  /** Requests one instance serves at once. */
  concurrency: number;
  /** Share of that concurrency the autoscaler fills before adding an instance (Cloud Run: 0.6). */
  utilization?: number;
  /** Most instances (Infinity when the platform sets no bound apiship knows). */
  maxInstances: number;
  /** Whether instances are added at peak at all (a fixed count does not scale out). */
  scalesOut: boolean;
  /** A request waits for a starting instance (serverless), rather than queueing on warm ones. */
  requestWaits: boolean;
  assumptions: string[];
  warnings: string[];
}

export type ColdStartProfileFn = (input: EstimateInput, prices: PriceBook) => ColdStartProfile;

export interface PlatformModel {
  platform: string;
  cost: CostModel;
  coldStart: ColdStartProfileFn;
}

// --- options, read defensively: src/ never imports a platform's zod schema ------------------

export function optString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

export function optNumber(o: Record<string, unknown>, key: string): number | undefined {
  const v = o[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function optBoolean(o: Record<string, unknown>, key: string): boolean | undefined {
  const v = o[key];
  return typeof v === "boolean" ? v : undefined;
}

export function optRecord(o: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = o[key];
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

// --- traffic ---------------------------------------------------------------------------------

export const GIB = 1024;

/** Mean duration in seconds. */
export function durationSeconds(t: TrafficSpec): number {
  return t.meanDurationMs / 1000;
}

/** A duration as billed: rounded up to `granularityMs`, at least `minimumMs`. */
export function billedMs(ms: number, granularityMs: number, minimumMs = 0): number {
  return Math.max(minimumMs, Math.ceil(ms / granularityMs - 1e-9) * granularityMs);
}

/**
 * Instances busy at peak, bounded by `max`, with a warning when the bound is too low. `what`
 * names the bound for the user ("scaling.max", "the plan's 3 instances").
 */
export function peakSizing(
  ctx: ModelContext,
  concurrency: number,
  max: number,
  what = "scaling.max",
): PeakSizing {
  const d = durationSeconds(ctx.traffic);
  const needed = Math.max(0, instancesForRate(ctx.traffic.peakRps, d, concurrency));
  const atPeak = Math.min(needed, max);
  if (needed > max) {
    const served = Math.floor((max * Math.max(1, concurrency)) / d);
    ctx.warn(
      `at the peak of ${ctx.traffic.peakRps} requests/s, ${needed} instances are needed (${concurrency} request${concurrency === 1 ? "" : "s"} each, ${ctx.traffic.meanDurationMs} ms per request) but ${what} allows ${max}: about ${served} requests/s are served, the rest queue or are refused`,
    );
  }
  ctx.assume(
    `instances at peak: ceil(${ctx.traffic.peakRps} requests/s × ${d} s / ${concurrency}) = ${needed}${needed > max ? `, bounded by ${what} to ${max}` : ""}`,
  );
  return { instancesAtPeak: atPeak, instancesNeededAtPeak: needed };
}

/** The egress line, when traffic gives egressGb and the provider has a price for it. */
export function egressLine(ctx: ModelContext, priceId: string, label = "Data transfer out"): void {
  const gb = ctx.traffic.egressGb;
  if (gb === undefined || gb === 0) return;
  ctx.bill.add({ label, quantity: gb, priceId, fixed: false });
}

/** A warning when a table's reference region differs from the target's region. */
export function regionCheck(ctx: ModelContext, priceId: string, region: string | undefined): void {
  const ref = ctx.prices.price(priceId).region;
  if (ref === undefined || region === undefined || region === ref) return;
  ctx.warn(
    `prices are ${ref} list prices; ${region} may be priced differently (override them with --prices)`,
  );
}

/** Memory in GB (1 GB = 1,024 MiB, as the providers bill it). */
export function memoryGb(service: EstimateService): number {
  return service.resources.memory / GIB;
}

/** Requests one always-on instance serves at once when the manifest gives no scaling.concurrency. */
export const DEFAULT_SERVER_CONCURRENCY = 80;

/** One always-on instance that never scales out (a Droplet, a local process): no cold starts. */
export function singleInstanceColdStart(assumption: string): ColdStartProfileFn {
  return (input) => ({
    alwaysOn: true,
    warmPool: 1,
    concurrency: input.service.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY,
    maxInstances: 1,
    scalesOut: false,
    requestWaits: false,
    assumptions: [assumption],
    warnings: [],
  });
}

/** Always-on instances: scaling.min (at least one), or more when the mean load needs them. */
export function alwaysOnCount(
  ctx: ModelContext,
  concurrency: number,
  floor = 1,
  max = ctx.service.scaling.max,
): { base: number; fixed: number } {
  const fixed = Math.max(floor, ctx.service.scaling.min);
  const L = meanRate(ctx.traffic.monthlyRequests) * durationSeconds(ctx.traffic);
  const byLoad = Math.ceil(busyInstances(L, concurrency) - 1e-9);
  const base = Math.min(Math.max(fixed, byLoad), Math.max(fixed, max));
  if (base > fixed)
    ctx.assume(
      `the mean load (${L.toFixed(2)} requests in flight, ${concurrency} per instance) keeps ${base} instances running, above scaling.min`,
    );
  return { base, fixed };
}
