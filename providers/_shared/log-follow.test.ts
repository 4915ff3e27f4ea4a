import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/core/provider.js";
import { followLogs, newest, nextPause, pause, snapshotLogs } from "./log-follow.js";
import type { TimedLine } from "./log-follow.js";

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

describe("snapshotLogs", () => {
  const line = (at: number, message: string): TimedLine => ({ message, at, raw: `${at} ${message}` });

  it("cuts --since, --grep and --tail from the first read and stops there without --follow", async () => {
    const asked: boolean[] = [];
    const read = async (again: boolean) => (
      asked.push(again),
      [line(1, "old err"), line(5, "a err"), line(6, "b"), line(7, "c err")]
    );
    const out: LogEntry[] = [];
    const query = { follow: false, since: new Date(2), grep: "err", tail: 1 };
    for await (const e of snapshotLogs(read, query, { signal: new AbortController().signal })) out.push(e);
    expect(out).toEqual([{ message: "c err" }]);
    expect(asked).toEqual([false]);
  });

  it("--follow reads again and yields only lines not printed: newer, or at the newest time and unseen", async () => {
    const stop = new AbortController();
    const reads = [
      [line(1, "a"), line(2, "b")],
      [line(1, "a"), line(2, "b"), line(2, "b2"), line(3, "c")],
      [line(2, "b2"), line(3, "c"), line(3, "c2"), line(4, "skip"), line(5, "d")],
    ];
    const asked: boolean[] = [];
    const read = async (again: boolean) => (asked.push(again), reads.shift() ?? []);
    const out: string[] = [];
    const opts = {
      signal: stop.signal,
      sleep: async () => {
        if (reads.length === 0) stop.abort();
      },
    };
    for await (const e of snapshotLogs(read, { follow: true, grep: "/^[a-d]/" }, opts)) out.push(e.message);
    expect(out).toEqual(["a", "b", "b2", "c", "c2", "d"]);
    expect(asked).toEqual([false, true, true]);
  });
});
