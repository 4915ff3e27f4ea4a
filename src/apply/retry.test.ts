import { describe, expect, it } from "vitest";
import { ProviderError } from "../errors.js";
import { backoffDelay, DEFAULT_RETRY, withRetry } from "./retry.js";
import type { RetryInfo } from "./retry.js";

const signal = new AbortController().signal;
const throttled = (retryAfter?: number) =>
  new ProviderError("slow down", {
    code: "Throttling",
    retryable: true,
    ...(retryAfter ? { retryAfter } : {}),
  });

describe("withRetry", () => {
  it("retries retryable errors and reports each retry", async () => {
    const seen: RetryInfo[] = [];
    let n = 0;
    const r = await withRetry(async () => (++n < 3 ? Promise.reject(throttled()) : "ok"), {
      signal,
      what: "x",
      baseMs: 1,
      capMs: 2,
      onRetry: (i) => void seen.push(i),
    });
    expect(r).toEqual({ ok: true, value: "ok", attempts: 3 });
    expect(seen.map((s) => [s.attempt, s.error.code])).toEqual([
      [1, "Throttling"],
      [2, "Throttling"],
    ]);
  });

  it("does not retry a non-retryable error", async () => {
    let n = 0;
    const r = await withRetry(
      async () => {
        n++;
        throw new ProviderError("no", { code: "AccessDenied" });
      },
      { signal, what: "x", baseMs: 1 },
    );
    expect(n).toBe(1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe("AccessDenied");
  });

  it("gives up after maxAttempts", async () => {
    const r = await withRetry(() => Promise.reject(throttled()), {
      signal,
      what: "x",
      baseMs: 1,
      capMs: 1,
      maxAttempts: 4,
    });
    expect(r).toMatchObject({ ok: false, attempts: 4 });
  });

  it("honours Retry-After as a floor under the jittered delay", async () => {
    const delays: number[] = [];
    let n = 0;
    await withRetry(async () => (++n === 1 ? Promise.reject(throttled(0.02)) : "ok"), {
      signal,
      what: "x",
      baseMs: 1,
      capMs: 1,
      random: () => 0,
      onRetry: (i) => void delays.push(i.delayMs),
    });
    expect(delays).toEqual([20]);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0.999, 3)).toBe(3000);
  });

  it("full jitter stays under the capped exponential ceiling", () => {
    const p = { ...DEFAULT_RETRY, baseMs: 100, capMs: 1000 };
    expect(backoffDelay(3, p, () => 0.999)).toBeLessThan(400);
    expect(backoffDelay(10, p, () => 0.999)).toBeLessThan(1000);
    expect(backoffDelay(10, p, () => 0)).toBe(0);
  });

  it("turns a call that outlives its timeout into a retryable TIMEOUT", async () => {
    let n = 0;
    const r = await withRetry(
      (s) => (++n === 1 ? new Promise<string>(() => void s) : Promise.resolve("late ok")),
      { signal, what: "apply web", timeoutMs: 10, baseMs: 1 },
    );
    expect(r).toEqual({ ok: true, value: "late ok", attempts: 2 });
    const never = await withRetry(() => new Promise<string>(() => undefined), {
      signal,
      what: "apply web",
      timeoutMs: 5,
      maxAttempts: 2,
      baseMs: 1,
    });
    expect(never.ok).toBe(false);
    if (!never.ok)
      expect([never.error.code, never.error.message]).toEqual(["TIMEOUT", "apply web timed out after 5 ms"]);
  });

  it("launches no retry once stopped, and aborts the call in flight on the run's signal", async () => {
    const stop = new AbortController();
    stop.abort();
    let n = 0;
    const r = await withRetry(() => (n++, Promise.reject(throttled())), {
      signal,
      stop: stop.signal,
      what: "x",
      baseMs: 1,
    });
    expect([r.ok, n]).toEqual([false, 1]);
    const hard = new AbortController();
    setTimeout(() => hard.abort(), 5);
    const h = await withRetry(() => new Promise<string>(() => undefined), {
      signal: hard.signal,
      what: "x",
      timeoutMs: 0,
    });
    expect(h.ok).toBe(false);
    if (!h.ok) expect(h.error.code).toBe("ABORTED");
  });
});
