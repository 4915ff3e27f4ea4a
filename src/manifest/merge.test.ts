import { describe, expect, it } from "vitest";
import { deepMerge, fromOverride } from "./merge.js";

describe("deepMerge", () => {
  it("merges mappings key by key", () => {
    const base = { scaling: { min: 0, max: 10 }, access: "public" };
    expect(deepMerge(base, { scaling: { min: 2 } })).toEqual({
      scaling: { min: 2, max: 10 },
      access: "public",
    });
  });

  it("replaces arrays and scalars", () => {
    const base = { container: { image: "a:1", command: ["node", "a.js"] }, timeout: "30s" };
    const merged = deepMerge(base, { container: { command: ["node"] }, timeout: "60s" });
    expect(merged).toEqual({ container: { image: "a:1", command: ["node"] }, timeout: "60s" });
  });

  it("removes a key set to null", () => {
    const base = { scaling: { min: 0, concurrency: 80 }, function: { runtime: "nodejs20" } };
    expect(deepMerge(base, { scaling: { concurrency: null }, function: null })).toEqual({
      scaling: { min: 0 },
    });
  });

  it("replaces a mapping with a scalar and a scalar with a mapping", () => {
    expect(deepMerge({ a: { b: 1 } }, { a: 5 })).toEqual({ a: 5 });
    expect(deepMerge({ a: 5 }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });

  it("modifies neither input", () => {
    const base = { env: { A: "1" }, list: [{ x: 1 }] };
    const override = { env: { B: "2" } };
    const merged = deepMerge(base, override) as { env: Record<string, string>; list: { x: number }[] };
    merged.env.C = "3";
    (merged.list[0] as { x: number }).x = 9;
    expect(base).toEqual({ env: { A: "1" }, list: [{ x: 1 }] });
    expect(override).toEqual({ env: { B: "2" } });
  });

  it("returns the base when there is no override", () => {
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

describe("fromOverride", () => {
  const override = { scaling: { min: 2 }, container: { command: ["node"] }, health: null };

  it("is true for keys the override sets", () => {
    expect(fromOverride(override, ["scaling", "min"])).toBe(true);
    expect(fromOverride(override, ["container", "command", 0])).toBe(true);
    expect(fromOverride(override, ["health", "path"])).toBe(true);
  });

  it("is false for keys that come from the base", () => {
    expect(fromOverride(override, ["scaling", "max"])).toBe(false);
    expect(fromOverride(override, ["resources", "memory"])).toBe(false);
    expect(fromOverride(override, [])).toBe(false);
    expect(fromOverride(undefined, ["scaling", "min"])).toBe(false);
  });
});
