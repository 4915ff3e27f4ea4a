import { describe, expect, it } from "vitest";
import { youngGenerationFlag } from "./heap.js";

const FLAG = "--semi-space-growth-factor=1";

describe("youngGenerationFlag", () => {
  it("holds the young generation on the V8 lines of Node 20, 22 and 24", () => {
    for (const v8 of ["11.3.244.8-node.33", "12.4.254.21-node.33", "13.6.233.17-node.41"]) {
      expect(youngGenerationFlag(v8, undefined, [])).toBe(FLAG);
    }
  });

  it("leaves a V8 it was not checked on alone: an unknown flag makes V8 print an error", () => {
    expect(youngGenerationFlag("10.2.154.26-node.26", undefined, [])).toBeUndefined();
    expect(youngGenerationFlag("14.1.146.11-node.14", undefined, [])).toBeUndefined();
  });

  it("stands aside when the user sized the young generation", () => {
    const v8 = "11.3.244.8-node.33";
    expect(youngGenerationFlag(v8, "--max-semi-space-size=64", [])).toBeUndefined();
    expect(youngGenerationFlag(v8, "--enable-source-maps --max_semi_space_size=64", [])).toBeUndefined();
    expect(youngGenerationFlag(v8, undefined, ["--min-semi-space-size=8"])).toBeUndefined();
    expect(youngGenerationFlag(v8, "--enable-source-maps", ["--inspect"])).toBe(FLAG);
  });
});
