import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { poll } from "./poll.js";

/** A virtual clock: sleep advances it, so nothing waits for real. */
function clock() {
  let t = 0;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => t,
    sleep: async (ms: number) => {
      pauses.push(ms);
      t += ms;
    },
  };
}

const seq = <T>(values: T[]) => {
  let i = 0;
  return async () => values[Math.min(i++, values.length - 1)] as T;
};

describe("poll", () => {
  it("returns the first value that is done, backing off exponentially up to the cap", async () => {
    const c = clock();
    const v = await poll(seq([1, 2, 3, 4, 5, 6]), (n) => n === 6, {
      what: "x",
      intervalMs: 100,
      factor: 2,
      maxIntervalMs: 500,
      ...c,
    });
    expect(v).toBe(6);
    expect(c.pauses).toEqual([100, 200, 400, 500, 500]);
  });

  it("treats retryable errors as not yet and rethrows the others", async () => {
    const c = clock();
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls < 3) throw new ProviderError("throttled", { retryable: true });
      return "Active";
    };
    await expect(poll(flaky, (s) => s === "Active", { what: "x", ...c })).resolves.toBe("Active");
    const fatal = async (): Promise<string> => {
      throw new ProviderError("denied", { code: "ACCESS_DENIED" });
    };
    await expect(poll(fatal, () => true, { what: "x", ...c })).rejects.toMatchObject({
      code: "ACCESS_DENIED",
    });
  });

  it("stops with the reason when the value is final but bad", async () => {
    const c = clock();
    const err = await poll(seq(["Pending", "Failed"]), (s) => s === "Active", {
      what: "function f to become Active",
      failed: (s) => (s === "Failed" ? "bad handler" : undefined),
      ...c,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "RESOURCE_FAILED",
      message: "function f to become Active failed: bad handler",
    });
  });

  it("gives up at the deadline with a retryable TIMEOUT", async () => {
    const c = clock();
    const err = await poll(seq([0]), () => false, {
      what: "x",
      intervalMs: 100,
      factor: 1,
      timeoutMs: 1000,
      ...c,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(c.now()).toBeLessThanOrEqual(1000);
  });

  it("stops at once when the signal aborts", async () => {
    const ac = new AbortController();
    const pending = poll(seq([0]), () => false, { what: "x", intervalMs: 60_000, signal: ac.signal });
    ac.abort();
    await expect(pending).rejects.toMatchObject({ code: "ABORTED" });
  });
});
