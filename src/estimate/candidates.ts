// `apiship recommend`, the candidates: every platform that can run the service's kind and
// runtime, with the options it would need (defaults from its schema, placeholders for what has
// none) or the reasons it cannot (fitProblems). src/ never imports providers/: the CLI hands the
// platforms' descriptors in.

import type { PlatformInfo } from "../core/provider.js";
import { normalizeRuntime } from "../manifest/runtimes.js";
import type { TargetSpec } from "../manifest/types.js";
import type { PriceBook } from "./price-book.js";
import { platformModel } from "./registry.js";
import type { EstimateService } from "./types.js";

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
export const REGION_FALLBACK: Record<string, string> = {
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
