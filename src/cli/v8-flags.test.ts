import { describe, expect, it } from "vitest";
import { cliV8Flags } from "./v8-flags.js";

const YOUNG = "--semi-space-growth-factor=1";
const BUDGET = "--interrupt-budget=540672";
const NODE20 = "11.3.244.8-node.33";

describe("cliV8Flags", () => {
  it("holds the young generation on Node 20, 22 and 24, and delays TurboFan on Node 20", () => {
    expect(cliV8Flags(NODE20, undefined, [])).toEqual([YOUNG, BUDGET]);
    expect(cliV8Flags("12.4.254.21-node.33", undefined, [])).toEqual([YOUNG]);
    expect(cliV8Flags("13.6.233.17-node.41", undefined, [])).toEqual([YOUNG]);
  });

  it("sets nothing on a V8 it was not checked on: an unknown flag makes V8 print an error", () => {
    expect(cliV8Flags("10.2.154.26-node.26", undefined, [])).toEqual([]);
    expect(cliV8Flags("14.1.146.11-node.14", undefined, [])).toEqual([]);
  });

  it("leaves what the user set to the user", () => {
    expect(cliV8Flags(NODE20, "--max-semi-space-size=64", [])).toEqual([BUDGET]);
    expect(cliV8Flags(NODE20, "--enable-source-maps --max_semi_space_size=64", [])).toEqual([BUDGET]);
    expect(cliV8Flags(NODE20, undefined, ["--min-semi-space-size=8"])).toEqual([BUDGET]);
    expect(cliV8Flags(NODE20, undefined, ["--interrupt-budget=1000"])).toEqual([YOUNG]);
    expect(cliV8Flags(NODE20, undefined, ["--interrupt_budget", "1000"])).toEqual([YOUNG]);
    // Another flag whose name starts the same is not the user's interrupt budget.
    const other = ["--interrupt-budget-for-feedback-allocation=4000"];
    expect(cliV8Flags(NODE20, undefined, other)).toEqual([YOUNG, BUDGET]);
    expect(cliV8Flags(NODE20, "--enable-source-maps", ["--inspect"])).toEqual([YOUNG, BUDGET]);
  });
});
