import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/core/provider.js";
import { followLogs, newest, nextPause, pause } from "./log-follow.js";

describe("followLogs", () => {
  it("doubles the pause while nothing arrives, caps it, resets when entries come, stops on abort", async () => {
    const stop = new AbortController();
    const pauses: number[] = [];
    const batches: LogEntry[][] = [
      [],
      [],
      [],
      [],
      [{ message: "a" }, { message: "b" }],
      [],
      [{ message: "c" }],
    ];
    const seen: string[] = [];
    const it = followLogs(async () => batches.shift() ?? [], {
      signal: stop.signal,
      minMs: 100,
      maxMs: 500,
      sleep: async (ms) => {
        pauses.push(ms);
        if (batches.length === 0) stop.abort();
      },
    });
    for await (const e of it) seen.push(e.message);
    expect(seen).toEqual(["a", "b", "c"]);
    expect(pauses).toEqual([100, 200, 400, 500, 500, 100, 200, 100]);
  });

  it("ends without calling next when the signal is already aborted", async () => {
    const stop = new AbortController();
    stop.abort();
    let calls = 0;
    const out: LogEntry[] = [];
    for await (const e of followLogs(async () => (calls++, [{ message: "x" }]), { signal: stop.signal }))
      out.push(e);
    expect({ calls, out }).toEqual({ calls: 0, out: [] });
  });

  it("pause resolves at once on abort, even mid-wait", async () => {
    const stop = new AbortController();
    const p = pause(60_000, stop.signal);
    stop.abort();
    await expect(p).resolves.toBeUndefined();
  });

  it("nextPause and newest", () => {
    expect(nextPause(1000, 0, 1000, 5000)).toBe(2000);
    expect(nextPause(4000, 0, 1000, 5000)).toBe(5000);
    expect(nextPause(5000, 3, 1000, 5000)).toBe(1000);
    expect(newest([1, 2, 3], 2)).toEqual([2, 3]);
    expect(newest([1, 2, 3], 0)).toEqual([]);
    expect(newest([1, 2, 3], undefined)).toEqual([1, 2, 3]);
  });
});
