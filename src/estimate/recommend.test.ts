// `apiship recommend`'s pure half: which platforms can run a service and why not, the options a
// platform the manifest does not use is estimated with, the p99 rule, the ranking with its loss
// reasons, and the break-even, against a price book whose figures the tests pin (as --prices
// pins them), so every expected number below is computed by hand from those pins.

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createBuiltinRegistry } from "../../providers/index.js";
import type { TargetSpec } from "../manifest/types.js";
import { parseOverrides, readShippedTables } from "./load.js";
import { PriceBook } from "./price-book.js";
import {
  BREAK_EVEN_RANGE,
  breakEven,
  candidates,
  costAt,
  defaultOptions,
  fitProblems,
  p99Ms,
  rank,
  recommend,
  scaleTraffic,
  tableRegion,
  targetSnippet,
} from "./recommend.js";
import type { Candidate, CandidatePlatform, RankInput, RecommendService } from "./recommend.js";
import type { TrafficSpec } from "./types.js";

const shipped = new PriceBook(await readShippedTables());
const builtins: CandidatePlatform[] = (await createBuiltinRegistry().all()).flatMap((m) =>
  Object.values(m.targets),
);

/** The shipped book with these prices and free tiers pinned, through the --prices parser. */
function pinned(prices: Record<string, number>, freeTiers: Record<string, number> = {}): PriceBook {
  const text = JSON.stringify({
    currency: "USD",
    prices: Object.entries(prices).map(([id, value]) => ({ id, value })),
    freeTiers: Object.entries(freeTiers).map(([id, amount]) => ({ id, amount })),
  });
  return new PriceBook(shipped.tables, parseOverrides(text, "pinned.json", shipped));
}

// Lambda at $0.20 per 1M requests and $0.0000166667 per GB-s, no free tier: a 120 ms request at
// 512 MB costs 0.2e-6 + 0.12 × 0.5 × 0.0000166667 = 1.2e-6 USD. A Basic dyno is $7 a month.
const PINS = {
  "aws.lambda.request": 0.2,
  "aws.lambda.duration.x86_64": 0.0000166667,
  "heroku.dyno.basic": 7,
};
const NO_FREE_TIER = { "aws.lambda.free.requests": 0, "aws.lambda.free.compute": 0 };
const book = pinned(PINS, NO_FREE_TIER);
const PER_REQUEST = 0.2e-6 + 0.12 * 0.5 * 0.0000166667;

const fnService: RecommendService = {
  kind: "function",
  function: { runtime: "nodejs20", interface: "portable" },
  resources: { memory: 512 },
  scaling: { min: 0, max: 20 },
  timeoutMs: 10_000,
};
const traffic = (monthlyRequests: number, peakRps = 25): TrafficSpec => ({
  monthlyRequests,
  meanDurationMs: 120,
  peakRps,
});

const platform = (id: string): CandidatePlatform => {
  const p = builtins.find((b) => b.id === id);
  if (!p) throw new Error(`no built-in ${id}`);
  return p;
};
const only = (ids: string[], svc = fnService, targets: TargetSpec[] = []) =>
  candidates(ids.map(platform), targets, svc, book);
const input = (cands: Candidate[], t: TrafficSpec, extra: Partial<RankInput> = {}): RankInput => ({
  service: fnService,
  traffic: t,
  candidates: cands,
  freeTier: "apply",
  ...extra,
});

describe("which platforms can run the service", () => {
  it("refuses another kind, a runtime the platform does not run, a size outside its limits, and this machine", () => {
    expect(fitProblems(platform("gcp/cloud-run"), fnService)).toEqual(["takes container, not a function"]);
    const node20 = fitProblems(platform("digitalocean/functions"), fnService);
    expect(node20).toEqual([expect.stringMatching(/^runs nodejs18, .*, not nodejs20$/)]);
    const big = { ...fnService, resources: { memory: 20_480 } };
    expect(fitProblems(platform("aws/lambda"), big)).toEqual(["memory 20480 MiB is outside 128–10240 MiB"]);
    expect(fitProblems(platform("aws/lambda"), { ...fnService, timeoutMs: 3_600_000 })).toEqual([
      expect.stringMatching(/^timeout 3600000 ms is longer than its 900000 ms$/),
    ]);
    expect(fitProblems(platform("digitalocean/app-platform"), fnService)).toEqual([
      expect.stringContaining("portable handler"),
    ]);
    expect(fitProblems(platform("local/process"), fnService)).toEqual([
      "runs on this machine: not a hosting platform",
    ]);
    expect(fitProblems(platform("aws/lambda"), fnService)).toEqual([]);
  });

  it("estimates a platform the manifest does not use with its defaults and the table's region as a placeholder", () => {
    expect(tableRegion(book, "aws")).toBe("us-east-1");
    const lambda = defaultOptions(platform("aws/lambda"), book);
    expect(lambda).toMatchObject({ placeholders: ["region"], options: { region: "us-east-1" } });
    const run = defaultOptions(platform("gcp/cloud-run"), book);
    expect(run).toMatchObject({ options: { project: "my-project", region: "us-central1" } });
    expect(defaultOptions(platform("heroku/heroku"), book)).toMatchObject({ placeholders: [] });
    // A required option apiship has no placeholder for is named, not guessed.
    const odd: CandidatePlatform = {
      ...platform("aws/lambda"),
      options: z.object({ accountAlias: z.string() }),
    };
    expect(defaultOptions(odd, book)).toEqual({ missing: ["accountAlias"] });
    const [c] = candidates([odd], [], fnService, book);
    expect(c?.unfit).toEqual(["needs options apiship cannot guess: accountAlias"]);
  });

  it("uses the manifest's target and its options where there is one, and skips platforms without a model", () => {
    const target: TargetSpec = {
      name: "api",
      provider: "aws",
      platform: "lambda",
      options: { region: "eu-west-1", architecture: "arm64" },
    };
    const plugin: CandidatePlatform = { ...platform("aws/lambda"), id: "acme/edge", provider: "acme" };
    const cs = candidates(
      [platform("aws/lambda"), platform("heroku/heroku"), plugin],
      [target],
      fnService,
      book,
    );
    expect(cs.map((c) => [c.platform, c.target])).toEqual([
      ["aws/lambda", "api"],
      ["heroku/heroku", undefined],
    ]);
    expect(cs[0]).toMatchObject({ options: target.options, placeholders: [] });
    expect(targetSnippet(cs[0] as Candidate)).toContain("api:\n    provider: aws\n    platform: lambda\n");
    expect(targetSnippet(cs[0] as Candidate)).toContain("region: eu-west-1");
  });
});

describe("p99 latency", () => {
  it("adds the cold start only when more than 1% of requests start cold", () => {
    expect(p99Ms(120, 0.01, 139.2)).toEqual({ ms: 120, withColdStart: false });
    expect(p99Ms(120, 0.0101, 139.2)).toEqual({ ms: 259.2, withColdStart: true });
    expect(p99Ms(120, 0.5, null)).toEqual({ ms: null, withColdStart: true });
  });
});

describe("ranking", () => {
  const cs = only(["aws/lambda", "heroku/heroku", "gcp/cloud-run", "digitalocean/functions"]);

  it("ranks those meeting the budgets by monthly cost, and says why each other one loses", () => {
    // 3M requests: Lambda 3M × 1.2e-6 = $3.60, well warm (P(cold) tiny); the dyno $7.
    const r = rank(input(cs, traffic(3_000_000), { latencyBudgetMs: 300 }), book);
    const lambda = r.find((x) => x.platform === "aws/lambda");
    expect(lambda?.monthly).toBeCloseTo(3_000_000 * PER_REQUEST, 6);
    expect(r.map((x) => [x.platform, x.rank])).toEqual([
      ["aws/lambda", 1],
      ["heroku/heroku", 2],
      ["digitalocean/functions", undefined],
      ["gcp/cloud-run", undefined],
    ]);
    expect(r[2]?.losses).toEqual([expect.stringMatching(/^runs nodejs18, .* not nodejs20$/)]);
    expect(r[3]?.losses).toEqual(["takes container, not a function"]);
  });

  it("loses a platform whose p99 with cold starts is over the latency budget, and one over the money budget", () => {
    // 20,000 requests a month: λ = 0.00761/s, and Lambda's 600 s keep-alive leaves
    // P(cold) = e^(−4.57) = 1.04%, just over 1%, so p99 = 120 ms + Lambda's measured Node.js init.
    const init = shipped.coldStart("aws/lambda")?.initMs?.nodejs ?? NaN;
    const r = rank(input(cs, traffic(20_000), { latencyBudgetMs: 200, budget: 5 }), book);
    const lambda = r.find((x) => x.platform === "aws/lambda");
    expect(lambda?.pCold).toBeGreaterThan(0.01);
    expect(lambda?.p99Ms).toBeCloseTo(120 + init, 6);
    expect(lambda?.losses).toEqual([`p99 ~ ${Math.round(120 + init)} ms with cold starts > 200 ms budget`]);
    expect(r.find((x) => x.platform === "heroku/heroku")?.losses).toEqual(["$7.00 a month > $5.00 budget"]);
    expect(r.filter((x) => x.rank !== undefined)).toEqual([]);
    const rec = recommend(input(cs, traffic(20_000), { latencyBudgetMs: 200, budget: 5 }), book);
    expect(rec.winner).toBeNull();
  });

  it("loses a platform whose cost is not priced in full, naming the prices to set", () => {
    const box: RecommendService = {
      kind: "container",
      resources: { memory: 1024, cpu: 1 },
      scaling: { min: 1, max: 3 },
    };
    const k8s = candidates([platform("kubernetes/kubernetes")], [], box, book);
    const [r] = rank({ ...input(k8s, traffic(1_000_000)), service: box }, book);
    expect(r?.complete).toBe(false);
    expect(r?.losses).toEqual([
      expect.stringMatching(/^not priced in full: .*kubernetes\.node\.vcpu-hour.*--prices/),
    ]);
  });
});

describe("break-even", () => {
  const cs = only(["aws/lambda", "heroku/heroku"]);

  it("finds the volume at which the always-on dyno becomes cheaper than Lambda: $7 / 1.2e-6 per request", () => {
    const t = traffic(3_000_000);
    const be = breakEven(input(cs, t), rank(input(cs, t), book), book);
    expect(be?.outcome).toBe("crosses");
    expect(be?.alwaysOn.platform).toBe("heroku/heroku");
    expect(be?.serverless.platform).toBe("aws/lambda");
    const expected = 7 / PER_REQUEST; // 5,833,331 requests a month
    expect(Math.abs((be?.monthlyRequests ?? 0) / expected - 1)).toBeLessThan(1e-5);
    expect(be?.requestsPerSecond).toBeCloseTo(expected / 2_628_000, 3);
    // The curves agree with the figure: Lambda is cheaper just below it and dearer just above.
    const [lambda, dyno] = [cs[0] as Candidate, cs[1] as Candidate];
    const at = (c: Candidate, n: number) => costAt(c, fnService, t, n, book, "apply");
    expect(at(lambda, expected * 0.99)).toBeLessThan(at(dyno, expected * 0.99));
    expect(at(lambda, expected * 1.01)).toBeGreaterThan(at(dyno, expected * 1.01));
  });

  it("says when one side is cheaper over the whole range instead of inventing a crossing", () => {
    const t = traffic(3_000_000);
    const dear = pinned({ ...PINS, "heroku.dyno.basic": 1e9 }, NO_FREE_TIER);
    expect(breakEven(input(cs, t), rank(input(cs, t), dear), dear)).toMatchObject({
      outcome: "serverless-cheaper",
      monthlyRequests: null,
      range: BREAK_EVEN_RANGE,
    });
    const cheap = pinned({ ...PINS, "heroku.dyno.basic": 0.0001 }, NO_FREE_TIER);
    expect(breakEven(input(cs, t), rank(input(cs, t), cheap), cheap)).toMatchObject({
      outcome: "always-on-cheaper",
      monthlyRequests: null,
    });
    // With Lambda's free tier the dyno is dearer until the free million requests run out.
    const free = pinned({ ...PINS, "heroku.dyno.basic": 0.0001 });
    const withFree = breakEven(input(cs, t), rank(input(cs, t), free), free);
    expect(withFree?.outcome).toBe("crosses");
    expect(withFree?.monthlyRequests).toBeGreaterThan(1e6);
    expect(withFree?.monthlyRequests).toBeLessThan(1.01e6);
    expect(
      breakEven(input(only(["aws/lambda"]), t), rank(input(only(["aws/lambda"]), t), book), book),
    ).toBeNull();
  });

  it("scales the traffic profile: peak and egress grow with the volume, the duration stays", () => {
    expect(scaleTraffic({ monthlyRequests: 1e6, meanDurationMs: 80, peakRps: 10, egressGb: 5 }, 1e8)).toEqual(
      {
        monthlyRequests: 1e8,
        meanDurationMs: 80,
        peakRps: 1000,
        egressGb: 500,
      },
    );
  });
});

describe("the winner's snippet", () => {
  it("marks placeholder values as the user's to set", () => {
    const [lambda] = only(["aws/lambda"]);
    expect(targetSnippet(lambda as Candidate)).toBe(
      [
        "targets:",
        "  lambda:",
        "    provider: aws",
        "    platform: lambda",
        "    region: us-east-1 # placeholder: the price table's region, which the figures are for; set yours",
        "",
      ].join("\n"),
    );
  });
});
