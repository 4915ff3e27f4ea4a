import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PlanStaleError, UsageError } from "../errors.js";
import { assertPlanCurrent, readPlanFile, serializePlan, writePlanFile } from "./file.js";
import type { Plan } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "apiship-planfile-"));

function plan(): Plan {
  return {
    formatVersion: 1,
    tool: { name: "apiship", version: "0.1.0" },
    createdAt: "2024-05-01T12:00:00.000Z",
    stack: "app/prod",
    manifest: { path: "apiship.yaml", sha256: "c".repeat(64) },
    stateSerial: 7,
    changes: [
      {
        address: "web.function",
        target: "web",
        platform: "fake/box",
        type: "function",
        name: "app-prod-web",
        action: "create",
        before: null,
        after: { memory: 512 },
        sensitivePaths: [],
        replacePaths: [],
        dependsOn: [],
      },
    ],
    drift: [],
    summary: { create: 1, update: 0, replace: 0, delete: 0, noop: 0 },
    diagnostics: [],
  };
}

describe("plan files", () => {
  it("round-trips a plan, byte for byte", async () => {
    const path = join(dir, "ok.json");
    await writePlanFile(path, plan());
    const back = await readPlanFile(path);
    expect(back).toEqual(plan());
    expect(serializePlan(back)).toBe(serializePlan(plan()));
  });

  it("refuses a missing file, non-JSON and a wrong format version clearly", async () => {
    await expect(readPlanFile(join(dir, "absent.json"))).rejects.toThrow(UsageError);
    const garbage = join(dir, "garbage.json");
    writeFileSync(garbage, "{ not json");
    await expect(readPlanFile(garbage)).rejects.toThrow(/not JSON/);
    const old = join(dir, "v0.json");
    writeFileSync(old, JSON.stringify({ ...plan(), formatVersion: 0 }));
    await expect(readPlanFile(old)).rejects.toThrow(PlanStaleError);
  });

  it("refuses a plan whose state serial or manifest moved, or that is for another stack", () => {
    const now = { stack: "app/prod", stateSerial: 7, manifestSha256: "c".repeat(64) };
    expect(() => assertPlanCurrent(plan(), now)).not.toThrow();
    expect(() => assertPlanCurrent(plan(), { ...now, stateSerial: 8 })).toThrow(PlanStaleError);
    expect(() => assertPlanCurrent(plan(), { ...now, manifestSha256: "d".repeat(64) })).toThrow(
      PlanStaleError,
    );
    expect(() => assertPlanCurrent(plan(), { ...now, stack: "app/staging" })).toThrow(UsageError);
  });
});
