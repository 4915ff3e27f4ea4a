// `apiship prices` through the built CLI: the shipped tables with the age of every figure, and
// a --prices override applied (or refused with the file and a hint).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STACK_LINE, apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";
import type { PricesResult } from "../../src/cli/commands/prices.js";

beforeAll(() => ensureBuilt(), 180_000);
afterAll(cleanup);

describe("prices", () => {
  it("lists a provider's prices with unit, date seen and age, and every table in --json", async () => {
    const r = await apiship(["prices", "--provider", "aws"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^aws: oldest figure \d+ days old \(\d{4}-\d\d-\d\d\)/);
    expect(r.stdout).toMatch(/aws\.lambda\.request +0\.2 +USD per 1M requests +us-east-1/);
    const all = envelope<PricesResult>(await apiship(["prices", "--json"]));
    const providers = all.result?.tables.map((t) => t.provider) ?? [];
    expect(providers).toEqual(
      expect.arrayContaining(["aws", "azure", "gcp", "digitalocean", "heroku", "firebase"]),
    );
    for (const p of all.result?.prices ?? []) expect(p.source.length, p.id).toBeGreaterThan(0);
  });

  it("applies a --prices override, and refuses an unknown id naming the file", async () => {
    const dir = tempDir();
    const good = join(dir, "negotiated.json");
    writeFileSync(
      good,
      JSON.stringify({
        currency: "USD",
        prices: [{ id: "aws.lambda.request", value: 0.15, seen: "2026-12-01" }],
      }),
    );
    const r = envelope<PricesResult>(
      await apiship(["prices", "--provider", "aws", "--prices", good, "--json"]),
    );
    const request = r.result?.prices.find((p) => p.id === "aws.lambda.request");
    expect(request).toMatchObject({ value: 0.15, overriddenBy: good });
    const bad = join(dir, "typo.json");
    writeFileSync(
      bad,
      JSON.stringify({ currency: "USD", prices: [{ id: "aws.lambda.requests", value: 0.15 }] }),
    );
    const refused = await apiship(["prices", "--prices", bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(bad);
    expect(refused.stderr).toMatch(/hint:/);
    expect(refused.stderr).not.toMatch(STACK_LINE);
  });
});
