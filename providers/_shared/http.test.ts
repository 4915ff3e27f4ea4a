import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import type { HttpError } from "./http.js";
import { createHttpClient, retryAfterSeconds, type HttpClientOptions } from "./http.js";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function stub(responses: Array<Response | Error>) {
  const calls: Call[] = [];
  const sleeps: number[] = [];
  const fetch = (async (url: string | URL, init?: RequestInit) => {
    calls.push({
      url: String(url),
      method: init?.method ?? "GET",
      headers: init?.headers as Record<string, string>,
      body: init?.body as string | undefined,
    });
    const next = responses.shift();
    if (!next) throw new Error("no more stubbed responses");
    if (next instanceof Error) throw next;
    return next;
  }) as typeof globalThis.fetch;
  const opts = (extra: Partial<HttpClientOptions> = {}): HttpClientOptions => ({
    baseUrl: "https://api.example.test/",
    token: "tok",
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => 1_444_931_800_000,
    ...extra,
  });
  return { calls, sleeps, opts };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

describe("createHttpClient", () => {
  it("sends JSON with bearer auth and a query, and parses the JSON answer", async () => {
    const s = stub([json(200, { app: { id: "a1" } })]);
    const c = createHttpClient(s.opts({ headers: { "user-agent": "apiship" } }));
    const out = await c.request<{ app: { id: string } }>("POST", "/v2/apps", {
      query: { page: 1, skip: undefined },
      body: { spec: { name: "x" } },
    });
    expect(out.app.id).toBe("a1");
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]!.url).toBe("https://api.example.test/v2/apps?page=1");
    expect(s.calls[0]!.method).toBe("POST");
    expect(s.calls[0]!.headers).toMatchObject({
      authorization: "Bearer tok",
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": "apiship",
    });
    expect(JSON.parse(s.calls[0]!.body!)).toEqual({ spec: { name: "x" } });
  });

  it("returns undefined for 204 and resolves a lazy token once", async () => {
    let resolved = 0;
    const s = stub([new Response(null, { status: 204 }), new Response(null, { status: 204 })]);
    const c = createHttpClient(s.opts({ token: () => (resolved++, "lazy") }));
    expect(await c.request("DELETE", "/v2/apps/a1")).toBeUndefined();
    await c.request("DELETE", "/v2/apps/a2");
    expect(resolved).toBe(1);
    expect(s.calls[1]!.headers.authorization).toBe("Bearer lazy");
  });

  it("retries 429 honouring Retry-After, then succeeds", async () => {
    const s = stub([
      json(429, { id: "too_many_requests", message: "slow down" }, { "retry-after": "2" }),
      json(200, {}),
    ]);
    await createHttpClient(s.opts()).request("GET", "/v2/apps");
    expect(s.calls).toHaveLength(2);
    expect(s.sleeps).toEqual([2000]);
  });

  it("retries 429 honouring DigitalOcean's RateLimit-Reset epoch when no request is left", async () => {
    // now = 1444931800 s; reset at 1444931833 → 33 s.
    const s = stub([
      json(429, {}, { "ratelimit-reset": "1444931833", "ratelimit-remaining": "0" }),
      json(200, {}),
    ]);
    await createHttpClient(s.opts({ maxDelayMs: 60_000 })).request("GET", "/v2/apps");
    expect(s.sleeps).toEqual([33_000]);
  });

  it("takes no delay from RateLimit-Reset while requests remain: a 503 is retried after the backoff", async () => {
    // DigitalOcean sends the window's reset time on every response; it was once read as an
    // hour's wait for a 503 on POST /v2/apps.
    const headers = {
      "ratelimit-reset": "1444935399",
      "ratelimit-remaining": "4990",
      "ratelimit-limit": "5000",
    };
    const s = stub([json(503, {}, headers), json(200, {})]);
    await createHttpClient(s.opts({ baseDelayMs: 100 })).request("GET", "/v2/apps");
    expect(s.sleeps).toEqual([50]);
  });

  it("fails at once, with a message saying why, when the server asks for more than the policy waits", async () => {
    const s = stub([json(429, {}, { "ratelimit-reset": "1444935399", "ratelimit-remaining": "0" })]);
    const c = createHttpClient(
      s.opts({ retry: { maxAttempts: 5, baseMs: 100, capMs: 1000, maxWaitMs: 60_000 } }),
    );
    const err = (await c.request("GET", "/v2/apps").catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/asked to wait 3599 s before a retry, longer than apiship waits \(60 s\)/);
    expect(err.retryable).toBe(false);
    expect(s.sleeps).toEqual([]);
  });

  it("retries under the run's policy, reports each retry, and marks the final error spent", async () => {
    const seen: string[] = [];
    const s = stub([json(503, {}), json(429, {}), json(500, {})]);
    const c = createHttpClient(
      s.opts({
        retry: {
          maxAttempts: 3,
          baseMs: 10,
          capMs: 1000,
          maxWaitMs: 60_000,
          onRetry: (r) => seen.push(`${r.call} #${r.attempt} ${r.code}`),
        },
      }),
    );
    const err = (await c.request("GET", "/v2/apps/a1").catch((e: unknown) => e)) as ProviderError;
    expect(s.calls).toHaveLength(3);
    expect(seen).toEqual(["GET /v2/apps/a1 #1 HTTP_503", "GET /v2/apps/a1 #2 HTTP_429"]);
    expect(err.retryable).toBe(true);
    expect(err.spent).toBe(3);
  });

  it("backs off with full jitter on 5xx and gives up after maxAttempts with a retryable error", async () => {
    const s = stub([json(503, {}), json(500, {}), json(502, { message: "bad gateway" })]);
    const c = createHttpClient(s.opts({ maxAttempts: 3, baseDelayMs: 100 }));
    const err = await c.request("GET", "/v2/apps").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(true);
    expect((err as ProviderError).code).toBe("HTTP_502");
    expect((err as ProviderError).message).toContain("bad gateway");
    // random() = 0.5 of 100, then of 200.
    expect(s.sleeps).toEqual([50, 100]);
  });

  it("does not retry a 4xx and hands it to mapError with the parsed body", async () => {
    const s = stub([
      json(422, { id: "unprocessable_entity", message: "name taken" }, { "x-request-id": "r-1" }),
    ]);
    let seen: HttpError | undefined;
    const c = createHttpClient(
      s.opts({
        mapError: (e) => {
          seen = e;
          return new Error("mapped");
        },
      }),
    );
    await expect(c.request("POST", "/v2/apps", { body: {} })).rejects.toThrow("mapped");
    expect(s.calls).toHaveLength(1);
    expect(seen?.status).toBe(422);
    expect(seen?.body).toEqual({ id: "unprocessable_entity", message: "name taken" });
    expect(seen?.requestId).toBe("r-1");
  });

  it("does not wait longer than maxDelayMs: a long Retry-After fails with retryAfter set", async () => {
    const s = stub([json(429, {}, { "retry-after": "120" })]);
    const err = (await createHttpClient(s.opts({ maxDelayMs: 1000 }))
      .request("GET", "/x")
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.retryAfter).toBe(120);
    expect(s.sleeps).toEqual([]);
  });

  it("retries a dropped connection for GET but never for POST", async () => {
    const s = stub([new TypeError("fetch failed"), json(200, { ok: true })]);
    expect(await createHttpClient(s.opts()).request("GET", "/x")).toEqual({ ok: true });
    const p = stub([new TypeError("fetch failed")]);
    const err = (await createHttpClient(p.opts())
      .request("POST", "/x", { body: {} })
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.code).toBe("NETWORK");
    expect(p.calls).toHaveLength(1);
  });

  it("retry: false still repeats a 429, which the server did not process", async () => {
    const s = stub([json(429, {}, { "retry-after": "0" }), json(201, { id: 1 })]);
    expect(await createHttpClient(s.opts()).request("POST", "/x", { retry: false })).toEqual({ id: 1 });
    expect(s.calls).toHaveLength(2);
  });

  it("retry: false sends once on a 5xx", async () => {
    const s = stub([json(500, {})]);
    await expect(createHttpClient(s.opts()).request("POST", "/x", { retry: false })).rejects.toThrow(/500/);
    expect(s.calls).toHaveLength(1);
  });

  it("stops at an aborted signal without sending", async () => {
    const s = stub([json(200, {})]);
    const ac = new AbortController();
    ac.abort();
    const err = (await createHttpClient(s.opts({ signal: ac.signal }))
      .request("GET", "/x")
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.code).toBe("ABORTED");
    expect(s.calls).toHaveLength(0);
  });

  it("sends bytes as they are and reports each attempt", async () => {
    const s = stub([json(500, {}), json(201, { ok: 1 })]);
    const seen: number[] = [];
    const c = createHttpClient(s.opts({ onRequest: (i) => seen.push(i.status) }));
    const r = await c.send("PUT", "/blob", { body: new Uint8Array([1, 2]) });
    expect(r.status).toBe(201);
    expect(seen).toEqual([500, 201]);
    expect(s.calls[0]!.headers["content-type"]).toBe("application/octet-stream");
  });
});

describe("retryAfterSeconds", () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it("reads seconds, HTTP dates, epoch and delta RateLimit-Reset", () => {
    expect(retryAfterSeconds(h({ "retry-after": "3" }), 0)).toBe(3);
    expect(retryAfterSeconds(h({ "retry-after": new Date(10_000).toUTCString() }), 4_000)).toBe(6);
    const spent = { "ratelimit-remaining": "0" };
    expect(retryAfterSeconds(h({ "ratelimit-reset": "1444931833", ...spent }), 1_444_931_830_000)).toBe(3);
    expect(retryAfterSeconds(h({ "ratelimit-reset": "7", ...spent }), 0)).toBe(7);
    expect(retryAfterSeconds(h({ "ratelimit-reset": "7", "ratelimit-remaining": "12" }), 0)).toBeUndefined();
    expect(retryAfterSeconds(h({}), 0)).toBeUndefined();
  });
});
