// Property tests (fast-check) over every platform's model: cost never falls when requests or the
// mean duration grow, and a bigger warm pool (scaling.min) never adds cold starts nor lowers cost.
//
// Where the pricing itself bends a property, the property says so instead of hiding it:
// - Free tiers are drawn by the meter that runs: on Azure Flex with always-ready instances longer
//   requests move executions from always-ready (no grant) to on-demand (250,000 free), which can
//   lower the bill. Monotonicity in traffic is therefore checked with free tiers applied when
//   scaling.min is 0, and with free tiers ignored for any scaling.min.
// - A warm pool pays for itself when it is busy enough (Lambda provisioned concurrency beyond
//   ~60% use, Flex always-ready beyond ~40%): "more scaling.min costs more" is checked while the
//   mean load is light (under 0.3 requests in flight).
// FUZZ_SEED reproduces a failure.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateColdStarts, estimateCost } from "./index.js";
import type { EstimateInput, EstimateService, FreeTierMode } from "./index.js";
import { readShippedTables } from "./load.js";
import { SECONDS_PER_MONTH } from "./month.js";
import { PriceBook } from "./price-book.js";

const book = new PriceBook(await readShippedTables());
const params = { seed: Number(process.env.FUZZ_SEED ?? 20261207), numRuns: 150, endOnFailure: true };

type Kind = EstimateService["kind"];
/** Each platform with the kind it takes and the option variants worth exploring. */
const PLATFORMS: readonly (readonly [string, Kind, readonly Record<string, unknown>[]])[] = [
  ["aws/lambda", "function", [{}, { architecture: "arm64" }, { ephemeralStorage: 2048 }]],
  [
    "aws/ecs-fargate",
    "container",
    [{}, { loadBalancer: { arn: "a", listenerArn: "b" } }, { assignPublicIp: false }],
  ],
  ["azure/functions", "function", [{}, { alwaysReady: 1 }, { plan: "consumption" }]],
  ["azure/app-service", "container", [{}, { sku: "B1" }, { sku: "S1", alwaysOn: false }]],
  ["azure/aks", "container", [{}]],
  ["gcp/cloud-run", "container", [{}, { cpuIdle: false }]],
  ["gcp/cloud-functions", "function", [{}]],
  ["gcp/gke", "container", [{}]],
  ["firebase/functions", "function", [{}, { hosting: { path: "/api/**" } }]],
  ["digitalocean/app-platform", "container", [{}, { instanceSize: "apps-d-1vcpu-1gb" }]],
  ["digitalocean/functions", "function", [{}]],
  ["digitalocean/droplet", "container", [{}]],
  ["heroku/heroku", "container", [{}, { dynoSize: "eco" }, { dynoSize: "standard-2x" }]],
  ["kubernetes/kubernetes", "container", [{}]],
  ["local/process", "function", [{}]],
  ["local/container", "container", [{}]],
];

const caseArb = fc
  .record({
    platform: fc.constantFrom(...PLATFORMS),
    variant: fc.nat(),
    memory: fc.constantFrom(128, 256, 512, 1024, 2048, 4096),
    cpu: fc.option(fc.constantFrom(0.25, 0.5, 1, 2), { nil: undefined }),
    min: fc.integer({ min: 0, max: 3 }),
    extraMax: fc.integer({ min: 1, max: 40 }),
    concurrency: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    requests: fc.integer({ min: 0, max: 2e9 }),
    durationMs: fc.integer({ min: 1, max: 30_000 }),
    peakFactor: fc.double({ min: 1, max: 20, noNaN: true }),
    egressGb: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
    payloadKb: fc.option(fc.integer({ min: 0, max: 512 }), { nil: undefined }),
  })
  .map((c) => {
    const [platform, kind, variants] = c.platform;
    const service: EstimateService = {
      kind,
      resources: c.cpu === undefined ? { memory: c.memory } : { memory: c.memory, cpu: c.cpu },
      scaling: {
        min: c.min,
        max: c.min + c.extraMax,
        ...(c.concurrency === undefined ? {} : { concurrency: c.concurrency }),
      },
      ...(kind === "function" ? { function: { runtime: "nodejs20" } } : {}),
    };
    return { ...c, platform, service, options: variants[c.variant % variants.length] ?? {} };
  });

function input(
  c: {
    platform: string;
    service: EstimateService;
    options: Record<string, unknown>;
    egressGb?: number;
    payloadKb?: number;
    peakFactor: number;
  },
  requests: number,
  durationMs: number,
  peakBase = requests,
): EstimateInput {
  const peakRps = (peakBase / SECONDS_PER_MONTH) * c.peakFactor + 1;
  return {
    platform: c.platform,
    service: c.service,
    options: c.options,
    traffic: {
      monthlyRequests: requests,
      meanDurationMs: durationMs,
      peakRps,
      ...(c.egressGb === undefined ? {} : { egressGb: c.egressGb }),
      ...(c.payloadKb === undefined ? {} : { payloadKb: c.payloadKb }),
    },
  };
}

const total = (i: EstimateInput, freeTier: FreeTierMode) => estimateCost(i, book, { freeTier }).total;
const notBelow = (a: number, b: number) => a >= b - 1e-9 * Math.max(1, Math.abs(b));
const modes = (min: number): FreeTierMode[] => (min === 0 ? ["apply", "ignore"] : ["ignore"]);

describe("cost is monotone in traffic", () => {
  it("never falls when monthly requests grow (same peak)", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 2e9 }), (c, more) => {
        const a = c.requests;
        const b = a + more;
        for (const mode of modes(c.service.scaling.min)) {
          const lo = total(input(c, a, c.durationMs, b), mode);
          const hi = total(input(c, b, c.durationMs, b), mode);
          expect(notBelow(hi, lo), `${c.platform} ${mode}: ${a} → ${b} requests: $${lo} → $${hi}`).toBe(true);
        }
      }),
      params,
    );
  });

  it("never falls when the mean duration grows", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 30_000 }), (c, more) => {
        for (const mode of modes(c.service.scaling.min)) {
          const lo = total(input(c, c.requests, c.durationMs), mode);
          const hi = total(input(c, c.requests, c.durationMs + more), mode);
          expect(
            notBelow(hi, lo),
            `${c.platform} ${mode}: ${c.durationMs} → ${c.durationMs + more} ms: $${lo} → $${hi}`,
          ).toBe(true);
        }
      }),
      params,
    );
  });
});

describe("a bigger warm pool (scaling.min)", () => {
  const withMin = (c: { service: EstimateService }, min: number): EstimateService => ({
    ...c.service,
    scaling: { ...c.service.scaling, min, max: Math.max(c.service.scaling.max, min + 1) },
  });

  it("never adds cold starts", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 5 }), (c, more) => {
        const i = input(c, c.requests, c.durationMs);
        const a = estimateColdStarts({ ...i, service: withMin(c, c.min) }, book);
        const b = estimateColdStarts({ ...i, service: withMin(c, c.min + more) }, book);
        expect(
          b.coldStartsPerMonth <= a.coldStartsPerMonth + 1e-9,
          `${c.platform}: min ${c.min} → ${c.min + more}`,
        ).toBe(true);
        expect(b.pCold <= a.pCold + 1e-12).toBe(true);
      }),
      params,
    );
  });

  it("never costs less while the mean load is light (under 0.3 requests in flight)", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 5 }), (c, more) => {
        const light = Math.min(c.requests, Math.floor((0.3 * SECONDS_PER_MONTH * 1000) / c.durationMs));
        const i = input(c, light, c.durationMs);
        for (const mode of ["apply", "ignore"] as const) {
          const a = estimateCost({ ...i, service: withMin(c, c.min) }, book, { freeTier: mode }).total;
          const b = estimateCost({ ...i, service: withMin(c, c.min + more) }, book, { freeTier: mode }).total;
          expect(notBelow(b, a), `${c.platform} ${mode}: min ${c.min} → ${c.min + more}: $${a} → $${b}`).toBe(
            true,
          );
        }
      }),
      params,
    );
  });
});
