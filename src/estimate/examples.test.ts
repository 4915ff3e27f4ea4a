// Worked examples the providers publish, reproduced to the cent with the unit prices each example
// used, pinned through an override table exactly as `--prices FILE` pins them. Where no
// published example was found, the case is computed by hand here and its name says so.

import { describe, expect, it } from "vitest";
import { estimateCost, roundCents } from "./index.js";
import type { CostBreakdown, EstimateInput, EstimateService, FreeTierMode } from "./index.js";
import { parseOverrides, readShippedTables } from "./load.js";
import { PriceBook } from "./price-book.js";

const shipped = new PriceBook(await readShippedTables());

/** The shipped book with these prices pinned, through the same parser as --prices. */
function pinned(prices: Record<string, number>, freeTiers: Record<string, number> = {}): PriceBook {
  const text = JSON.stringify({
    currency: "USD",
    prices: Object.entries(prices).map(([id, value]) => ({ id, value })),
    freeTiers: Object.entries(freeTiers).map(([id, amount]) => ({ id, amount })),
  });
  return new PriceBook(shipped.tables, parseOverrides(text, "pinned.json", shipped));
}

const fn = (
  memory: number,
  scaling: Partial<EstimateService["scaling"]> = {},
  runtime = "nodejs20",
): EstimateService => ({
  kind: "function",
  resources: { memory },
  scaling: { min: 0, max: 1000, ...scaling },
  function: { runtime },
});
const box = (
  memory: number,
  scaling: Partial<EstimateService["scaling"]> = {},
  cpu?: number,
): EstimateService => ({
  kind: "container",
  resources: cpu === undefined ? { memory } : { memory, cpu },
  scaling: { min: 0, max: 10, ...scaling },
});

function cost(
  platform: string,
  traffic: EstimateInput["traffic"],
  service: EstimateService,
  options: Record<string, unknown>,
  book: PriceBook,
  freeTier: FreeTierMode = "apply",
): CostBreakdown {
  return estimateCost({ platform, traffic, service, options }, book, { freeTier });
}

const line = (b: CostBreakdown, priceId: string) => b.lines.filter((l) => l.priceId === priceId);
const cents = (b: CostBreakdown, priceId: string) =>
  roundCents(line(b, priceId).reduce((s, l) => s + l.amount, 0));

describe("published worked examples", () => {
  it("AWS Lambda pricing page, Example 1: 512 MB, 3M requests of 1 s → $18.34 + $0.40 = $18.74", () => {
    // The page (100 ms-billing version, archived) prices compute at $0.00001667 per GB-s.
    const book = pinned({ "aws.lambda.duration.x86_64": 0.00001667, "aws.lambda.request": 0.2 });
    const b = cost(
      "aws/lambda",
      { monthlyRequests: 3_000_000, meanDurationMs: 1000, peakRps: 10 },
      fn(512),
      {},
      book,
    );
    const compute = line(b, "aws.lambda.duration.x86_64")[0];
    expect(compute?.quantity).toBe(1_500_000); // 3,000,000 s × 512 MB / 1024
    expect(compute?.freeQuantity).toBe(400_000);
    expect(cents(b, "aws.lambda.duration.x86_64")).toBe(18.34);
    expect(line(b, "aws.lambda.request")[0]?.freeQuantity).toBe(1);
    expect(cents(b, "aws.lambda.request")).toBe(0.4);
    expect(roundCents(b.total)).toBe(18.74);
  });

  it.each([
    [1_000_000, 128, 100, 12_500, 0],
    [3_600_000, 256, 100, 90_000, 0],
    [10_000_000, 512, 100, 500_000, 7.59],
    [15_000_000, 512, 200, 1_500_000, 26.08],
    [20_000_000, 1024, 500, 10_000_000, 183.33],
  ])(
    "DigitalOcean Functions pricing page: %d invocations × %d MiB × %d ms = %d GiB-s → $%d",
    (n, mib, ms, gibSeconds, usd) => {
      const book = pinned(
        { "digitalocean.functions.gib-second": 0.0000185 },
        { "digitalocean.functions.free.compute": 90_000 },
      );
      const b = cost(
        "digitalocean/functions",
        { monthlyRequests: n, meanDurationMs: ms, peakRps: 50 },
        fn(mib, {}, "nodejs18"),
        {},
        book,
      );
      expect(line(b, "digitalocean.functions.gib-second")[0]?.quantity).toBeCloseTo(gibSeconds, 6);
      expect(roundCents(b.total)).toBe(usd);
    },
  );

  it("Heroku Usage & Billing: a Basic dyno run all month costs its $7 maximum; two Standard-2X $100", () => {
    const book = pinned({ "heroku.dyno.basic": 7, "heroku.dyno.standard-2x": 50 });
    const t = { monthlyRequests: 100_000, meanDurationMs: 50, peakRps: 5 };
    expect(cost("heroku/heroku", t, box(512), {}, book).total).toBe(7);
    expect(cost("heroku/heroku", t, box(1024, { min: 2 }), { dynoSize: "standard-2x" }, book).total).toBe(
      100,
    );
  });

  it("DigitalOcean App Platform: apps-s-1vcpu-0.5gb is $5.00 a month (usd_per_month of the instance size)", () => {
    const book = pinned({ "digitalocean.app-platform.apps-s-1vcpu-0.5gb": 5 });
    const b = cost(
      "digitalocean/app-platform",
      { monthlyRequests: 10_000, meanDurationMs: 50, peakRps: 1 },
      box(512),
      { region: "fra" },
      book,
    );
    expect(b.total).toBe(5);
  });
});

describe("hand-computed cases (no published example found)", () => {
  it("GKE, hand-computed from the pricing page's rule: one cluster-month of $0.10/h is 730 × 0.10 = $73.00, inside the $74.40 credit", () => {
    const book = pinned(
      {
        "gcp.gke.cluster-hour": 0.1,
        "gcp.gke.autopilot.vcpu-hour": 0.04,
        "gcp.gke.autopilot.gb-hour": 0.005,
      },
      { "gcp.gke.free.credit": 74.4 },
    );
    const t = { monthlyRequests: 1_000_000, meanDurationMs: 100, peakRps: 5 };
    const b = cost("gcp/gke", t, box(2048, { min: 2, max: 2 }, 1), {}, book);
    expect(roundCents(line(b, "gcp.gke.cluster-hour")[0]?.amount ?? -1)).toBe(0);
    // Pods: 2 × (1 vCPU × 0.04 + 2 GB × 0.005) × 730 = 2 × 0.05 × 730 = 73.00
    expect(roundCents(b.total)).toBe(73);
    expect(roundCents(b.totalOtherFreeTierMode)).toBe(146);
  });

  it("Cloud Run request-based, hand-computed: 10M requests of 200 ms, 1 vCPU, 512 MiB, one at a time", () => {
    const book = pinned({
      "gcp.cloud-run.request-based.request": 0.4,
      "gcp.cloud-run.request-based.vcpu-second": 0.000024,
      "gcp.cloud-run.request-based.gib-second": 0.0000025,
    });
    const t = { monthlyRequests: 10_000_000, meanDurationMs: 200, peakRps: 20 };
    const b = cost("gcp/cloud-run", t, box(512, { concurrency: 1 }, 1), { region: "us-central1" }, book);
    // Busy time = 10M × 0.2 s = 2,000,000 s. CPU: (2,000,000 − 180,000) × 0.000024 = 43.68;
    // memory: (1,000,000 − 360,000) × 0.0000025 = 1.60; requests: (10 − 2) × 0.40 = 3.20.
    expect(cents(b, "gcp.cloud-run.request-based.vcpu-second")).toBe(43.68);
    expect(cents(b, "gcp.cloud-run.request-based.gib-second")).toBe(1.6);
    expect(cents(b, "gcp.cloud-run.request-based.request")).toBe(3.2);
    expect(roundCents(b.total)).toBe(48.48);
    // Without the free tier: 48 + 2.50 + 4.00.
    expect(roundCents(b.totalOtherFreeTierMode)).toBe(54.5);
  });

  it("Cloud Run instance-based with one min instance, hand-computed: the instance is billed all month", () => {
    const book = pinned({
      "gcp.cloud-run.instance-based.vcpu-second": 0.000018,
      "gcp.cloud-run.instance-based.gib-second": 0.000002,
    });
    // A steady trickle keeps one instance alive; min 1 makes it the whole month either way.
    const t = { monthlyRequests: 2_628_000, meanDurationMs: 100, peakRps: 2 };
    const b = cost(
      "gcp/cloud-run",
      t,
      box(1024, { min: 1, concurrency: 80 }, 1),
      { cpuIdle: false },
      book,
      "ignore",
    );
    // 2,628,000 s × (1 vCPU × 0.000018 + 1 GiB × 0.000002) = 47.304 + 5.256 = 52.56
    expect(roundCents(b.total)).toBe(52.56);
    expect(line(b, "gcp.cloud-run.request-based.request")).toEqual([]);
  });

  it("Azure Functions Flex Consumption on demand, hand-computed: 2M executions of 300 ms on 2,048 MB", () => {
    const book = pinned({
      "azure.functions.flex.on-demand.execution-time": 0.000026,
      "azure.functions.flex.on-demand.executions": 0.4,
    });
    const t = { monthlyRequests: 2_000_000, meanDurationMs: 300, peakRps: 10 };
    const b = cost("azure/functions", t, fn(2048), {}, book);
    // 2M × 0.3 s × 2 GB = 1,200,000 GB-s; (1,200,000 − 100,000) × 0.000026 = 28.60;
    // (2 − 0.25) × 0.40 = 0.70.
    expect(cents(b, "azure.functions.flex.on-demand.execution-time")).toBe(28.6);
    expect(cents(b, "azure.functions.flex.on-demand.executions")).toBe(0.7);
    expect(roundCents(b.total)).toBe(29.3);
  });

  it("Azure Functions Flex with one always-ready instance, hand-computed: the baseline is billed all month, no free grant", () => {
    const book = pinned({ "azure.functions.flex.always-ready.baseline": 0.000004 });
    const t = { monthlyRequests: 1000, meanDurationMs: 100, peakRps: 1 };
    const b = cost("azure/functions", t, fn(2048), { alwaysReady: 1 }, book);
    // 1 × 2 GB × 2,628,000 s × 0.000004 = 21.024
    expect(cents(b, "azure.functions.flex.always-ready.baseline")).toBe(21.02);
    expect(b.fixedMonthly).toBeCloseTo(21.024, 9);
  });

  it("AWS Lambda with provisioned concurrency, hand-computed: 2 × 1 GB all month, no free tier", () => {
    const book = pinned({
      "aws.lambda.provisioned-concurrency.x86_64": 0.0000041667,
      "aws.lambda.request": 0.2,
    });
    const t = { monthlyRequests: 1_000_000, meanDurationMs: 100, peakRps: 5 };
    const b = cost("aws/lambda", t, fn(1024, { min: 2 }), {}, book);
    // 2 × 1 GB × 2,628,000 s × 0.0000041667 = 21.9001752; requests 1 × 0.20, free tier lost.
    expect(cents(b, "aws.lambda.provisioned-concurrency.x86_64")).toBe(21.9);
    expect(cents(b, "aws.lambda.request")).toBe(0.2);
  });

  it("ECS on Fargate behind an ALB, hand-computed: one 0.25 vCPU / 0.5 GB task and the ALB's hours", () => {
    const book = pinned({
      "aws.fargate.vcpu-hour": 0.04048,
      "aws.fargate.gb-hour": 0.004445,
      "aws.alb.hour": 0.0225,
      "aws.vpc.public-ipv4-hour": 0.005,
      "aws.alb.lcu-hour": 0.008,
    });
    const t = { monthlyRequests: 262_800, meanDurationMs: 50, peakRps: 2 };
    const b = cost("aws/ecs-fargate", t, box(512), { region: "us-east-1" }, book);
    // Task: 730 × (0.25 × 0.04048 + 0.5 × 0.004445) = 730 × 0.0123425 = 9.010025
    // ALB: 730 × 0.0225 = 16.425; IPv4: 730 × 0.005 = 3.65; LCU: 0.1 rps / 25 × 730 × 0.008 = 0.02336
    expect(roundCents(b.fixedMonthly)).toBe(29.09);
    expect(roundCents(b.total)).toBe(29.11);
  });

  it("App Service, hand-computed: two S1 instances all month at $0.095/h = $138.70", () => {
    const book = pinned({ "azure.app-service.linux.S1": 0.095 });
    const b = cost(
      "azure/app-service",
      { monthlyRequests: 1e6, meanDurationMs: 80, peakRps: 5 },
      box(1024, { min: 2 }),
      { sku: "S1" },
      book,
    );
    expect(roundCents(b.total)).toBe(138.7);
  });

  it("a generic Kubernetes cluster, hand-computed with the user's node prices: 3 × (0.5 vCPU, 1 GB)", () => {
    const book = pinned({ "kubernetes.node.vcpu-hour": 0.03, "kubernetes.node.gb-hour": 0.004 });
    const b = cost(
      "kubernetes/kubernetes",
      { monthlyRequests: 1e6, meanDurationMs: 80, peakRps: 5 },
      box(1024, { min: 3, max: 3 }, 0.5),
      {},
      book,
    );
    // 3 × (0.5 × 0.03 + 1 × 0.004) × 730 = 3 × 0.019 × 730 = 41.61
    expect(roundCents(b.total)).toBe(41.61);
    expect(b.complete).toBe(true);
  });
});
