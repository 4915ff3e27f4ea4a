// Kubernetes: a Deployment on a cluster apiship does not create. The service's cost is its share
// of the nodes: replicas × requested vCPU and memory × the node price per vCPU-hour and GB-hour.
// For a generic cluster (and AKS's node pools) those prices are the user's own, so the shipped
// values are 0 until `--prices` sets them, and the breakdown says it is incomplete. The local
// platforms run on this machine: no charge.

import type {
  ColdStartProfile,
  ColdStartProfileFn,
  CostModel,
  ModelContext,
  PeakSizing,
  PlatformModel,
} from "../model.js";
import {
  DEFAULT_SERVER_CONCURRENCY,
  alwaysOnCount,
  egressLine,
  memoryGb,
  peakSizing,
  singleInstanceColdStart,
} from "../model.js";
import { HOURS_PER_MONTH } from "../month.js";

export interface NodePriceIds {
  vcpu: string;
  gb: string;
  egress?: string;
}

/** Replicas: a fixed scaling.min, or with an autoscaler max(1, min) plus what the mean load needs. */
function replicas(ctx: ModelContext, c: number): { base: number; fixed: number } {
  const s = ctx.service.scaling;
  if (s.max > s.min) return alwaysOnCount(ctx, c);
  return { base: s.min, fixed: s.min };
}

/** The service's share of the cluster's nodes, as requested vCPU and memory. */
export function kubernetesShare(ctx: ModelContext, ids: NodePriceIds): PeakSizing {
  const { service: s, bill } = ctx;
  const c = s.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY;
  const { base, fixed } = replicas(ctx, c);
  if (base === 0)
    ctx.warn("scaling.min is 0 and scaling.max does not exceed it: the Deployment runs no replicas");
  const gb = memoryGb(s);
  const cpu = s.resources.cpu;
  if (cpu !== undefined)
    bill.add({
      label: `Node vCPU share (${base} × ${cpu} vCPU requested)`,
      quantity: base * cpu * HOURS_PER_MONTH,
      priceId: ids.vcpu,
      fixed: base === fixed,
    });
  else ctx.assume("no resources.cpu: pods request memory only, so only memory is priced");
  bill.add({
    label: `Node memory share (${base} × ${gb} GB requested)`,
    quantity: base * gb * HOURS_PER_MONTH,
    priceId: ids.gb,
    fixed: base === fixed,
  });
  if (ctx.prices.price(ids.gb).value === 0 || (cpu !== undefined && ctx.prices.price(ids.vcpu).value === 0))
    ctx.incomplete(
      `node prices are yours: set ${ids.vcpu} and ${ids.gb} (USD per vCPU-hour and per GB-hour of your nodes) with --prices`,
    );
  ctx.assume(
    `${base} replica${base === 1 ? "" : "s"} all month, priced by their resource requests (unused node capacity is not counted)`,
  );
  if (ids.egress) egressLine(ctx, ids.egress);
  return peakSizing(ctx, c, Math.max(1, s.scaling.max));
}

/** A Deployment's cold-start profile: always on, scaling out only with an autoscaler. */
export function kubeProfile(s: {
  scaling: { min: number; max: number; concurrency?: number };
}): ColdStartProfile {
  const hpa = s.scaling.max > s.scaling.min;
  return {
    alwaysOn: true,
    warmPool: hpa ? Math.max(1, s.scaling.min) : s.scaling.min,
    concurrency: s.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY,
    maxInstances: Math.max(1, s.scaling.max),
    scalesOut: hpa,
    requestWaits: false,
    assumptions: [
      hpa
        ? "a HorizontalPodAutoscaler runs between max(1, scaling.min) and scaling.max replicas"
        : "a fixed count of scaling.min replicas",
    ],
    warnings: [],
  };
}

const kubernetesCost: CostModel = (ctx) => {
  ctx.bill.add({
    label: "Control plane",
    quantity: HOURS_PER_MONTH,
    priceId: "kubernetes.control-plane.hour",
    fixed: true,
  });
  if (ctx.prices.price("kubernetes.control-plane.hour").value === 0)
    ctx.assume(
      "the control plane is the cluster owner's: 0 unless --prices sets kubernetes.control-plane.hour",
    );
  return kubernetesShare(ctx, {
    vcpu: "kubernetes.node.vcpu-hour",
    gb: "kubernetes.node.gb-hour",
    egress: "kubernetes.egress.gb",
  });
};

const kubernetesColdStart: ColdStartProfileFn = (input) => kubeProfile(input.service);

const localCost: CostModel = (ctx) => {
  ctx.bill.add({
    label: "This machine",
    quantity: HOURS_PER_MONTH,
    priceId: "local.machine.hour",
    fixed: true,
  });
  ctx.assume("runs on this machine: no provider charges");
  return peakSizing(
    ctx,
    ctx.service.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY,
    1,
    "one local process",
  );
};

const localColdStart = singleInstanceColdStart(
  "one supervised process (or container) runs from deploy until destroy",
);

export const kubernetesModels: PlatformModel[] = [
  { platform: "kubernetes/kubernetes", cost: kubernetesCost, coldStart: kubernetesColdStart },
  { platform: "local/process", cost: localCost, coldStart: localColdStart },
  { platform: "local/container", cost: localCost, coldStart: localColdStart },
];
