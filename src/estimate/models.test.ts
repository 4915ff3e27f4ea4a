// Unit tests of the cost models' behaviour: which lines appear for which options, the bounds and
// warnings at peak, free-tier rules, sizes grown like the platforms grow them, and what is left
// incomplete. Figures here are computed from the shipped book's own values, never hard-coded
// from an unverified row.

import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { estimateCost, explain, estimate } from "./index.js";
import type { CostBreakdown, EstimateService } from "./index.js";
import { readShippedTables } from "./load.js";
import { PriceBook } from "./price-book.js";
import { SECONDS_PER_MONTH } from "./month.js";

const book = new PriceBook(await readShippedTables());
const v = (id: string) => book.price(id).value;

const fn = (memory = 512, scaling: Partial<EstimateService["scaling"]> = {}): EstimateService => ({
  kind: "function",
  resources: { memory },
  scaling: { min: 0, max: 100, ...scaling },
  function: { runtime: "python3.12" },
});
const box = (
  memory = 1024,
  scaling: Partial<EstimateService["scaling"]> = {},
  cpu?: number,
): EstimateService => ({
  kind: "container",
  resources: cpu === undefined ? { memory } : { memory, cpu },
  scaling: { min: 0, max: 10, ...scaling },
});
const t = (monthlyRequests: number, meanDurationMs = 100, peakRps = 10, extra: object = {}) => ({
  monthlyRequests,
  meanDurationMs,
  peakRps,
  ...extra,
});
const ids = (b: CostBreakdown) => b.lines.map((l) => l.priceId);
const run = (
  platform: string,
  traffic: ReturnType<typeof t>,
  service: EstimateService,
  options = {},
  freeTier: "apply" | "ignore" = "apply",
) => estimateCost({ platform, traffic, service, options }, book, { freeTier });

describe("aws/lambda", () => {
  it("prices arm64 duration at the arm64 rate", () => {
    const b = run("aws/lambda", t(1e7, 200), fn(1024), { architecture: "arm64" }, "ignore");
    const d = b.lines.find((l) => l.priceId === "aws.lambda.duration.arm64");
    expect(d?.quantity).toBe(1e7 * 0.2 * 1);
    expect(d?.amount).toBeCloseTo(2e6 * v("aws.lambda.duration.arm64"), 9);
  });

  it("bills provisioned concurrency all month and drops the free tier with it", () => {
    const b = run("aws/lambda", t(500_000, 100), fn(512, { min: 3 }));
    expect(ids(b)).toEqual([
      "aws.lambda.request",
      "aws.lambda.provisioned-concurrency.x86_64",
      "aws.lambda.provisioned-duration.x86_64",
      "aws.lambda.duration.x86_64",
    ]);
    expect(b.lines.every((l) => l.freeQuantity === 0)).toBe(true);
    expect(b.lines[1]?.quantity).toBe(3 * 0.5 * SECONDS_PER_MONTH);
    expect(b.total).toBeCloseTo(b.totalOtherFreeTierMode, 12);
  });

  it("bounds instances at peak by scaling.max and says how much it serves", () => {
    const b = run("aws/lambda", t(1e6, 500, 400), fn(512, { max: 50 }));
    expect(b.instancesNeededAtPeak).toBe(200);
    expect(b.instancesAtPeak).toBe(50);
    expect(b.warnings.join("\n")).toContain(
      "scaling.max (the function's reserved concurrency) allows 50: about 100 requests/s are served",
    );
  });

  it("warns when the target's region is not the table's", () => {
    expect(run("aws/lambda", t(1e6), fn(), { region: "eu-central-1" }).warnings.join("\n")).toContain(
      "us-east-1 list prices; eu-central-1",
    );
    expect(run("aws/lambda", t(1e6), fn(), { region: "us-east-1" }).warnings.join("\n")).not.toContain(
      "list prices",
    );
  });

  it("adds ephemeral storage above 512 MB and egress when given", () => {
    const b = run(
      "aws/lambda",
      t(1e6, 100, 10, { egressGb: 500 }),
      fn(),
      { ephemeralStorage: 2560 },
      "ignore",
    );
    const tmp = b.lines.find((l) => l.priceId === "aws.lambda.ephemeral-storage");
    expect(tmp?.quantity).toBeCloseTo(1e6 * 0.1 * 2, 9);
    expect(b.lines.find((l) => l.priceId === "aws.data-transfer.out")?.quantity).toBe(500);
  });
});

describe("aws/ecs-fargate", () => {
  it("runs max(1, min) tasks all month with the ALB, and no ALB when one is shared", () => {
    const own = run("aws/ecs-fargate", t(1e5), box(1024, { min: 2 }, 0.5), { region: "us-east-1" });
    expect(own.lines.find((l) => l.priceId === "aws.fargate.vcpu-hour")?.quantity).toBe(2 * 730 * 0.5);
    expect(ids(own)).toContain("aws.alb.hour");
    const shared = run("aws/ecs-fargate", t(1e5), box(1024, { min: 2 }, 0.5), {
      loadBalancer: { arn: "x", listenerArn: "y" },
    });
    expect(ids(shared)).not.toContain("aws.alb.hour");
    expect(own.total - shared.total).toBeCloseTo(730 * v("aws.alb.hour"), 9);
  });

  it("picks the smallest Fargate vCPU for the memory when resources.cpu is unset", () => {
    const b = run("aws/ecs-fargate", t(1e5), box(3072), {});
    expect(b.lines[0]?.label).toContain("0.5 vCPU");
  });

  it("adds tasks the mean load needs above scaling.min", () => {
    // 200 requests/s × 1 s on 10 per task: ~20 tasks busy on average.
    const b = run(
      "aws/ecs-fargate",
      t(200 * SECONDS_PER_MONTH, 1000, 300),
      box(2048, { min: 1, max: 40, concurrency: 10 }, 1),
    );
    const extra = b.lines.find((l) => l.label.startsWith("Fargate vCPU for the load"));
    expect(extra?.fixed).toBe(false);
    expect((extra?.quantity ?? 0) / 730).toBeGreaterThanOrEqual(19);
  });
});

describe("azure", () => {
  it("functions: rounds memory up to a Flex instance size and bills always-ready from max(alwaysReady, min)", () => {
    const b = run("azure/functions", t(1000), fn(700, { min: 1 }), { alwaysReady: 2 });
    expect(b.lines[0]?.label).toContain("2048 MB");
    expect(b.lines.find((l) => l.priceId === "azure.functions.flex.always-ready.baseline")?.quantity).toBe(
      2 * 2 * SECONDS_PER_MONTH,
    );
  });

  it("functions: warns that sparse short requests bill a 1,000 ms minimum", () => {
    expect(run("azure/functions", t(10_000, 50), fn()).warnings.join("\n")).toContain("1,000 ms");
  });

  it("functions: prices the legacy consumption plan and refuses to invent a premium one", () => {
    expect(ids(run("azure/functions", t(1e6), fn(), { plan: "consumption" }))).toContain(
      "azure.functions.consumption.execution-time",
    );
    const premium = run("azure/functions", t(1e6), fn(), { plan: "premium" });
    expect(premium.complete).toBe(false);
    expect(premium.warnings.join("\n")).toContain("premium plan has no price table");
  });

  it("app-service: an unknown SKU leaves the estimate incomplete instead of pricing it at zero", () => {
    const b = run("azure/app-service", t(1e6), box(), { sku: "P1mv3" });
    expect(b.complete).toBe(false);
    expect(b.warnings.join("\n")).toContain("P1mv3");
  });

  it("aks: the cluster fee plus node shares that are the user's to price", () => {
    const b = run("azure/aks", t(1e6), box(2048, { min: 2, max: 2 }, 1), {});
    expect(ids(b)).toEqual(["azure.aks.cluster-hour", "azure.aks.node.vcpu-hour", "azure.aks.node.gb-hour"]);
    expect(b.complete).toBe(false);
    expect(b.warnings.join("\n")).toContain("node prices are yours");
  });
});

describe("gcp", () => {
  it("cloud-run: request-based by default, instance-based with cpuIdle false (no request fee)", () => {
    expect(ids(run("gcp/cloud-run", t(1e6), box(512, {}, 1)))).toContain(
      "gcp.cloud-run.request-based.request",
    );
    const inst = run("gcp/cloud-run", t(1e6), box(512, {}, 1), { cpuIdle: false });
    expect(ids(inst)).toEqual([
      "gcp.cloud-run.instance-based.vcpu-second",
      "gcp.cloud-run.instance-based.gib-second",
    ]);
  });

  it("cloud-run: a concurrency above one shares instances, so sparse traffic costs no more than one request at a time", () => {
    const one = run("gcp/cloud-run", t(1e6, 300), box(512, { concurrency: 1 }, 1), {}, "ignore");
    const many = run("gcp/cloud-run", t(1e6, 300), box(512, { concurrency: 80 }, 1), {}, "ignore");
    expect(many.total).toBeLessThanOrEqual(one.total);
    // Below 1 vCPU apiship serves one request at a time whatever scaling.concurrency says.
    const small = run("gcp/cloud-run", t(1e6, 300), box(512, { concurrency: 80 }, 0.5), {}, "ignore");
    expect(small.instancesNeededAtPeak).toBe(Math.ceil(10 * 0.3));
  });

  it("cloud-run: min instances are billed idle all month", () => {
    const b = run("gcp/cloud-run", t(1000), box(1024, { min: 1 }, 1), {}, "ignore");
    const idle = b.lines.find((l) => l.priceId === "gcp.cloud-run.request-based.idle-vcpu-second");
    expect(idle?.fixed).toBe(true);
    expect(idle?.quantity).toBeGreaterThan(0.99 * SECONDS_PER_MONTH);
  });

  it("cloud-functions: sizes CPU from memory like 2nd gen does when resources.cpu is unset", () => {
    const b = run("gcp/cloud-functions", t(1e6, 1000), fn(256), {}, "ignore");
    expect(
      b.lines.find((l) => l.priceId === "gcp.cloud-run.request-based.vcpu-second")?.quantity,
    ).toBeCloseTo(1e6 * 0.167, 3);
  });

  it("gke: Autopilot rounds requests up (0.25 vCPU steps, at least 1 GB per vCPU)", () => {
    const b = run("gcp/gke", t(1e6), box(512, { min: 1, max: 1 }, 0.3), {});
    expect(b.lines.find((l) => l.priceId === "gcp.gke.autopilot.vcpu-hour")?.quantity).toBe(0.5 * 730);
    expect(b.lines.find((l) => l.priceId === "gcp.gke.autopilot.gb-hour")?.quantity).toBe(0.5 * 730);
  });

  it("firebase: Hosting's transfer replaces Google Cloud egress when a rewrite is configured", () => {
    const traffic = t(1e6, 100, 10, { egressGb: 40 });
    expect(ids(run("firebase/functions", traffic, fn(), {}))).toContain("gcp.network.egress");
    const hosted = run("firebase/functions", traffic, fn(), { hosting: { path: "/api/**" } });
    expect(ids(hosted)).toContain("firebase.hosting.transfer");
    expect(ids(hosted)).not.toContain("gcp.network.egress");
  });
});

describe("digitalocean, heroku, kubernetes, local", () => {
  it("app-platform: grows the size within its family like apiship does, and counts the bandwidth allowance per instance", () => {
    const b = run(
      "digitalocean/app-platform",
      t(1e6, 100, 5, { egressGb: 120 }),
      box(2048, { min: 2, max: 2 }),
      { instanceSize: "apps-s-1vcpu-1gb" },
    );
    expect(ids(b)[0]).toBe("digitalocean.app-platform.apps-s-1vcpu-2gb");
    const transfer = b.lines.find((l) => l.priceId === "digitalocean.app-platform.transfer");
    expect(transfer?.freeQuantity).toBe(120); // 2 × 200 GiB allowance covers it, even with --free-tier ignore
    expect(
      run(
        "digitalocean/app-platform",
        t(1e6, 100, 5, { egressGb: 120 }),
        box(2048, { min: 2, max: 2 }),
        {},
        "ignore",
      ).lines.at(-1)?.amount,
    ).toBe(0);
  });

  it("app-platform: the smallest shared size runs one instance, so the peak is bounded by it", () => {
    const b = run("digitalocean/app-platform", t(1e6, 100, 2000), box(512, { min: 1, max: 5 }), {});
    expect(b.instancesAtPeak).toBe(1);
    expect(b.warnings.join("\n")).toContain("one instance only");
  });

  it("functions: bills at least 100 ms an invocation and nothing per request", () => {
    const b = run("digitalocean/functions", t(1e6, 20), fn(256), {}, "ignore");
    expect(b.lines).toHaveLength(1);
    expect(b.lines[0]?.quantity).toBeCloseTo(1e6 * 0.25 * 0.1, 9);
  });

  it("droplet: an unlisted size is left unpriced and says so", () => {
    const b = run("digitalocean/droplet", t(1e5), box(), { size: "c-32" });
    expect(b.complete).toBe(false);
    expect(b.total).toBe(0);
  });

  it("heroku: grows basic to standard-1x for two dynos, and prices Eco as its plan", () => {
    const two = run("heroku/heroku", t(1e5), box(512, { min: 2 }), { dynoSize: "basic" });
    expect(ids(two)).toEqual(["heroku.dyno.standard-1x"]);
    expect(two.total).toBe(2 * v("heroku.dyno.standard-1x"));
    expect(run("heroku/heroku", t(1e5), box(512), { dynoSize: "eco" }).total).toBe(v("heroku.dyno.eco"));
    expect(run("heroku/heroku", t(1e5), box(512), { dynoSize: "private-s" }).complete).toBe(false);
  });

  it("kubernetes: complete only once the user's node prices are set", () => {
    const b = run("kubernetes/kubernetes", t(1e5), box(1024, { min: 2, max: 2 }, 0.5), {});
    expect(b.total).toBe(0);
    expect(b.complete).toBe(false);
    expect(b.warnings.join("\n")).toContain("kubernetes.node.vcpu-hour");
  });

  it("local: costs nothing", () => {
    const b = run("local/process", t(1e7), fn(), {});
    expect(b.total).toBe(0);
    expect(b.complete).toBe(true);
  });
});

describe("the breakdown", () => {
  it("shows the other free-tier mode's total beside it", () => {
    const b = run("aws/lambda", t(3e6, 120), fn(512));
    const ignored = run("aws/lambda", t(3e6, 120), fn(512), {}, "ignore");
    expect(b.totalOtherFreeTierMode).toBeCloseTo(ignored.total, 12);
    expect(ignored.totalOtherFreeTierMode).toBeCloseTo(b.total, 12);
    expect(b.total).toBeLessThan(ignored.total);
  });

  it("warns about every unconfirmed price it used, and explains itself", () => {
    const e = estimate({ platform: "azure/functions", traffic: t(1e6), service: fn(), options: {} }, book);
    expect(e.cost.warnings.join("\n")).toContain(
      "azure.functions.flex.on-demand.executions ($0.4 per 1M executions) is not confirmed",
    );
    const lines = explain(e);
    expect(lines[0]).toBe("cost: a month is 730 hours (2,628,000 s), as Infracost counts it");
    expect(lines.some((l) => l.startsWith("line: On-demand execution time"))).toBe(true);
    expect(lines.some((l) => l.startsWith("cold starts: arrivals are Poisson"))).toBe(true);
  });

  it("refuses a platform without a model (a plugin's)", () => {
    expect(() => run("acme/thing", t(1), box())).toThrow(UsageError);
  });
});
