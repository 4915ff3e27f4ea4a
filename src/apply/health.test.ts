import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkHealth, healthUrl } from "./health.js";
import type { HealthServer } from "../../test/support/engine-world.js";
import { healthServer } from "../../test/support/engine-world.js";

const spec = { path: "/healthz", status: 200, timeoutMs: 1000, attempts: 3, intervalMs: 1 };
let server: HealthServer;
beforeEach(async () => (server = await healthServer(200)));
afterEach(() => server.close());

describe("checkHealth", () => {
  it("passes on the expected status", async () => {
    const r = await checkHealth(server.url, spec, { signal: new AbortController().signal });
    expect(r).toMatchObject({ ok: true, status: 200, attempts: 1, url: `${server.url}healthz` });
    expect(r.body).toBeUndefined();
  });

  it("fails after every attempt with the status and the first 200 bytes of the body", async () => {
    server.status = 500;
    const seen: number[] = [];
    const r = await checkHealth(server.url, spec, {
      signal: new AbortController().signal,
      onAttempt: (a) => void seen.push(a.attempts),
    });
    expect(r).toMatchObject({ ok: false, status: 500, attempts: 3, expected: 200 });
    expect(r.body?.startsWith("boom x")).toBe(true);
    expect(r.body).toHaveLength(200);
    expect(seen).toEqual([1, 2, 3]);
    expect(server.hits).toBe(3);
  });

  it("reports a refused connection without a status", async () => {
    const url = server.url;
    await server.close();
    const r = await checkHealth(url, { ...spec, attempts: 1 }, { signal: new AbortController().signal });
    expect(r.ok).toBe(false);
    expect(r.status).toBeUndefined();
    expect(r.error).toBe("ECONNREFUSED");
    server = await healthServer(200);
  });

  it("joins the endpoint and the path", () => {
    expect(healthUrl("http://h/base/", "/healthz")).toBe("http://h/base/healthz");
    expect(healthUrl("http://h", "ready")).toBe("http://h/ready");
  });
});
