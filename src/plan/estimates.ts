// The plan's Estimates section (issue 21): per target, the monthly cost of what the manifest
// asks for, the change against the options the target is deployed with (as Infracost diffs a
// plan), and its cold-start exposure, from src/estimate. Only when the service has a `traffic`
// block: an estimate is never made from invented traffic. The estimate module and the price
// tables are loaded only then.

import type { Stack } from "../manifest/types.js";
import type { StackState } from "../state/store.js";
import type { PlanDiagnostic, TargetEstimate } from "./types.js";

export interface EstimateOptions {
  /** `--prices FILE`: the user's rates over the shipped tables. */
  pricesFile?: string;
  freeTier: "apply" | "ignore";
  now: Date;
}

const cents = (n: number) => Math.round(n * 100) / 100;

export async function estimatePlan(
  stack: Stack,
  state: StackState | undefined,
  targets: readonly string[],
  opts: EstimateOptions,
): Promise<{ estimates: Record<string, TargetEstimate>; diagnostics: PlanDiagnostic[] }> {
  const traffic = stack.service.traffic;
  if (!traffic) return { estimates: {}, diagnostics: [] };
  const est = await import("../estimate/index.js");
  const book = await est.loadPriceBook(opts.pricesFile ? { overrideFile: opts.pricesFile } : {});
  const modelled = new Set(est.estimatedPlatforms());
  const estimates: Record<string, TargetEstimate> = {};
  const diagnostics: PlanDiagnostic[] = [];
  const used = new Set<string>();
  for (const spec of stack.targets.filter((t) => targets.includes(t.name))) {
    const platform = `${spec.provider}/${spec.platform}`;
    if (!modelled.has(platform)) {
      diagnostics.push({
        severity: "warning",
        code: "estimate-unavailable",
        path: `targets.${spec.name}`,
        target: spec.name,
        message: `no cost model for ${platform}: target ${spec.name} has no estimate`,
        hint: "estimates cover the built-in platforms; a plugin's platform is not priced",
      });
      continue;
    }
    const e = est.estimate({ platform, traffic, service: stack.service, options: spec.options }, book, {
      freeTier: opts.freeTier,
    });
    for (const l of e.cost.lines) used.add(l.priceId);
    const out: TargetEstimate = {
      currency: "USD",
      freeTier: opts.freeTier,
      monthly: cents(e.cost.total),
      otherFreeTierMonthly: cents(e.cost.totalOtherFreeTierMode),
      fixedMonthly: cents(e.cost.fixedMonthly),
      variableMonthly: cents(e.cost.variableMonthly),
      complete: e.cost.complete,
      instancesAtPeak: e.cost.instancesAtPeak,
      lines: e.cost.lines.map((l) => ({
        label: l.label,
        quantity: l.quantity,
        unit: l.unit,
        priceId: l.priceId,
        amount: cents(l.amount),
      })),
      coldStart: {
        pCold: e.coldStart.pCold,
        perMonth: Math.round(e.coldStart.coldStartsPerMonth),
        keepAliveSeconds: e.coldStart.keepAliveSeconds,
        warmPool: e.coldStart.warmPool,
        addedLatencyMs: e.coldStart.addedLatencyMs,
      },
      warnings: [...e.cost.warnings, ...e.coldStart.warnings],
      explain: est.explain(e),
    };
    // What it costs as deployed: the recorded options (same traffic and service), when they differ.
    const record = state?.targets[spec.name];
    if (
      record?.options &&
      record.platform === platform &&
      JSON.stringify(record.options) !== JSON.stringify(spec.options)
    ) {
      const before = est.estimateCost(
        { platform, traffic, service: stack.service, options: record.options },
        book,
        { freeTier: opts.freeTier },
      );
      out.deployedMonthly = cents(before.total);
      out.deltaMonthly = cents(e.cost.total - before.total);
    }
    estimates[spec.name] = out;
  }
  const stale = est.stalePrices(book, opts.now, [...used]);
  if (stale.length > 0)
    diagnostics.push({
      severity: "warning",
      code: "prices-stale",
      path: "service.traffic",
      message: `${stale.length} price(s) behind these estimates are more than ${est.STALE_AFTER_DAYS} days old: ${stale
        .slice(0, 4)
        .map((s) => s.id)
        .join(", ")}${stale.length > 4 ? ", ..." : ""}`,
      hint: "check them with `apiship prices`, and pass current or negotiated rates with --prices FILE",
    });
  return { estimates, diagnostics };
}
