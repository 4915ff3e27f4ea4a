// The price tables as shipped, the --prices override (merge, unknown ids, bad files) and the
// 180-day staleness rule.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InternalError, UsageError } from "../errors.js";
import { estimateCost, stalePrices, tableAges, priceAges } from "./index.js";
import { PRICE_TABLE_PROVIDERS, loadPriceBook, packageRoot, parseShippedTable } from "./load.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "apiship-prices-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, body: string): Promise<string> {
  const f = path.join(dir, name);
  await writeFile(f, body);
  return f;
}

async function usageError(p: Promise<unknown>): Promise<UsageError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UsageError);
  return e as UsageError;
}

const lambdaInput = {
  platform: "aws/lambda",
  traffic: { monthlyRequests: 5_000_000, meanDurationMs: 100, peakRps: 10 },
  service: {
    kind: "function" as const,
    resources: { memory: 1024 },
    scaling: { min: 0, max: 100 },
    function: { runtime: "python3.12" },
  },
  options: {},
};

describe("the shipped tables", () => {
  it("are found from the package root and hold one table per provider", async () => {
    expect(packageRoot()).toBe(path.resolve(import.meta.dirname, "../.."));
    const book = await loadPriceBook();
    expect(book.providers()).toEqual([...PRICE_TABLE_PROVIDERS]);
    expect(book.price("aws.lambda.request")).toMatchObject({
      value: 0.2,
      unit: "USD per 1M requests",
      provider: "aws",
    });
  });

  it("refuse a broken table as apiship's bug, naming the file", () => {
    expect(() => parseShippedTable("{", "prices/x.json")).toThrow(InternalError);
    expect(() => parseShippedTable('{"provider":"x","currency":"EUR","prices":[]}', "prices/x.json")).toThrow(
      /prices\/x\.json.*currency/,
    );
  });
});

describe("--prices overrides", () => {
  it("replace the value of any price by id and keep the rest of the table", async () => {
    const f = await file(
      "negotiated.json",
      JSON.stringify({
        currency: "USD",
        prices: [
          {
            id: "aws.lambda.request",
            value: 0.1,
            source: "https://example.com/contract",
            seen: "2026-11-01",
          },
        ],
      }),
    );
    const book = await loadPriceBook({ overrideFile: f });
    expect(book.price("aws.lambda.request")).toMatchObject({
      value: 0.1,
      overriddenBy: f,
      shippedValue: 0.2,
      seen: "2026-11-01",
      unit: "USD per 1M requests",
    });
    expect(book.price("aws.lambda.duration.x86_64").value).toBe(0.0000166667);
    const shipped = estimateCost(lambdaInput, await loadPriceBook(), { freeTier: "ignore" });
    const cheaper = estimateCost(lambdaInput, book, { freeTier: "ignore" });
    expect(shipped.total - cheaper.total).toBeCloseTo(5 * 0.1, 9);
  });

  it("also replace a free tier's amount", async () => {
    const f = await file(
      "used-up.json",
      JSON.stringify({ currency: "USD", freeTiers: [{ id: "aws.lambda.free.compute", amount: 0 }] }),
    );
    const book = await loadPriceBook({ overrideFile: f });
    const b = estimateCost(lambdaInput, book);
    expect(b.lines.find((l) => l.priceId === "aws.lambda.duration.x86_64")?.freeQuantity).toBe(0);
  });

  it("refuse unknown ids with the file, the ids, the nearest known id and a hint", async () => {
    const f = await file(
      "typo.json",
      JSON.stringify({
        currency: "USD",
        prices: [
          { id: "aws.lambda.requests", value: 0.1 },
          { id: "nope.x", value: 1 },
        ],
      }),
    );
    const e = await usageError(loadPriceBook({ overrideFile: f }));
    expect(e.message).toBe(`${f}: unknown price ids aws.lambda.requests, nope.x`);
    expect(e.hint).toContain("aws.lambda.requests → aws.lambda.");
    expect(e.hint).toContain("apiship prices");
  });

  it("refuse bad JSON, a bad shape and a different unit, naming the file and never with a stack trace", async () => {
    const bad = await file("bad.json", "{ prices: [");
    const e1 = await usageError(loadPriceBook({ overrideFile: bad }));
    expect(e1.message).toMatch(new RegExp(`^${bad} is not valid JSON`));
    expect(e1.hint).toContain('"currency": "USD"');

    const shape = await file(
      "shape.json",
      JSON.stringify({ currency: "USD", prices: [{ id: "aws.lambda.request", value: "cheap" }] }),
    );
    const e2 = await usageError(loadPriceBook({ overrideFile: shape }));
    expect(e2.message).toContain(`${shape} is not a price table: prices.0.value`);

    const eur = await file("eur.json", JSON.stringify({ currency: "EUR", prices: [] }));
    expect((await usageError(loadPriceBook({ overrideFile: eur }))).message).toContain("currency");

    const unit = await file(
      "unit.json",
      JSON.stringify({
        currency: "USD",
        prices: [{ id: "aws.lambda.request", value: 0.0000002, unit: "USD per request" }],
      }),
    );
    const e4 = await usageError(loadPriceBook({ overrideFile: unit }));
    expect(e4.message).toBe(
      `${unit}: aws.lambda.request is priced "USD per 1M requests", not "USD per request"`,
    );

    const e5 = await usageError(loadPriceBook({ overrideFile: path.join(dir, "missing.json") }));
    expect(e5.message).toContain("missing.json (ENOENT)");
  });
});

describe("staleness", () => {
  it("reports figures seen more than 180 days before now, per price and per table", async () => {
    const book = await loadPriceBook();
    const now = new Date("2026-12-07T12:00:00Z");
    const heroku = tableAges(book, now).find((t) => t.provider === "heroku");
    expect(heroku).toMatchObject({ oldestSeen: "2024-10-11", stale: true });
    expect(heroku?.ageDays).toBe(787);
    expect(heroku?.staleIds).toContain("heroku.dyno.basic");
    const gcp = tableAges(book, now).find((t) => t.provider === "gcp");
    expect(gcp?.stale).toBe(false);
    // The same table is fresh when "now" is its date.
    expect(tableAges(book, new Date("2024-10-12")).find((t) => t.provider === "heroku")?.staleIds).toEqual(
      [],
    );
  });

  it("limits the plan warning to the prices an estimate used, and ages overrides by their own date", async () => {
    const f = await file(
      "dated.json",
      JSON.stringify({
        currency: "USD",
        prices: [{ id: "heroku.dyno.basic", value: 7, seen: "2026-12-01" }],
      }),
    );
    const book = await loadPriceBook({ overrideFile: f });
    const now = new Date("2026-12-07");
    expect(stalePrices(book, now, ["heroku.dyno.basic"])).toEqual([]);
    expect(stalePrices(book, now, ["heroku.dyno.standard-1x"]).map((r) => r.id)).toEqual([
      "heroku.dyno.standard-1x",
    ]);
    expect(stalePrices(book, now, ["heroku.dyno.eco"], 1000)).toEqual([]);
    const row = priceAges(book, now).find((r) => r.id === "heroku.dyno.basic");
    expect(row).toMatchObject({ ageDays: 6, stale: false, overriddenBy: f });
  });

  it("gives an override without a date no age, and keeps none of the shipped source's verdict", async () => {
    const f = await file(
      "undated.json",
      JSON.stringify({
        currency: "USD",
        prices: [{ id: "heroku.dyno.basic", value: 6, source: "contract 2026-11" }],
      }),
    );
    const book = await loadPriceBook({ overrideFile: f });
    expect(book.price("heroku.dyno.basic")).toMatchObject({
      value: 6,
      source: "contract 2026-11",
      seen: undefined,
      verified: undefined,
    });
    expect(priceAges(book, new Date("2030-01-01")).find((r) => r.id === "heroku.dyno.basic")).toMatchObject({
      ageDays: undefined,
      stale: false,
    });
  });

  it("refuses cold-start data in an override: only prices and free tiers can be replaced", async () => {
    const f = await file(
      "cold.json",
      JSON.stringify({ currency: "USD", coldStart: { "aws/lambda": { keepAliveSeconds: 60 } } }),
    );
    expect((await usageError(loadPriceBook({ overrideFile: f }))).message).toContain("coldStart");
  });
});
