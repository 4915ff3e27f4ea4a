// The Estimates section of a plan's views (issue 21), shared by the terminal and Markdown
// renderers: per target the monthly cost, the change against what is deployed, and cold starts.

import type { Plan, TargetEstimate } from "../types.js";

export const money = (n: number) => `$${n.toFixed(2)}`;

const signed = (n: number) => `${n >= 0 ? "+" : "−"}${money(Math.abs(n))}`;

export function percent(p: number): string {
  if (p === 0) return "0%";
  if (p < 0.0001) return "<0.01%";
  return `${(p * 100).toFixed(p < 0.01 ? 2 : 1)}%`;
}

/** "0.8% of requests, ~790 a month, +139 ms" or "none (always on)". */
export function coldStartText(e: TargetEstimate): string {
  const c = e.coldStart;
  if (c.perMonth === 0) return c.keepAliveSeconds === null ? "none (always on)" : "none expected";
  const latency = c.addedLatencyMs === null ? "" : `, +${Math.round(c.addedLatencyMs)} ms each`;
  return `${percent(c.pCold)} of requests, ~${c.perMonth.toLocaleString("en-US")} a month${latency}`;
}

export function costText(e: TargetEstimate): string {
  const other = e.freeTier === "apply" ? "without free tiers" : "with free tiers";
  const was =
    e.deployedMonthly !== undefined && e.deltaMonthly !== undefined
      ? `; deployed options ${money(e.deployedMonthly)} (${signed(e.deltaMonthly)})`
      : "";
  return `${money(e.monthly)} (${other} ${money(e.otherFreeTierMonthly)})${was}${e.complete ? "" : ", incomplete"}`;
}

export function sortedEstimates(plan: Plan): [string, TargetEstimate][] {
  return Object.entries(plan.estimates ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

export const estimatesTitle = (plan: Plan) => {
  const first = sortedEstimates(plan)[0]?.[1];
  return `Estimates (USD a month of 730 hours, free tiers ${first?.freeTier === "ignore" ? "ignored" : "applied"}):`;
};

const UNCONFIRMED = /^(\S+) \(.*?\) is not confirmed against its source/;

/** The warnings with "price X is not confirmed" folded into one line naming them all. */
export function foldedWarnings(e: TargetEstimate): string[] {
  const ids = e.warnings.flatMap((w) => UNCONFIRMED.exec(w)?.[1] ?? []);
  const rest = e.warnings.filter((w) => !UNCONFIRMED.test(w));
  return ids.length > 0
    ? [...rest, `prices not confirmed against their source (see apiship prices): ${ids.join(", ")}`]
    : rest;
}
