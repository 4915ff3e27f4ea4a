// The one retry layer: a call is sent at most maxAttempts times, a create is sent again after a
// 5xx only when looking for its result finds nothing, and what leaves the layer is marked spent.

import { describe, expect, it } from "vitest";
import type { CallRetryInfo, CallRetryPolicy } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { retryCall } from "./call-retry.js";

const policy = (seen: CallRetryInfo[] = []): CallRetryPolicy => ({
  maxAttempts: 4,
  baseMs: 1,
  capMs: 2,
  maxWaitMs: 1000,
  onRetry: (r) => seen.push(r),
});
const map = (e: unknown) => (e instanceof ProviderError ? e : new ProviderError(String(e)));
const unavailable = () => new ProviderError("503 Service Unavailable", { code: "HTTP_503", retryable: true });
const throttled = () => new ProviderError("429 Too Many Requests", { code: "HTTP_429", retryable: true });

describe("retryCall", () => {
  it("sends an idempotent call again until it succeeds, reporting each retry", async () => {
    const seen: CallRetryInfo[] = [];
    let sends = 0;
    const out = await retryCall(
      policy(seen),
      "GET /x",
      async () => {
        if (++sends < 3) throw unavailable();
        return "ok";
      },
      { map },
    );
    expect([out, sends]).toEqual(["ok", 3]);
    expect(seen.map((r) => `${r.call} #${r.attempt} ${r.code}`)).toEqual([
      "GET /x #1 HTTP_503",
      "GET /x #2 HTTP_503",
    ]);
  });

  it("gives up after maxAttempts and marks the error spent", async () => {
    let sends = 0;
    const err = (await retryCall(
      policy(),
      "GET /x",
      async () => {
        sends++;
        throw unavailable();
      },
      { map },
    ).catch((e: unknown) => e)) as ProviderError;
    expect(sends).toBe(4);
    expect(err.spent).toBe(4);
  });

  it("does not send a create again after a 5xx without a way to look for its result", async () => {
    let sends = 0;
    const err = (await retryCall(
      policy(),
      "POST /things",
      async () => {
        sends++;
        throw unavailable();
      },
      { map, idempotent: false },
    ).catch((e: unknown) => e)) as ProviderError;
    expect(sends).toBe(1);
    expect(err.spent).toBe(1);
  });

  it("sends a create again after a throttle: the cloud did not process it", async () => {
    let sends = 0;
    const out = await retryCall(
      policy(),
      "POST /things",
      async () => {
        if (++sends === 1) throw throttled();
        return "made";
      },
      { map, idempotent: false },
    );
    expect([out, sends]).toEqual(["made", 2]);
  });

  it("a create whose 5xx came after it took effect: found by recover, not sent again", async () => {
    const cloud: string[] = [];
    let sends = 0;
    const out = await retryCall(
      policy(),
      "POST /things",
      async () => {
        sends++;
        cloud.push("thing");
        throw unavailable(); // made, but the answer was lost
      },
      { map, idempotent: false, recover: async () => cloud.find((t) => t === "thing") },
    );
    expect(out).toBe("thing");
    expect(sends).toBe(1);
    expect(cloud).toEqual(["thing"]);
  });

  it("a create whose 5xx came before it did anything: recover finds nothing, so it is sent again", async () => {
    const cloud: string[] = [];
    let sends = 0;
    let looks = 0;
    const out = await retryCall(
      policy(),
      "POST /things",
      async () => {
        if (++sends === 1) throw unavailable();
        cloud.push("thing");
        return "thing";
      },
      {
        map,
        idempotent: false,
        recover: async () => {
          looks++;
          return undefined;
        },
      },
    );
    expect([out, sends, looks]).toEqual(["thing", 2, 1]);
    expect(cloud).toEqual(["thing"]);
  });
});
