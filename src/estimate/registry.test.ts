// Every platform `apiship providers` lists has a cost model, a cold-start model and cold-start
// data; every line of every model traces to a price in the shipped tables, in its unit; the
// tables hold what docs/prices.md promises (sources, dates, notes on unconfirmed figures).

import { describe, expect, it } from "vitest";
import { createBuiltinRegistry } from "../../providers/index.js";
import { estimate, estimatedPlatforms } from "./index.js";
import type { EstimateService } from "./index.js";
import { readShippedTables } from "./load.js";
import { PriceBook } from "./price-book.js";

const tables = await readShippedTables();
const book = new PriceBook(tables);
const builtin = (await createBuiltinRegistry().all()).flatMap((m) => Object.values(m.targets));

const services: Record<"function" | "container", EstimateService> = {
  function: {
    kind: "function",
    resources: { memory: 1024 },
    scaling: { min: 1, max: 20 },
    function: { runtime: "nodejs20" },
  },
  container: { kind: "container", resources: { memory: 1024, cpu: 1 }, scaling: { min: 1, max: 20 } },
};
const traffic = {
  monthlyRequests: 40_000_000,
  meanDurationMs: 250,
  peakRps: 120,
  egressGb: 200,
  payloadKb: 8,
};

describe("the model registry", () => {
  it("covers exactly the built-in platforms", () => {
    expect(estimatedPlatforms()).toEqual(builtin.map((t) => t.id).sort());
  });

  it.each(builtin.map((t) => [t.id, t] as const))(
    "%s: every line traces to a shipped price in its unit",
    (id, t) => {
      for (const kind of t.kinds) {
        for (const min of [0, 2]) {
          const service = { ...services[kind], scaling: { ...services[kind].scaling, min } };
          const e = estimate({ platform: id, traffic, service, options: {} }, book);
          expect(e.cost.lines.length).toBeGreaterThan(0);
          for (const l of e.cost.lines) {
            const p = book.price(l.priceId);
            expect(`USD per ${l.unit}`).toBe(p.unit);
            expect(l.unitPrice).toBe(p.value);
            expect(l.freeQuantity).toBeLessThanOrEqual(l.quantity);
            if (l.freeTierId !== undefined && book.freeTier(l.freeTierId)?.unit === "USD")
              expect(l.amount).toBeLessThanOrEqual((l.quantity - l.freeQuantity) * l.unitPrice + 1e-12);
            else expect(l.amount).toBeCloseTo((l.quantity - l.freeQuantity) * l.unitPrice, 9);
          }
          expect(e.cost.total).toBeCloseTo(e.cost.fixedMonthly + e.cost.variableMonthly, 9);
          expect(e.coldStart.pCold).toBeGreaterThanOrEqual(0);
          expect(e.coldStart.pCold).toBeLessThanOrEqual(1);
        }
      }
    },
  );

  it("has cold-start data for every platform", () => {
    for (const t of builtin) expect(book.coldStart(t.id), t.id).toBeDefined();
  });
});

describe("the shipped tables", () => {
  const today = "2026-12-07";

  it("date every figure, no later than when they were compiled, and explain every unconfirmed one", () => {
    for (const t of tables) {
      for (const p of t.prices) {
        expect(p.seen <= today, `${p.id} seen ${p.seen}`).toBe(true);
        if (!p.verified) expect(p.note, `${p.id} is unverified without a note`).toBeTruthy();
      }
      for (const f of t.freeTiers) {
        expect(f.seen <= today, f.id).toBe(true);
        if (!f.verified) expect(f.note, f.id).toBeTruthy();
      }
    }
  });

  it("apply each free tier to prices that exist, in their unit (or as a USD credit)", () => {
    for (const f of tables.flatMap((t) => t.freeTiers)) {
      for (const id of f.appliesTo) {
        const p = book.price(id);
        if (f.unit !== "USD") expect(`USD per ${f.unit}`, `${f.id} → ${id}`).toBe(p.unit);
      }
    }
  });

  it("use each id once across all tables", () => {
    const ids = tables.flatMap((t) => [...t.prices.map((p) => p.id), ...t.freeTiers.map((f) => f.id)]);
    expect(ids.length).toBe(new Set(ids).size);
  });

  it("give a cited, measured cold-start latency for AWS Lambda (maxday/lambda-perf)", () => {
    const c = book.coldStart("aws/lambda");
    expect(c).toMatchObject({ keepAliveSeconds: 600, initMsVerified: true, initMsSeen: "2026-08-22" });
    expect(c?.initMs).toMatchObject({ nodejs: 139.2, python: 83 });
  });
});
