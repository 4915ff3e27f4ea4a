// The cold-start model: e^(−λT) under Poisson arrivals, warm pools, always-on platforms, the
// scale-out case at the daily peak, and the latency a cold start adds by runtime and package.

import { describe, expect, it } from "vitest";
import {
  busyInstances,
  busyWarmInstances,
  expectPoisson,
  instancesForRate,
  probBusy,
} from "./concurrency.js";
import { PEAKS_PER_MONTH, estimateColdStarts } from "./index.js";
import type { EstimateService } from "./index.js";
import { readShippedTables } from "./load.js";
import { SECONDS_PER_MONTH } from "./month.js";
import { PriceBook } from "./price-book.js";

const book = new PriceBook(await readShippedTables());
const fn = (runtime = "nodejs20", scaling: Partial<EstimateService["scaling"]> = {}): EstimateService => ({
  kind: "function",
  resources: { memory: 512 },
  scaling: { min: 0, max: 100, ...scaling },
  function: { runtime },
});
const box = (scaling: Partial<EstimateService["scaling"]> = {}): EstimateService => ({
  kind: "container",
  resources: { memory: 1024, cpu: 1 },
  scaling: { min: 0, max: 10, ...scaling },
});
const cold = (
  platform: string,
  monthlyRequests: number,
  service: EstimateService,
  options = {},
  meanDurationMs = 100,
  peakRps = 1,
) =>
  estimateColdStarts(
    { platform, traffic: { monthlyRequests, meanDurationMs, peakRps }, service, options },
    book,
  );

describe("idle cold starts", () => {
  it("are e^(−λT) per request on Lambda: 1,000 requests a month with T = 600 s", () => {
    const c = cold("aws/lambda", 1000, fn());
    const lambda = 1000 / SECONDS_PER_MONTH;
    expect(c.arrivalRate).toBeCloseTo(lambda, 15);
    expect(c.pColdIdle).toBeCloseTo(Math.exp(-lambda * 600), 12);
    expect(c.pColdIdle).toBeCloseTo(0.796, 3);
    expect(c.idleColdStartsPerMonth).toBeCloseTo(796.0, 0);
  });

  it("vanish with steady traffic (λT ≫ 1) and with a warm pool", () => {
    expect(cold("aws/lambda", 1e7, fn()).pColdIdle).toBeLessThan(1e-100);
    const pc = cold("aws/lambda", 1000, fn("nodejs20", { min: 1 }));
    expect(pc.pColdIdle).toBe(0);
    expect(pc.coldStartsPerMonth).toBe(0);
    expect(cold("gcp/cloud-run", 1000, box({ min: 1 })).pColdIdle).toBe(0);
    expect(cold("azure/functions", 1000, fn(), { alwaysReady: 1 }).pColdIdle).toBe(0);
  });

  it("use each platform's keep-alive: 20 minutes on Azure Functions, 30 on an Eco dyno", () => {
    expect(cold("azure/functions", 1000, fn()).keepAliveSeconds).toBe(1200);
    const eco = cold("heroku/heroku", 1000, { ...box(), resources: { memory: 512 } }, { dynoSize: "eco" });
    expect(eco.keepAliveSeconds).toBe(1800);
    expect(eco.pColdIdle).toBeCloseTo(Math.exp(-(1000 / SECONDS_PER_MONTH) * 1800), 12);
  });

  it("are zero on always-on platforms", () => {
    for (const [platform, options] of [
      ["aws/ecs-fargate", {}],
      ["azure/app-service", {}],
      ["digitalocean/droplet", {}],
      ["heroku/heroku", { dynoSize: "basic" }],
      ["kubernetes/kubernetes", {}],
      ["local/container", {}],
    ] as const) {
      const c = cold(platform, 100, box({ min: 1 }), options);
      expect(c.keepAliveSeconds, platform).toBeNull();
      expect(c.pCold, platform).toBe(0);
      expect(c.addedLatencyMs, platform).toBeNull();
    }
  });

  it("come back on App Service without Always On", () => {
    const off = cold("azure/app-service", 1000, box({ min: 1 }), { alwaysOn: false });
    expect(off.keepAliveSeconds).toBe(1200);
    expect(off.pColdIdle).toBeGreaterThan(0.5);
  });
});

describe("scale-out at the daily peak", () => {
  it("starts one instance per request in flight above the warm pool on Lambda, once a day", () => {
    // Steady traffic keeps one environment warm; a peak of 50 requests/s × 0.2 s needs 10.
    const c = cold("aws/lambda", 1e7, fn(), {}, 200, 50);
    expect(c.scaleOutStartsPerMonth).toBeCloseTo((10 - 1) * PEAKS_PER_MONTH, 9);
    expect(c.coldStartsPerMonth).toBeCloseTo(c.scaleOutStartsPerMonth + c.idleColdStartsPerMonth, 9);
    const warmer = cold("aws/lambda", 1e7, fn("nodejs20", { min: 4 }), {}, 200, 50);
    expect(warmer.scaleOutStartsPerMonth).toBeCloseTo(6 * PEAKS_PER_MONTH, 9);
  });

  it("is bounded by the most instances the target runs", () => {
    expect(
      cold("aws/lambda", 1e7, fn("nodejs20", { max: 5 }), {}, 200, 50).scaleOutStartsPerMonth,
    ).toBeCloseTo(4 * PEAKS_PER_MONTH, 9);
  });

  it("counts starts on always-on autoscaling platforms without making a request wait", () => {
    const c = cold("aws/ecs-fargate", 1e6, box({ min: 1, max: 10, concurrency: 10 }), {}, 500, 100);
    expect(c.scaleOutStartsPerMonth).toBeGreaterThan(0);
    expect(c.coldStartsPerMonth).toBe(0);
    expect(c.pCold).toBe(0);
  });
});

describe("the latency a cold start adds", () => {
  it("is the measured Lambda init for the runtime family (maxday/lambda-perf)", () => {
    expect(cold("aws/lambda", 1000, fn("nodejs20")).addedLatencyMs).toBe(139.2);
    expect(cold("aws/lambda", 1000, fn("python3.12")).addedLatencyMs).toBe(83);
    expect(cold("aws/lambda", 1000, fn("java21")).addedLatencyVerified).toBe(true);
  });

  it("is unknown for a family nobody measured, and says so", () => {
    const php = cold("gcp/cloud-functions", 1000, fn("php8.3"));
    expect(php.addedLatencyMs).toBeNull();
    expect(php.warnings.join("\n")).toContain("no measured cold-start latency for php");
  });

  it("uses the container-image figure for a container, flagged as a stand-in off Lambda", () => {
    const c = cold("gcp/cloud-run", 1000, box());
    expect(c.addedLatencyMs).toBeGreaterThan(
      cold("gcp/cloud-functions", 1000, fn("nodejs20")).addedLatencyMs ?? Infinity,
    );
    expect(c.addedLatencyVerified).toBe(false);
  });
});

describe("the busy-instance arithmetic", () => {
  it("gives E[Q] = L for one request per instance, across small and large means", () => {
    for (const L of [0, 1e-6, 0.3, 5, 87.5, 4000, 2.5e5])
      expect(busyInstances(L, 1)).toBeCloseTo(L, L > 1000 ? 3 : 9);
  });

  it("is P(Q ≥ 1) for sparse traffic on a wide instance, and never more than L", () => {
    expect(busyInstances(0.01, 80)).toBeCloseTo(probBusy(0.01), 12);
    expect(busyInstances(50, 80)).toBeLessThan(50);
    expect(busyWarmInstances(0.5, 1, 2)).toBeCloseTo(
      expectPoisson(0.5, (k) => Math.min(k, 2)),
      12,
    );
    expect(expectPoisson(3, () => 1)).toBeCloseTo(1, 12);
  });

  it("sizes the peak as ceil(rps × duration / concurrency)", () => {
    expect(instancesForRate(25, 0.12, 1)).toBe(3);
    expect(instancesForRate(100, 0.5, 80)).toBe(1);
    expect(instancesForRate(0, 1, 1)).toBe(0);
  });
});
