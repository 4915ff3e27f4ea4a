// The estimate API's types: what a cost model and the cold-start model take and return. Pure data,
// so the plan JSON, `apiship prices` and `apiship recommend` can carry them as they are.

import type { ServiceSpec, TrafficSpec } from "../manifest/types.js";

export type { TrafficSpec } from "../manifest/types.js";

/** `--free-tier`: apply the providers' promotional free tiers, or price every unit. */
export type FreeTierMode = "apply" | "ignore";

/** What an estimate reads of the service: its kind, runtime, size and scaling. */
export type EstimateService = Pick<ServiceSpec, "kind" | "resources" | "scaling"> & {
  function?: Pick<NonNullable<ServiceSpec["function"]>, "runtime">;
};

/** One target to estimate: its platform id, its options (as the manifest gives them) and traffic. */
export interface EstimateInput {
  /** "aws/lambda", "gcp/cloud-run", ... (PlatformInfo.id). */
  platform: string;
  traffic: TrafficSpec;
  service: EstimateService;
  /** The target's own options, parsed defensively: src/ never imports a platform's schema. */
  options: Record<string, unknown>;
}

/** One billed meter: quantity × unit price, less any free tier, traceable to its price id. */
export interface CostLine {
  label: string;
  /** Usage a month, in `unit` (the price's unit: "1M requests", "GB-second", "hour", ...). */
  quantity: number;
  unit: string;
  priceId: string;
  /** USD per `unit`, as the price book holds it (after `--prices`). */
  unitPrice: number;
  /** Part of `quantity` a free tier covers (0 when none applies or free tiers are ignored). */
  freeQuantity: number;
  /** The free tier that covered `freeQuantity` (or the USD credit), when one did. */
  freeTierId?: string;
  /** USD a month: (quantity − freeQuantity) × unitPrice, less a USD credit. */
  amount: number;
  /** Fixed lines are paid whatever the traffic (always-on instances, load balancer, cluster fee). */
  fixed: boolean;
}

export interface CostBreakdown {
  platform: string;
  currency: "USD";
  freeTier: FreeTierMode;
  lines: CostLine[];
  /** Sum of the fixed lines. */
  fixedMonthly: number;
  /** Sum of the traffic-dependent lines. */
  variableMonthly: number;
  total: number;
  /** The total with the other free-tier mode, shown beside it. */
  totalOtherFreeTierMode: number;
  /** Instances busy at peak: ceil(peakRps × duration / concurrency), bounded by the platform's most. */
  instancesAtPeak: number;
  /** The same, unbounded: more than instancesAtPeak means scaling.max (or the platform) is too low. */
  instancesNeededAtPeak: number;
  /** False when part of the cost could not be priced (an unknown size, a price that is yours to set). */
  complete: boolean;
  warnings: string[];
  /** The model's assumptions as sentences (for `--explain`). */
  assumptions: string[];
}

export interface ColdStartEstimate {
  platform: string;
  /** Seconds an idle instance lives; null: always on. */
  keepAliveSeconds: number | null;
  /** Instances kept warm: provisioned concurrency, min instances, always-ready, always-on count. */
  warmPool: number;
  /** Requests one instance serves at once. */
  concurrency: number;
  /** Mean arrival rate λ = monthlyRequests / seconds in the 730-hour month. */
  arrivalRate: number;
  /** Mean requests in flight (Little's law: λ × mean duration). */
  meanConcurrency: number;
  /** P(a request finds no warm instance after idling): e^(−λT) with no warm pool, else 0. */
  pColdIdle: number;
  idleColdStartsPerMonth: number;
  /** Instances started to meet the daily peak above those already warm, a month. */
  scaleOutStartsPerMonth: number;
  /** Requests a month that wait for an instance to start (idle + scale-out where a request waits). */
  coldStartsPerMonth: number;
  /** coldStartsPerMonth / monthlyRequests, at most 1. */
  pCold: number;
  /** Latency a cold start adds, by runtime family and package kind; null when no figure is known. */
  addedLatencyMs: number | null;
  /** Whether that figure is measured on this platform (false: a stand-in, see assumptions). */
  addedLatencyVerified: boolean;
  warnings: string[];
  assumptions: string[];
}

export interface Estimate {
  cost: CostBreakdown;
  coldStart: ColdStartEstimate;
}
