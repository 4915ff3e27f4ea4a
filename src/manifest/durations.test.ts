import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { UsageError } from "../errors.js";
import { formatDuration, parseDuration, tryParseDuration } from "./durations.js";

describe("tryParseDuration", () => {
  it.each([
    ["500ms", 500],
    ["5s", 5000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1.5s", 1500],
    ["0s", 0],
    [" 10s ", 10_000],
  ])("reads %s as %d ms", (text, ms) => {
    expect(tryParseDuration(text)).toEqual({ ok: true, ms });
  });

  it("rejects a bare number and suggests units", () => {
    const r = tryParseDuration("5");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain("no unit");
      expect(r.hint).toContain('"5s"');
    }
  });

  it("rejects a YAML number with a hint to quote it with a unit", () => {
    const r = tryParseDuration(30);
    expect(r).toMatchObject({ ok: false, message: "30 has no unit" });
  });

  it.each(["5 sec", "five seconds", "5d", "", "-5s", "s"])("rejects %j", (text) => {
    const r = tryParseDuration(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.hint).toMatch(/500ms|5s/);
  });

  it("rejects units out of order or repeated", () => {
    expect(tryParseDuration("30s1m").ok).toBe(false);
    expect(tryParseDuration("1s1s").ok).toBe(false);
  });
});

describe("parseDuration", () => {
  it("returns milliseconds", () => {
    expect(parseDuration("2m")).toBe(120_000);
  });

  it("throws a UsageError with a hint", () => {
    expect(() => parseDuration("soon", "--timeout")).toThrow(UsageError);
    try {
      parseDuration("soon", "--timeout");
    } catch (e) {
      expect((e as UsageError).message).toContain("--timeout");
      expect((e as UsageError).hint).toBeTruthy();
    }
  });
});

describe("formatDuration", () => {
  it("renders the shortest exact spelling", () => {
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatDuration(900_000)).toBe("15m");
    expect(formatDuration(1500)).toBe("1s500ms");
    expect(formatDuration(0)).toBe("0s");
  });

  it("round-trips through tryParseDuration", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 3_600_000 }), (ms) => {
        expect(tryParseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
      }),
    );
  });
});

describe("tryParseDuration, asked again", () => {
  it("gives the same answer every time, whatever was parsed in between", () => {
    // A parse that stops mid-way ("30s1m" reorders its units) must not leave the shared
    // regex's position behind for the next one.
    const inputs = ["1m30s", "30s1m", "2m", "1h2m3s", "5s", "30s1m", "250ms", "1.5s", "x"];
    const first = inputs.map((i) => tryParseDuration(i));
    const again = [...inputs].reverse().map((i) => tryParseDuration(i));
    expect(again.reverse()).toEqual(first);
    expect(first.map((r) => (r.ok ? r.ms : r.message))).toEqual([
      90_000,
      '"30s1m" repeats or reorders units',
      120_000,
      3_723_000,
      5_000,
      '"30s1m" repeats or reorders units',
      250,
      1_500,
      '"x" is not a duration',
    ]);
  });
});
