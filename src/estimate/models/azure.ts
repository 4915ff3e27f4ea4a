// Azure: Functions on Flex Consumption (on-demand GB-seconds and executions, always-ready
// instances from max(alwaysReady, scaling.min)), App Service (a plan SKU × a fixed instance
// count) and AKS (an existing cluster: its fee and this service's share of the nodes). Options
// as the platforms name them: Functions `plan`, `alwaysReady`; App Service `sku`, `alwaysOn`.

import { busyInstances, busyWarmInstances } from "../concurrency.js";
import type { ColdStartProfileFn, CostModel, ModelContext, PlatformModel } from "../model.js";
import {
  DEFAULT_SERVER_CONCURRENCY,
  GIB,
  billedMs,
  egressLine,
  optBoolean,
  optNumber,
  optString,
  peakSizing,
} from "../model.js";
import { HOURS_PER_MONTH, SECONDS_PER_MONTH, meanRate } from "../month.js";
import { kubeProfile, kubernetesShare } from "./kubernetes.js";

// --- Functions --------------------------------------------------------------------------------

/** Flex Consumption instance sizes, MiB (apiship rounds resources.memory up to one of these). */
const FLEX_MEMORY = [512, 2048, 4096];

export function flexInstanceMemory(mib: number): number {
  return FLEX_MEMORY.find((m) => m >= mib) ?? 4096;
}

function functionsPlan(o: Record<string, unknown>): string {
  return optString(o, "plan") ?? "flex-consumption";
}

function functionsWarm(ctx: {
  service: { scaling: { min: number } };
  options: Record<string, unknown>;
}): number {
  return Math.max(optNumber(ctx.options, "alwaysReady") ?? 0, ctx.service.scaling.min, 0);
}

function functionsConcurrency(ctx: ModelContext): number {
  const c = ctx.service.scaling.concurrency ?? 1;
  ctx.assume(
    `${c} execution${c === 1 ? "" : "s"} per instance at once${ctx.service.scaling.concurrency === undefined ? " (apiship leaves Flex's per-instance HTTP concurrency at the platform default, which is higher: 1 bills every execution's full time, an upper bound)" : ""}`,
  );
  return c;
}

function flexCost(ctx: ModelContext): void {
  const { traffic: t, service: s, bill } = ctx;
  const mem = flexInstanceMemory(s.resources.memory);
  const gb = mem / GIB;
  const ms = billedMs(t.meanDurationMs, 100);
  const c = functionsConcurrency(ctx);
  const warm = functionsWarm(ctx);
  const L = meanRate(t.monthlyRequests) * (ms / 1000);
  const busy = busyInstances(L, c);
  const busyWarm = busyWarmInstances(L, c, warm);
  const onDemandShare = busy > 0 ? (busy - busyWarm) / busy : 1;
  ctx.assume(
    `Flex Consumption: ${mem} MB instances (resources.memory ${s.resources.memory} MiB rounded up), active time rounded up to 100 ms (${ms} ms a request); the 1,000 ms minimum per activity period is not modelled`,
  );
  if (t.meanDurationMs < 1000 && meanRate(t.monthlyRequests) < 1)
    ctx.warn(
      `sparse requests shorter than 1 s: Flex bills each activity period at least 1,000 ms, so the execution time can be up to ${Math.ceil(1000 / ms)}× this estimate`,
    );
  bill.add({
    label: `On-demand execution time (${mem} MB instances)`,
    quantity: busy * onDemandShare * SECONDS_PER_MONTH * gb,
    priceId: "azure.functions.flex.on-demand.execution-time",
    fixed: false,
  });
  bill.add({
    label: "On-demand executions",
    quantity: (t.monthlyRequests * onDemandShare) / 1e6,
    priceId: "azure.functions.flex.on-demand.executions",
    fixed: false,
  });
  if (warm > 0) {
    bill.add({
      label: `Always-ready baseline (${warm} × ${mem} MB, all month)`,
      quantity: warm * gb * SECONDS_PER_MONTH,
      priceId: "azure.functions.flex.always-ready.baseline",
      fixed: true,
    });
    bill.add({
      label: "Always-ready execution time",
      quantity: busyWarm * SECONDS_PER_MONTH * gb,
      priceId: "azure.functions.flex.always-ready.execution-time",
      fixed: false,
    });
    bill.add({
      label: "Always-ready executions",
      quantity: (t.monthlyRequests * (1 - onDemandShare)) / 1e6,
      priceId: "azure.functions.flex.always-ready.executions",
      fixed: false,
    });
    ctx.assume(
      `${warm} always-ready instance${warm === 1 ? "" : "s"} (max of alwaysReady and scaling.min) take requests first: ${((1 - onDemandShare) * 100).toFixed(1)}% of them; always-ready billing has no free grant`,
    );
  }
}

function consumptionCost(ctx: ModelContext): void {
  const { traffic: t, service: s, bill } = ctx;
  // Observed memory rounded up to 128 MB, at most 1,536 MB (Azure Functions pricing page).
  const mem = Math.min(1536, Math.ceil(s.resources.memory / 128) * 128);
  const ms = billedMs(t.meanDurationMs, 1);
  bill.add({
    label: `Execution time (${mem} MB)`,
    quantity: t.monthlyRequests * (ms / 1000) * (mem / GIB),
    priceId: "azure.functions.consumption.execution-time",
    fixed: false,
  });
  bill.add({
    label: "Executions",
    quantity: t.monthlyRequests / 1e6,
    priceId: "azure.functions.consumption.executions",
    fixed: false,
  });
  ctx.assume(
    `Consumption (legacy) plan: memory is resources.memory rounded up to 128 MB (${mem} MB), at most 1,536 MB`,
  );
  ctx.warn(
    "the consumption plan is refused at plan time by this version of apiship; the estimate shows what it would cost",
  );
}

const functionsCost: CostModel = (ctx) => {
  const plan = functionsPlan(ctx.options);
  if (plan === "flex-consumption") flexCost(ctx);
  else if (plan === "consumption") consumptionCost(ctx);
  else ctx.incomplete(`the ${plan} plan has no price table here (and planning refuses it in this version)`);
  egressLine(ctx, "azure.bandwidth.out");
  const max = plan === "consumption" ? 200 : Math.min(1000, Math.max(1, ctx.service.scaling.max));
  return peakSizing(
    ctx,
    ctx.service.scaling.concurrency ?? 1,
    max,
    plan === "consumption" ? "the consumption plan's 200 instances" : "scaling.max (maximumInstanceCount)",
  );
};

const functionsColdStart: ColdStartProfileFn = (input) => ({
  alwaysOn: false,
  warmPool: functionsWarm(input),
  concurrency: input.service.scaling.concurrency ?? 1,
  maxInstances: Math.min(1000, Math.max(1, input.service.scaling.max)),
  scalesOut: true,
  requestWaits: true,
  assumptions: [
    "always-ready instances (max of alwaysReady and scaling.min) stay warm; the rest scale from zero",
  ],
  warnings: [],
});

// --- App Service ------------------------------------------------------------------------------

/** Most instances a plan runs, by SKU family (Basic 3, Standard 10, Premium v3 30). */
function skuMaxInstances(sku: string): number {
  if (sku.startsWith("B")) return 3;
  if (sku.startsWith("S")) return 10;
  return 30;
}

const appServiceCost: CostModel = (ctx) => {
  const sku = optString(ctx.options, "sku") ?? "P0v3";
  const count = Math.max(1, ctx.service.scaling.min);
  const id = `azure.app-service.linux.${sku}`;
  if (ctx.prices.maybePrice(id)) {
    ctx.bill.add({
      label: `App Service plan ${sku} (${count} instance${count === 1 ? "" : "s"})`,
      quantity: count * HOURS_PER_MONTH,
      priceId: id,
      fixed: true,
    });
  } else {
    ctx.incomplete(`no price for the App Service SKU ${sku} in the table: the plan's cost is not counted`);
  }
  ctx.assume(
    `a plan of ${count} instance${count === 1 ? "" : "s"} (scaling.min, at least one) all month: apiship configures no autoscale`,
  );
  egressLine(ctx, "azure.bandwidth.out");
  const c = ctx.service.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY;
  return peakSizing(
    ctx,
    c,
    Math.min(count, skuMaxInstances(sku)),
    `the plan's fixed count (scaling.min = ${count})`,
  );
};

const appServiceColdStart: ColdStartProfileFn = (input) => {
  const alwaysOn = (optBoolean(input.options, "alwaysOn") ?? true) && input.service.scaling.min > 0;
  return {
    alwaysOn,
    warmPool: 0,
    concurrency: input.service.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY,
    maxInstances: Math.max(1, input.service.scaling.min),
    scalesOut: false,
    requestWaits: true,
    assumptions: [
      alwaysOn
        ? "Always On keeps the app loaded (alwaysOn and scaling.min > 0)"
        : "without Always On (alwaysOn false or scaling.min 0) an idle app is unloaded and the next request loads it",
    ],
    warnings: [],
  };
};

// --- AKS --------------------------------------------------------------------------------------

const aksCost: CostModel = (ctx) => {
  ctx.bill.add({
    label: "AKS cluster fee (Standard tier)",
    quantity: HOURS_PER_MONTH,
    priceId: "azure.aks.cluster-hour",
    fixed: true,
  });
  ctx.warn(
    "the cluster exists already and is shared: its fee (Standard tier; $0 on the Free tier) is shown whole, not this service's share",
  );
  return kubernetesShare(ctx, {
    vcpu: "azure.aks.node.vcpu-hour",
    gb: "azure.aks.node.gb-hour",
    egress: "azure.bandwidth.out",
  });
};

const aksColdStart: ColdStartProfileFn = (input) => kubeProfile(input.service);

export const azureModels: PlatformModel[] = [
  { platform: "azure/functions", cost: functionsCost, coldStart: functionsColdStart },
  { platform: "azure/app-service", cost: appServiceCost, coldStart: appServiceColdStart },
  { platform: "azure/aks", cost: aksCost, coldStart: aksColdStart },
];
