// Google Cloud: Cloud Run (request-based billing when `cpuIdle` is true, the default;
// instance-based when false), Cloud Functions 2nd gen and Cloud Functions for Firebase (billed as
// Cloud Run services: "Cloud Run functions"), and GKE (the cluster fee and Autopilot Pod rates).

import { busyInstances, probBusy } from "../concurrency.js";
import type { ColdStartProfileFn, CostModel, ModelContext, PeakSizing, PlatformModel } from "../model.js";
import {
  DEFAULT_SERVER_CONCURRENCY,
  GIB,
  alwaysOnCount,
  billedMs,
  egressLine,
  optBoolean,
  optString,
  peakSizing,
  regionCheck,
} from "../model.js";
import { HOURS_PER_MONTH, SECONDS_PER_MONTH, meanRate } from "../month.js";
import { kubeProfile } from "./kubernetes.js";

/** Cloud Run's autoscaler keeps instances near 60% of their max concurrency (about-instance-autoscaling). */
export const RUN_UTILIZATION = 0.6;

export interface RunShape {
  cpu: number;
  gib: number;
  /** Max concurrent requests per instance. */
  concurrency: number;
  minInstances: number;
  maxInstances: number;
  requestBased: boolean;
}

/** Requests per instance as apiship sets it: below 1 vCPU only one (gcp/run-plan.ts concurrencyOf). */
function runConcurrency(cpu: number, want: number | undefined, fallback: number): number {
  return cpu < 1 ? 1 : (want ?? fallback);
}

export function cloudRunShape(ctx: Pick<ModelContext, "service" | "options">): RunShape {
  const s = ctx.service;
  const cpu = s.resources.cpu ?? 1;
  return {
    cpu,
    gib: s.resources.memory / GIB,
    concurrency: runConcurrency(cpu, s.scaling.concurrency, 80),
    minInstances: s.scaling.min,
    maxInstances: Math.max(1, s.scaling.max),
    requestBased: optBoolean(ctx.options, "cpuIdle") ?? true,
  };
}

// Cloud Functions 2nd gen sizes the CPU from memory when none is given (the 1st gen memory tiers
// of cloud.google.com/functions/1stgendocs/configuring/memory, which 2nd gen keeps as defaults).
const FUNCTION_CPU: readonly (readonly [mib: number, cpu: number])[] = [
  [128, 0.083],
  [256, 0.167],
  [512, 0.333],
  [1024, 0.583],
  [2048, 1],
  [4096, 2],
  [8192, 2],
  [16384, 4],
  [32768, 8],
];

export function functionCpu(mib: number): number {
  return FUNCTION_CPU.find(([m]) => m >= mib)?.[1] ?? 8;
}

export function cloudFunctionShape(ctx: Pick<ModelContext, "service">): RunShape {
  const s = ctx.service;
  const cpu = s.resources.cpu ?? functionCpu(s.resources.memory);
  return {
    cpu,
    gib: s.resources.memory / GIB,
    concurrency: runConcurrency(cpu, s.scaling.concurrency, 1),
    minInstances: s.scaling.min,
    maxInstances: Math.max(1, s.scaling.max),
    requestBased: true,
  };
}

/** Cloud Run's lines for one service shape; shared by Cloud Run, Cloud Functions and Firebase. */
export function runLines(ctx: ModelContext, shape: RunShape): PeakSizing {
  const { traffic: t, bill } = ctx;
  const ms = billedMs(t.meanDurationMs, 100);
  const lambda = meanRate(t.monthlyRequests);
  const L = lambda * (ms / 1000);
  const cEff = Math.max(1, shape.concurrency * RUN_UTILIZATION);
  const busy = busyInstances(L, cEff);
  const W = shape.minInstances;
  ctx.assume(
    `${shape.cpu} vCPU and ${shape.gib} GiB per instance, up to ${shape.concurrency} requests each; the autoscaler fills about ${RUN_UTILIZATION * 100}% of that before adding an instance; time rounded up to 100 ms (${ms} ms a request)`,
  );
  ctx.assume(
    `busy instances on average E[ceil(Q / ${cEff})] = ${busy.toFixed(4)} with Q ~ Poisson(${L.toFixed(4)}) requests in flight`,
  );
  if (shape.requestBased) {
    const active = busy * SECONDS_PER_MONTH;
    bill.add({
      label: "Requests",
      quantity: t.monthlyRequests / 1e6,
      priceId: "gcp.cloud-run.request-based.request",
      fixed: false,
    });
    bill.add({
      label: `CPU while serving (${shape.cpu} vCPU)`,
      quantity: active * shape.cpu,
      priceId: "gcp.cloud-run.request-based.vcpu-second",
      fixed: false,
    });
    bill.add({
      label: `Memory while serving (${shape.gib} GiB)`,
      quantity: active * shape.gib,
      priceId: "gcp.cloud-run.request-based.gib-second",
      fixed: false,
    });
    if (W > 0) {
      const idle = Math.max(0, W * SECONDS_PER_MONTH - Math.min(active, W * SECONDS_PER_MONTH));
      bill.add({
        label: `Idle min instances, CPU (${W})`,
        quantity: idle * shape.cpu,
        priceId: "gcp.cloud-run.request-based.idle-vcpu-second",
        fixed: true,
      });
      bill.add({
        label: `Idle min instances, memory (${W})`,
        quantity: idle * shape.gib,
        priceId: "gcp.cloud-run.request-based.idle-gib-second",
        fixed: true,
      });
      ctx.assume(
        `${W} min instance${W === 1 ? " is" : "s are"} billed all month: at the idle rate while not serving; idle time draws on the same free tier (a spending-based discount), after serving time`,
      );
    }
  } else {
    // Instance-based: billed while an instance lives. The first one lives while requests come
    // within the keep-alive T of each other (1 − e^(−λT) of the month); more only while busy.
    const keep = ctx.prices.coldStart("gcp/cloud-run")?.keepAliveSeconds ?? 900;
    const first = 1 - Math.exp(-lambda * keep);
    const alive = Math.max(W, first + Math.max(0, busy - probBusy(L)));
    const seconds = alive * SECONDS_PER_MONTH;
    bill.add({
      label: `CPU, instance lifetime (${shape.cpu} vCPU)`,
      quantity: seconds * shape.cpu,
      priceId: "gcp.cloud-run.instance-based.vcpu-second",
      fixed: W > 0,
    });
    bill.add({
      label: `Memory, instance lifetime (${shape.gib} GiB)`,
      quantity: seconds * shape.gib,
      priceId: "gcp.cloud-run.instance-based.gib-second",
      fixed: W > 0,
    });
    ctx.assume(
      `instance-based billing (cpuIdle: false): ${alive.toFixed(4)} instances alive on average (at least the ${W} min instances; an idle one is kept ${keep} s, an assumption); no per-request fee`,
    );
  }
  ctx.assume("the free tier is per billing account and shared by every service in it");
  egressLine(ctx, "gcp.network.egress");
  return peakSizing(ctx, cEff, shape.maxInstances);
}

const cloudRunCost: CostModel = (ctx) => {
  regionCheck(ctx, "gcp.cloud-run.request-based.request", optString(ctx.options, "region"));
  const shape = cloudRunShape(ctx);
  if (optBoolean(ctx.options, "startupCpuBoost"))
    ctx.assume("startup CPU boost's extra CPU while starting is not priced");
  return runLines(ctx, shape);
};

const cloudFunctionsCost: CostModel = (ctx) => {
  regionCheck(ctx, "gcp.cloud-run.request-based.request", optString(ctx.options, "region"));
  ctx.assume(
    "Cloud Functions 2nd gen is billed as a Cloud Run service (request-based), cloud.google.com/functions/pricing-1stgen",
  );
  return runLines(ctx, cloudFunctionShape(ctx));
};

export function runColdStart(shape: RunShape): ReturnType<ColdStartProfileFn> {
  return {
    alwaysOn: false,
    warmPool: Math.max(0, shape.minInstances),
    concurrency: shape.concurrency,
    utilization: RUN_UTILIZATION,
    maxInstances: shape.maxInstances,
    scalesOut: true,
    requestWaits: true,
    assumptions: ["min instances stay warm; Google documents no keep-alive for idle instances"],
    warnings: [],
  };
}

const cloudRunColdStart: ColdStartProfileFn = (input) => runColdStart(cloudRunShape(input));
const cloudFunctionsColdStart: ColdStartProfileFn = (input) => runColdStart(cloudFunctionShape(input));

// --- GKE --------------------------------------------------------------------------------------

/** Autopilot rounds CPU up to 0.25 vCPU and keeps memory within 1–6.5 GB per vCPU. */
export function autopilotRequests(cpu: number | undefined, gb: number): { cpu: number; gb: number } {
  const c = Math.max(0.25, Math.ceil((cpu ?? 0.5) / 0.25 - 1e-9) * 0.25);
  const g = Math.min(Math.max(gb, c), c * 6.5);
  return { cpu: Math.max(c, Math.ceil(g / 6.5 / 0.25 - 1e-9) * 0.25), gb: g };
}

const gkeCost: CostModel = (ctx) => {
  const { service: s, bill } = ctx;
  bill.add({
    label: "GKE cluster management fee",
    quantity: HOURS_PER_MONTH,
    priceId: "gcp.gke.cluster-hour",
    fixed: true,
  });
  ctx.warn(
    "the cluster exists already and is shared: its fee is shown whole (the free tier's monthly credit covers one zonal or Autopilot cluster per billing account)",
  );
  const c = s.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY;
  const { base, fixed } =
    s.scaling.max > s.scaling.min ? alwaysOnCount(ctx, c) : { base: s.scaling.min, fixed: s.scaling.min };
  const req = autopilotRequests(s.resources.cpu, s.resources.memory / GIB);
  bill.add({
    label: `Autopilot Pod vCPU (${base} × ${req.cpu})`,
    quantity: base * req.cpu * HOURS_PER_MONTH,
    priceId: "gcp.gke.autopilot.vcpu-hour",
    fixed: base === fixed,
  });
  bill.add({
    label: `Autopilot Pod memory (${base} × ${req.gb} GB)`,
    quantity: base * req.gb * HOURS_PER_MONTH,
    priceId: "gcp.gke.autopilot.gb-hour",
    fixed: base === fixed,
  });
  ctx.assume(
    `Pods priced at Autopilot general-purpose rates on their requests (${req.cpu} vCPU${s.resources.cpu === undefined ? ", Autopilot's 0.5 vCPU default when resources.cpu is unset" : ""}, ${req.gb} GB); on a Standard cluster you pay its nodes instead: set gcp.gke.autopilot.* with --prices`,
  );
  egressLine(ctx, "gcp.network.egress");
  return peakSizing(ctx, c, Math.max(1, s.scaling.max));
};

export const gcpModels: PlatformModel[] = [
  { platform: "gcp/cloud-run", cost: cloudRunCost, coldStart: cloudRunColdStart },
  { platform: "gcp/cloud-functions", cost: cloudFunctionsCost, coldStart: cloudFunctionsColdStart },
  { platform: "gcp/gke", cost: gkeCost, coldStart: (input) => kubeProfile(input.service) },
];
