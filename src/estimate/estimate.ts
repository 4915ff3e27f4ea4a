// The entry points: a cost breakdown, a cold-start estimate, or both, for one target. Pure: the
// price book is loaded by the caller (load.ts), nothing here reads a clock, a file or the network.

import { UsageError } from "../errors.js";
import { Bill } from "./bill.js";
import { computeColdStart } from "./coldstart.js";
import type { ModelContext, PlatformModel } from "./model.js";
import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from "./month.js";
import type { PriceBook } from "./price-book.js";
import { platformModel } from "./registry.js";
import type { ColdStartEstimate, CostBreakdown, Estimate, EstimateInput, FreeTierMode } from "./types.js";

export interface CostOptions {
  /** Default "apply": promotional free tiers are subtracted, and the other total is shown beside. */
  freeTier?: FreeTierMode;
}

function modelFor(platform: string): PlatformModel {
  const m = platformModel(platform);
  if (!m)
    throw new UsageError(`no cost model for the platform ${platform}`, {
      hint: "estimates cover the built-in platforms (`apiship providers`); a plugin platform has none",
    });
  return m;
}

interface Run {
  bill: Bill;
  sized: ReturnType<PlatformModel["cost"]>;
  warnings: string[];
  assumptions: string[];
  complete: boolean;
}

function run(model: PlatformModel, input: EstimateInput, prices: PriceBook, mode: FreeTierMode): Run {
  const out: Run = {
    bill: new Bill(prices, mode),
    sized: { instancesAtPeak: 0, instancesNeededAtPeak: 0 },
    warnings: [],
    assumptions: [],
    complete: true,
  };
  const ctx: ModelContext = {
    platform: input.platform,
    traffic: input.traffic,
    service: input.service,
    options: input.options,
    prices,
    bill: out.bill,
    warn: (m) => void (out.warnings.includes(m) || out.warnings.push(m)),
    incomplete: (m) => {
      out.complete = false;
      if (!out.warnings.includes(m)) out.warnings.push(m);
    },
    assume: (m) => void (out.assumptions.includes(m) || out.assumptions.push(m)),
  };
  out.sized = model.cost(ctx);
  return out;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The monthly cost of one target under its traffic, line by line, each line traced to a price id. */
export function estimateCost(input: EstimateInput, prices: PriceBook, opts: CostOptions = {}): CostBreakdown {
  const mode = opts.freeTier ?? "apply";
  const model = modelFor(input.platform);
  const r = run(model, input, prices, mode);
  const other = run(model, input, prices, mode === "apply" ? "ignore" : "apply");
  const lines = r.bill.lines;
  const fixedMonthly = sum(lines.filter((l) => l.fixed).map((l) => l.amount));
  const variableMonthly = sum(lines.filter((l) => !l.fixed).map((l) => l.amount));
  const assumptions = [
    `a month is ${HOURS_PER_MONTH} hours (${SECONDS_PER_MONTH.toLocaleString("en-US")} s), as Infracost counts it`,
    ...r.assumptions,
  ];
  if (mode === "apply" && lines.some((l) => l.freeTierId))
    assumptions.push(
      "free tiers are per account or billing account: other services using them leave less for this one",
    );
  for (const id of new Set(lines.map((l) => l.priceId))) {
    const p = prices.price(id);
    // A zero placeholder (a price that is the user's to set) is reported by its model instead.
    if (p.verified === false && !p.overriddenBy && p.value !== 0)
      r.warnings.push(
        `${id} ($${p.value} ${p.unit.slice(4)}) is not confirmed against its source${p.note ? `: ${p.note}` : ""}`,
      );
  }
  return {
    platform: input.platform,
    currency: "USD",
    freeTier: mode,
    lines,
    fixedMonthly,
    variableMonthly,
    total: fixedMonthly + variableMonthly,
    totalOtherFreeTierMode: sum(other.bill.lines.map((l) => l.amount)),
    instancesAtPeak: r.sized.instancesAtPeak,
    instancesNeededAtPeak: r.sized.instancesNeededAtPeak,
    complete: r.complete,
    warnings: r.warnings,
    assumptions,
  };
}

/** Expected cold starts a month and the latency they add, for one target under its traffic. */
export function estimateColdStarts(input: EstimateInput, prices: PriceBook): ColdStartEstimate {
  const model = modelFor(input.platform);
  return computeColdStart(input, prices, model.coldStart(input, prices));
}

/** Cost and cold starts together. */
export function estimate(input: EstimateInput, prices: PriceBook, opts: CostOptions = {}): Estimate {
  return { cost: estimateCost(input, prices, opts), coldStart: estimateColdStarts(input, prices) };
}

/** The assumptions behind an estimate as text lines, for `--explain`. */
export function explain(e: Estimate): string[] {
  const cost = e.cost.assumptions.map((a) => `cost: ${a}`);
  const cold = e.coldStart.assumptions.map((a) => `cold starts: ${a}`);
  const warn = [...e.cost.warnings, ...e.coldStart.warnings].map((w) => `warning: ${w}`);
  const lines = e.cost.lines.map(
    (l) =>
      `line: ${l.label}: ${fmtQty(l.quantity)} ${l.unit}${l.freeQuantity > 0 ? ` (${fmtQty(l.freeQuantity)} free, ${l.freeTierId})` : ""} × $${l.unitPrice} [${l.priceId}] = $${l.amount.toFixed(2)}`,
  );
  return [...cost, ...lines, ...cold, ...warn];
}

function fmtQty(q: number): string {
  return Number.isInteger(q)
    ? q.toLocaleString("en-US")
    : Number(q.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}
