// Estimates in every plan (issue 21) through the built CLI: with a `traffic` block, `plan` shows
// each target's monthly cost with its breakdown, the change against the deployed options and its
// cold starts, in the terminal, Markdown and JSON views; without one, no estimate at all.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PricesResult } from "../../src/cli/commands/prices.js";
import type { Plan } from "../../src/plan/types.js";
import { ROOT, apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

beforeAll(() => ensureBuilt(), 180_000);
afterAll(cleanup);

const TRAFFIC = "  traffic: { monthlyRequests: 2000000, meanDuration: 120ms, peakRps: 20 }\n";

function example(name: string, traffic = TRAFFIC): string {
  const dir = tempDir(`apiship-estimates-${name}-`);
  cpSync(join(ROOT, "examples", name), dir, { recursive: true, filter: (s) => !s.includes(".apiship") });
  const file = join(dir, "apiship.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^targets:\n/m, `${traffic}targets:\n`));
  return dir;
}

const planJson = async (dir: string, ...args: string[]) => {
  const r = await apiship(["plan", "--offline", "--json", ...args], { cwd: dir });
  return envelope<{ plans: Plan[] }>(r).result?.plans[0];
};

describe("estimates in plan", () => {
  it("price every target from the tables, each line traced to a price id, with cold starts", async () => {
    const dir = example("hello-fn");
    const plan = await planJson(dir, "--env", "production");
    const est = plan?.estimates ?? {};
    expect(Object.keys(est).sort()).toEqual(["azfn", "firebase", "gcf", "lambda"]);
    const prices = envelope<PricesResult>(await apiship(["prices", "--json"])).result?.prices ?? [];
    const known = new Set(prices.map((p) => p.id));
    for (const [target, e] of Object.entries(est)) {
      expect(e.lines.length, target).toBeGreaterThan(0);
      for (const l of e.lines) expect(known.has(l.priceId), `${target} ${l.priceId}`).toBe(true);
      const sum = e.lines.reduce((n, l) => n + l.amount, 0);
      expect(Math.abs(sum - e.monthly), target).toBeLessThan(0.05);
      expect(e.coldStart.pCold).toBeGreaterThanOrEqual(0);
    }
    // Lambda: 2M requests at $0.20 per million, the request line alone.
    expect(est.lambda?.lines.find((l) => l.priceId === "aws.lambda.request")?.amount).toBe(0.4);
    const human = await apiship(["plan", "--offline", "--env", "production", "--explain"], { cwd: dir });
    expect(human.stdout).toMatch(/^Estimates \(USD a month of 730 hours, free tiers applied\):$/m);
    expect(human.stdout).toMatch(/^ {2}lambda: \$\d+\.\d\d \(without free tiers \$\d+\.\d\d\)$/m);
    expect(human.stdout).toMatch(/^ {4}cold starts: /m);
    expect(human.stdout).toMatch(/· cost: a month is 730 hours/);
    const md = await apiship(["plan", "--offline", "--env", "production", "--format", "markdown"], {
      cwd: dir,
    });
    expect(md.stdout).toMatch(/\| `lambda` \| \$\d+\.\d\d \|/);
  });

  it("shows both free-tier modes, and the change against the options a target is deployed with", async () => {
    const dir = example("hello-fn");
    const apply = await planJson(dir, "--env", "production");
    const ignore = await planJson(dir, "--env", "production", "--free-tier", "ignore");
    expect(ignore?.estimates?.gcf?.monthly).toBe(apply?.estimates?.gcf?.otherFreeTierMonthly);
    expect(ignore?.estimates?.gcf?.monthly).toBeGreaterThan(apply?.estimates?.gcf?.monthly ?? Infinity);

    const dev = ["--env", "development"];
    expect((await apiship(["deploy", "--yes", ...dev], { cwd: dir })).code).toBe(0);
    try {
      const file = join(dir, "apiship.yaml");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace(
          "    provider: local\n",
          "    provider: local\n    stopTimeout: 9\n",
        ),
      );
      const local = (await planJson(dir, ...dev))?.estimates?.local;
      expect(local).toMatchObject({ monthly: 0, deployedMonthly: 0, deltaMonthly: 0 });
    } finally {
      await apiship(["destroy", "--confirm", "development", ...dev], { cwd: dir });
    }
  });

  it("warns when a price behind an estimate is older than 180 days, and a --prices file moves the figure", async () => {
    const dir = example("sentiment-api");
    const plan = await planJson(dir, "--env", "production");
    expect(plan?.diagnostics.map((d) => d.code)).toContain("prices-stale");
    const alb = plan?.estimates?.fargate?.lines.find((l) => l.priceId === "aws.alb.hour");
    expect(alb?.amount).toBeGreaterThan(0);
    const prices = join(dir, "prices.json");
    writeFileSync(
      prices,
      JSON.stringify({ currency: "USD", prices: [{ id: "aws.alb.hour", value: 0, seen: "2026-12-01" }] }),
    );
    const cheaper = await planJson(dir, "--env", "production", "--prices", prices);
    expect(cheaper?.estimates?.fargate?.lines.find((l) => l.priceId === "aws.alb.hour")?.amount).toBe(0);
  });

  it("makes no estimate without a traffic block", async () => {
    const dir = example("hello-fn", "");
    const plan = await planJson(dir, "--env", "production");
    expect(plan?.estimates).toBeUndefined();
    const human = await apiship(["plan", "--offline", "--env", "production"], { cwd: dir });
    expect(human.stdout).not.toMatch(/Estimates/);
  });
});
