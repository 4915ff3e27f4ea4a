import { writeFile } from "node:fs/promises";
import { Flags } from "@oclif/core";
import type { CandidatePlatform, Recommendation, Ranked } from "../../estimate/recommend.js";
import { UsageError } from "../../errors.js";
import { parseDuration } from "../../manifest/durations.js";
import { displayPath } from "../../manifest/format.js";
import type { Kind, Manifest, Stack } from "../../manifest/types.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { loadAll } from "../context.js";
import { envFlag, fileFlag } from "../flags.js";
import { table } from "../output.js";

export interface RecommendResult extends Recommendation {
  /** "<app>/<environment>". */
  stack: string;
  kind: Kind;
  /** The winner's `targets:` block (YAML), or null when nothing meets the budgets. */
  snippet: string | null;
  /** The break-even as a sentence, or null when there is none to compare. */
  breakEvenText: string | null;
  /** The SVG written with --chart. */
  chart?: string;
}

const TRAFFIC_HINT =
  "add a traffic block under service, e.g. `traffic: { monthlyRequests: 3000000, meanDuration: 120ms, peakRps: 25 }` (docs/prices.md)";

/** How many candidates the chart draws (the cheapest, plus the break-even pair). */
const CHART_SERIES = 6;

export default class Recommend extends BaseCommand<RecommendResult> {
  static override summary =
    "Rank every platform that can run the service by monthly cost under a latency budget.";
  static override description =
    "Estimates every built-in platform that takes the service's kind and runtime (not only the manifest's " +
    "targets) under service.traffic, says why each one loses (it cannot run the service, its p99 latency " +
    "with cold starts is over --latency-budget, it costs more than --budget), ranks the rest by monthly " +
    "cost, prints the winner's targets: block, and the traffic at which always-on becomes cheaper than " +
    "scale-to-zero. A platform the manifest does not use is estimated with its default options and the " +
    "price table's region. Never contacts a cloud.";
  static override examples = [
    "<%= config.bin %> recommend",
    "<%= config.bin %> recommend --latency-budget 300ms --budget 50",
    "<%= config.bin %> recommend --providers aws,gcp --chart cost.svg",
    "<%= config.bin %> recommend --env production --free-tier ignore --json",
  ];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    "latency-budget": Flags.string({
      description: 'Most p99 latency a winner may have, cold starts included ("300ms", "1s").',
    }),
    budget: Flags.string({ description: "Most USD a month a winner may cost (50, 12.5)." }),
    providers: Flags.string({ description: "Only these providers, comma-separated (aws,gcp)." }),
    prices: Flags.string({
      description: "A price file in the tables' format that overrides shipped prices.",
    }),
    "free-tier": Flags.string({
      description: "Subtract the providers' free tiers (apply) or price every unit (ignore).",
      options: ["apply", "ignore"],
      default: "apply",
    }),
    chart: Flags.string({ description: "Write an SVG of cost against monthly requests to this file." }),
  };

  protected async exec(): Promise<Outcome<RecommendResult>> {
    const { flags } = await this.parse(Recommend);
    const latencyBudgetMs =
      flags["latency-budget"] === undefined
        ? undefined
        : parseDuration(flags["latency-budget"], "--latency-budget");
    const budget = flags.budget === undefined ? undefined : parseBudget(flags.budget);
    const freeTier = flags["free-tier"] === "ignore" ? "ignore" : "apply";
    const loaded = await loadAll(flags.file, flags.env);
    loaded.warnings.forEach((w) => this.addWarning(w));
    const { manifest, stack } = oneStack(
      loaded.results.map((r) => r.manifest),
      flags.env,
    );
    const traffic = stack.service.traffic;
    if (!traffic)
      throw new UsageError(`${displayPath(manifest.file)} has no service.traffic for ${stack.id}`, {
        hint: TRAFFIC_HINT,
      });
    const platforms = await candidatePlatforms(loaded.registry, flags.providers);
    // Loaded here, not at start-up: only estimates need the models and the tables.
    const est = await import("../../estimate/recommend.js");
    const { loadPriceBook, stalePrices } = await import("../../estimate/index.js");
    const { chartVolumes, compactNumber, renderChart } = await import("../../estimate/chart.js");
    const prices = await loadPriceBook(flags.prices ? { overrideFile: flags.prices } : {});
    const targets = Object.values(manifest.targets).filter((t) =>
      platforms.some((p) => p.id === `${t.provider}/${t.platform}`),
    );
    const candidates = est.candidates(platforms, targets, stack.service, prices);
    const input = {
      service: stack.service,
      traffic,
      candidates,
      freeTier,
      ...(latencyBudgetMs !== undefined ? { latencyBudgetMs } : {}),
      ...(budget !== undefined ? { budget } : {}),
    } as const;
    const rec = est.recommend(input, prices);
    const winner =
      rec.winner &&
      candidates.find((c) => c.platform === rec.winner?.platform && c.target === rec.winner.target);
    for (const p of rec.winner ? stalePrices(prices, new Date(), rec.winner.priceIds) : [])
      this.addWarning(
        `${p.id} was seen ${p.seen} (${p.ageDays} days ago): check it, or set it with --prices`,
      );
    const result: RecommendResult = {
      stack: stack.id,
      kind: stack.service.kind,
      ...rec,
      snippet: winner ? est.targetSnippet(winner) : null,
      breakEvenText: breakEvenText(rec, compactNumber),
    };
    if (flags.chart) {
      const drawn = chartCandidates(rec.candidates, rec);
      const series = drawn.flatMap((r) => {
        const c = candidates.find((x) => x.platform === r.platform && x.target === r.target);
        return c
          ? [
              {
                label: est.label(r),
                dashed: !r.scalesToZero,
                points: est.costCurve(c, input, chartVolumes(), prices),
              },
            ]
          : [];
      });
      const be = rec.breakEven?.monthlyRequests;
      const svg = renderChart({
        title: `${stack.id}: monthly cost by traffic (${traffic.meanDurationMs} ms a request)`,
        series,
        marker: {
          x: traffic.monthlyRequests,
          label: `today: ${compactNumber(traffic.monthlyRequests)}/month`,
        },
        ...(be ? { breakEven: { x: be, label: `break-even ~${compactNumber(be)}` } } : {}),
      });
      await writeFile(flags.chart, svg).catch((e: unknown) => {
        throw new UsageError(
          `cannot write the chart to ${flags.chart}: ${e instanceof Error ? e.message : String(e)}`,
          {
            hint: "name a file in a folder that exists and you can write to",
          },
        );
      });
      result.chart = flags.chart;
    }
    return { result };
  }

  protected render(r: RecommendResult): string {
    return renderRecommendation(r);
  }
}

function parseBudget(text: string): number {
  const n = Number(text.replace(/^\$/, ""));
  if (!Number.isFinite(n) || n < 0 || text.trim() === "")
    throw new UsageError(`--budget ${text} is not an amount of USD a month`, {
      hint: "write a number: --budget 50",
    });
  return n;
}

function oneStack(manifests: Manifest[], env: string | undefined): { manifest: Manifest; stack: Stack } {
  const [manifest, ...more] = manifests;
  if (!manifest || more.length > 0)
    throw new UsageError(`recommend takes one manifest, got ${manifests.length}`, {
      hint: "name one file with -f, or run recommend once per service",
    });
  const name = env ?? manifest.defaultEnvironment;
  const stack = manifest.stacks.find((s) => s.environment === name);
  if (!stack)
    throw new UsageError(`${displayPath(manifest.file)} has no environment ${name}`, {
      hint: `environments: ${manifest.environments.map((e) => e.name).join(", ")}`,
    });
  return { manifest, stack };
}

async function candidatePlatforms(
  reg: Awaited<ReturnType<typeof loadAll>>["registry"],
  only: string | undefined,
): Promise<CandidatePlatform[]> {
  const wanted = only
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted?.filter((p) => !reg.has(p)) ?? [];
  if (unknown.length > 0)
    throw new UsageError(`--providers names unknown providers: ${unknown.join(", ")}`, {
      hint: `providers: ${reg.ids().join(", ")}`,
    });
  const mods = await Promise.all((wanted ?? reg.ids()).map((id) => reg.provider(id)));
  return mods.flatMap((m) => Object.values(m.targets));
}

/** The cheapest few priced candidates, and the two the break-even compares. */
function chartCandidates(all: readonly Ranked[], rec: Recommendation): Ranked[] {
  const priced = all.filter((r) => r.monthly !== null && r.complete);
  const pick = priced.slice(0, CHART_SERIES);
  for (const side of [rec.breakEven?.alwaysOn, rec.breakEven?.serverless]) {
    const r = side && priced.find((p) => p.platform === side.platform && p.target === side.target);
    if (r && !pick.includes(r)) pick.push(r);
  }
  return pick;
}

function breakEvenText(rec: Recommendation, compactNumber: (n: number) => string): string | null {
  const be = rec.breakEven;
  if (!be) return null;
  const pair = `${label(be.alwaysOn)} at ${money(be.alwaysOn.monthly)} vs ${label(be.serverless)} at ${money(be.serverless.monthly)} today`;
  const range = `${compactNumber(be.range[0])}–${compactNumber(be.range[1])} requests/month`;
  if (be.outcome === "always-on-cheaper")
    return `always-on is cheaper at every volume from ${range} (${pair})`;
  if (be.outcome === "serverless-cheaper") return `serverless stays cheaper over ${range} (${pair})`;
  const n = be.monthlyRequests ?? 0;
  const rps = be.requestsPerSecond ?? 0;
  return `always-on is cheaper above ~${compactNumber(n)} requests/month (~${compactNumber(rps)} req/s): ${pair}`;
}

function pct(p: number | null): string {
  if (p === null) return "";
  if (p === 0) return "0";
  const v = p * 100;
  return `${v >= 1 ? v.toFixed(1) : Number(v.toPrecision(1))}%`;
}

function renderRecommendation(r: RecommendResult): string {
  const t = r.traffic;
  const budgets = [
    r.latencyBudgetMs !== undefined ? `p99 budget ${r.latencyBudgetMs} ms` : "no latency budget",
    r.budget !== undefined ? `budget ${money(r.budget)} a month` : "no cost budget",
    r.freeTier === "apply" ? "free tiers applied" : "free tiers ignored",
  ];
  const out = [
    `${r.stack}: ${t.monthlyRequests.toLocaleString("en-US")} requests/month, mean ${t.meanDurationMs} ms, peak ${t.peakRps} req/s; ${budgets.join(", ")}`,
    "",
  ];
  const ranked = r.candidates.filter((c) => c.rank !== undefined);
  const mark = (c: Ranked) => (c.placeholders.length > 0 && c.monthly !== null ? "*" : "");
  if (ranked.length > 0)
    out.push(
      table(
        ranked.map((c) => [
          String(c.rank),
          label(c) + mark(c),
          money(c.monthly ?? 0),
          c.p99Ms === null ? "?" : `${Math.round(c.p99Ms)} ms`,
          pct(c.pCold),
        ]),
        ["RANK", "PLATFORM", "MONTHLY", "P99", "P(COLD)"],
      ),
    );
  else out.push("No platform meets the budgets.");
  const losers = r.candidates.filter((c) => c.rank === undefined);
  const wrongKind = losers.filter((c) => c.monthly === null && c.losses[0]?.startsWith("takes "));
  const others = losers.filter((c) => !wrongKind.includes(c));
  if (losers.length > 0) out.push("", "Losing:");
  if (others.length > 0)
    out.push(
      table(
        others.map((c) => [
          `  ${label(c)}${mark(c)}`,
          c.monthly === null ? "" : `${c.complete ? "" : "≥ "}${money(c.monthly)}`,
          c.losses.join("; "),
        ]),
      ),
    );
  if (wrongKind.length > 0) out.push(`  cannot run a ${r.kind} at all: ${wrongKind.map(label).join(", ")}`);
  if (r.breakEvenText) out.push("", r.breakEvenText);
  if (r.winner && r.snippet) {
    const w = r.winner;
    const where = w.target ? `already target ${w.target} in the manifest` : "not in the manifest yet";
    out.push("", `Winner: ${label(w)}, ${money(w.monthly ?? 0)} a month (${where}):`, r.snippet.trimEnd());
  }
  if (r.candidates.some((c) => c.placeholders.length > 0 && c.monthly !== null))
    out.push(
      "",
      "* not in the manifest: estimated with its default options, and placeholders (the price table's region) where one is required",
    );
  if (r.chart) out.push("", `chart: ${r.chart}`);
  return out.join("\n");
}

// The estimate module's label and usd, repeated: render() runs after exec() but must not import.
function label(x: { platform: string; target?: string }): string {
  return x.target ? `${x.platform} (${x.target})` : x.platform;
}

function money(n: number): string {
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
