import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PlanStaleError, UsageError } from "../errors.js";
import { parsePlan, planJsonSchema } from "./schema.js";
import type { Plan } from "./types.js";

const committed = fileURLToPath(new URL("../../schema/plan.schema.json", import.meta.url));

function minimalPlan(): Plan {
  return {
    formatVersion: 1,
    tool: { name: "apiship", version: "0.1.0" },
    createdAt: "2024-05-01T12:00:00.000Z",
    stack: "app/prod",
    manifest: { path: "apiship.yaml", sha256: "b".repeat(64) },
    stateSerial: 2,
    changes: [],
    drift: [],
    summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 0 },
    diagnostics: [],
  };
}

describe("plan JSON Schema", () => {
  it("matches the committed schema/plan.schema.json (run npx vite-node scripts/write-plan-schema.ts)", () => {
    const onDisk: unknown = JSON.parse(readFileSync(committed, "utf8"));
    expect(onDisk).toEqual(planJsonSchema());
  });

  it("describes the plan's required top-level fields", () => {
    const schema = planJsonSchema() as { $defs: { Plan: { required: string[] } } };
    expect(schema.$defs.Plan.required).toEqual(
      expect.arrayContaining([
        "formatVersion",
        "changes",
        "drift",
        "summary",
        "diagnostics",
        "stateSerial",
        "manifest",
      ]),
    );
  });
});

describe("parsePlan", () => {
  it("accepts a valid plan and keeps its content", () => {
    const plan = minimalPlan();
    expect(parsePlan(JSON.parse(JSON.stringify(plan)), "p.json")).toEqual(plan);
  });

  it("calls garbage not a plan", () => {
    for (const v of [null, 42, "x", [], { hello: 1 }]) {
      expect(() => parsePlan(v, "p.json")).toThrow(UsageError);
    }
  });

  it("refuses another format version as stale", () => {
    expect(() => parsePlan({ ...minimalPlan(), formatVersion: 2 }, "p.json")).toThrow(PlanStaleError);
    expect(() => parsePlan({ ...minimalPlan(), formatVersion: 2 }, "p.json")).toThrow(/format 2/);
  });

  it("names what is wrong in a damaged plan", () => {
    const damaged = { ...minimalPlan(), stateSerial: -1, manifest: { path: "a", sha256: "nothex" } };
    const err = (() => {
      try {
        parsePlan(damaged, "p.json");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/stateSerial/);
    expect((err as Error).message).toMatch(/manifest\.sha256/);
  });
});
