// AWS: Lambda (requests + GB-seconds, provisioned concurrency from scaling.min) and ECS on
// Fargate behind an Application Load Balancer (always-on tasks). Options as the platforms name
// them: Lambda `architecture`, `ephemeralStorage`, `region`; ECS `loadBalancer`,
// `assignPublicIp`, `region`.

import { busyInstances, busyWarmInstances } from "../concurrency.js";
import type { ColdStartProfileFn, CostModel, ModelContext, PlatformModel } from "../model.js";
import {
  DEFAULT_SERVER_CONCURRENCY,
  GIB,
  alwaysOnCount,
  billedMs,
  egressLine,
  memoryGb,
  optBoolean,
  optNumber,
  optRecord,
  optString,
  peakSizing,
  regionCheck,
} from "../model.js";
import { HOURS_PER_MONTH, SECONDS_PER_MONTH, meanRate } from "../month.js";

// --- Lambda -----------------------------------------------------------------------------------

/** First pricing tier of Lambda duration, in GB-seconds a month (AWS tiered-pricing blog, 2022). */
const FIRST_TIER_GB_S = { x86_64: 6e9, arm64: 7.5e9 } as const;

function architecture(o: Record<string, unknown>): "x86_64" | "arm64" {
  return optString(o, "architecture") === "arm64" ? "arm64" : "x86_64";
}

const lambdaCost: CostModel = (ctx) => {
  const { traffic: t, service: s, options: o, bill } = ctx;
  const arch = architecture(o);
  const gb = memoryGb(s);
  const ms = billedMs(t.meanDurationMs, 1);
  const pc = Math.max(0, s.scaling.min);
  regionCheck(ctx, "aws.lambda.request", optString(o, "region"));
  ctx.assume(
    `Lambda bills duration in 1 ms steps: ${ms} ms × ${s.resources.memory} MiB (${gb} GB) per request, ${arch}`,
  );

  bill.add({
    label: "Requests",
    quantity: t.monthlyRequests / 1e6,
    priceId: "aws.lambda.request",
    fixed: false,
    noFreeTier: pc > 0,
  });
  const gbSeconds = t.monthlyRequests * (ms / 1000) * gb;
  if (pc === 0) {
    bill.add({
      label: `Duration (${arch})`,
      quantity: gbSeconds,
      priceId: `aws.lambda.duration.${arch}`,
      fixed: false,
    });
  } else {
    // Requests go to the provisioned environments first; the rest run on demand.
    const L = meanRate(t.monthlyRequests) * (ms / 1000);
    const share = L > 0 ? busyWarmInstances(L, 1, pc) / busyInstances(L, 1) : 0;
    bill.add({
      label: `Provisioned concurrency (${pc} × ${gb} GB, all month)`,
      quantity: pc * gb * SECONDS_PER_MONTH,
      priceId: `aws.lambda.provisioned-concurrency.${arch}`,
      fixed: true,
    });
    bill.add({
      label: "Duration on provisioned concurrency",
      quantity: gbSeconds * share,
      priceId: `aws.lambda.provisioned-duration.${arch}`,
      fixed: false,
    });
    bill.add({
      label: `Duration above provisioned concurrency (${arch})`,
      quantity: gbSeconds * (1 - share),
      priceId: `aws.lambda.duration.${arch}`,
      fixed: false,
      noFreeTier: true,
    });
    ctx.assume(
      `scaling.min = ${pc} is provisioned concurrency (apiship sets it on the live alias): billed all month, serving ${(share * 100).toFixed(1)}% of the request time; the free tier does not apply with it`,
    );
  }
  if (gbSeconds > FIRST_TIER_GB_S[arch])
    ctx.warn(
      `over ${FIRST_TIER_GB_S[arch] / 1e9} billion GB-seconds a month Lambda's tiered prices are lower; the estimate uses the first tier`,
    );
  const tmp = optNumber(o, "ephemeralStorage") ?? 512;
  if (tmp > 512)
    bill.add({
      label: `Ephemeral storage above 512 MB (${tmp} MB)`,
      quantity: t.monthlyRequests * (ms / 1000) * ((tmp - 512) / GIB),
      priceId: "aws.lambda.ephemeral-storage",
      fixed: false,
    });
  egressLine(ctx, "aws.data-transfer.out");
  ctx.assume(
    "a Function URL has no charge of its own; API Gateway, which apiship does not create, would add its own per-request price",
  );
  // One request per execution environment; reserved concurrency is scaling.max.
  return peakSizing(ctx, 1, Math.max(1, s.scaling.max), "scaling.max (the function's reserved concurrency)");
};

const lambdaColdStart: ColdStartProfileFn = (input) => ({
  alwaysOn: false,
  warmPool: Math.max(0, input.service.scaling.min),
  concurrency: 1,
  maxInstances: Math.max(1, input.service.scaling.max),
  scalesOut: true,
  requestWaits: true,
  assumptions: [
    "one request per execution environment; scaling.min is provisioned concurrency (warm environments)",
  ],
  warnings: [],
});

// --- ECS on Fargate ---------------------------------------------------------------------------

// Fargate task sizes (ECS developer guide "Task CPU and memory"): without resources.cpu apiship
// picks the smallest vCPU whose memory range holds resources.memory (aws/ecs-state.ts).
const FARGATE_MEMORY: readonly (readonly [cpu: number, min: number, max: number])[] = [
  [0.25, 512, 2048],
  [0.5, 1024, 4096],
  [1, 2048, 8192],
  [2, 4096, 16384],
  [4, 8192, 30720],
  [8, 16384, 61440],
  [16, 32768, 122880],
];

export function fargateCpu(memory: number, cpu: number | undefined): number {
  if (cpu !== undefined) return cpu;
  return FARGATE_MEMORY.find(([, min, max]) => memory >= min && memory <= max)?.[0] ?? 16;
}

function concurrencyOf(ctx: ModelContext): number {
  const c = ctx.service.scaling.concurrency;
  if (c === undefined)
    ctx.assume(
      `an instance serves ${DEFAULT_SERVER_CONCURRENCY} requests at once (no scaling.concurrency; Cloud Run's default, used as a neutral default)`,
    );
  return c ?? DEFAULT_SERVER_CONCURRENCY;
}

function albLines(ctx: ModelContext): void {
  const { traffic: t, options: o, bill } = ctx;
  if (optRecord(o, "loadBalancer")) {
    ctx.assume(
      "the target shares an existing load balancer (loadBalancer): its hourly price is not counted here",
    );
  } else {
    bill.add({
      label: "Application Load Balancer",
      quantity: HOURS_PER_MONTH,
      priceId: "aws.alb.hour",
      fixed: true,
    });
  }
  // LCU = the largest of: new connections/25 per s, processed GB per hour, (active connections,
  // rule evaluations: small for one rule). One connection per request is an upper bound.
  const rps = meanRate(t.monthlyRequests);
  const byConnections = rps / 25;
  const byBytes = t.payloadKb === undefined ? 0 : (rps * t.payloadKb * 3600) / 1e6;
  const lcu = Math.max(byConnections, byBytes);
  bill.add({
    label: "Load balancer capacity units",
    quantity: lcu * HOURS_PER_MONTH,
    priceId: "aws.alb.lcu-hour",
    fixed: false,
  });
  ctx.assume(
    `LCUs from the mean rate: max(new connections ${rps.toFixed(3)}/s ÷ 25 (one per request, an upper bound), ${t.payloadKb === undefined ? "processed bytes unknown (no payloadKb)" : `${byBytes.toFixed(4)} GB/h processed`}) = ${lcu.toFixed(4)} LCU all month; peaks are billed hour by hour and cost more`,
  );
}

const fargateCost: CostModel = (ctx) => {
  const { service: s, options: o, bill } = ctx;
  const cpu = fargateCpu(s.resources.memory, s.resources.cpu);
  const gb = memoryGb(s);
  const concurrency = concurrencyOf(ctx);
  const { base, fixed } = alwaysOnCount(ctx, concurrency);
  regionCheck(ctx, "aws.fargate.vcpu-hour", optString(o, "region"));
  ctx.assume(`Fargate task: ${cpu} vCPU and ${gb} GB, billed per second while running (Linux/x86)`);
  const hours = (n: number) => n * HOURS_PER_MONTH;
  bill.add({
    label: `Fargate vCPU (${fixed} task${fixed === 1 ? "" : "s"} × ${cpu} vCPU)`,
    quantity: hours(fixed) * cpu,
    priceId: "aws.fargate.vcpu-hour",
    fixed: true,
  });
  bill.add({
    label: `Fargate memory (${fixed} × ${gb} GB)`,
    quantity: hours(fixed) * gb,
    priceId: "aws.fargate.gb-hour",
    fixed: true,
  });
  if (base > fixed) {
    bill.add({
      label: `Fargate vCPU for the load (${base - fixed} more)`,
      quantity: hours(base - fixed) * cpu,
      priceId: "aws.fargate.vcpu-hour",
      fixed: false,
    });
    bill.add({
      label: `Fargate memory for the load (${base - fixed} more)`,
      quantity: hours(base - fixed) * gb,
      priceId: "aws.fargate.gb-hour",
      fixed: false,
    });
  }
  if (optBoolean(o, "assignPublicIp") ?? true)
    bill.add({
      label: `Public IPv4 address per task (${base})`,
      quantity: hours(base),
      priceId: "aws.vpc.public-ipv4-hour",
      fixed: true,
    });
  albLines(ctx);
  egressLine(ctx, "aws.data-transfer.out");
  ctx.assume("a NAT gateway is not counted: apiship's default is public subnets with assignPublicIp");
  const sized = peakSizing(ctx, concurrency, Math.max(1, s.scaling.max));
  if (sized.instancesAtPeak > base)
    ctx.assume(
      `tasks added for the peak (up to ${sized.instancesAtPeak}) run only while it lasts and are not priced`,
    );
  return sized;
};

const fargateColdStart: ColdStartProfileFn = (input) => ({
  alwaysOn: true,
  warmPool: Math.max(1, input.service.scaling.min),
  concurrency: input.service.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY,
  maxInstances: Math.max(1, input.service.scaling.max),
  scalesOut: input.service.scaling.max > Math.max(1, input.service.scaling.min),
  requestWaits: false,
  assumptions: [
    "ECS keeps max(1, scaling.min) tasks running and adds tasks by target tracking up to scaling.max",
  ],
  warnings: [],
});

export const awsModels: PlatformModel[] = [
  { platform: "aws/lambda", cost: lambdaCost, coldStart: lambdaColdStart },
  { platform: "aws/ecs-fargate", cost: fargateCost, coldStart: fargateColdStart },
];
