import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConnectTo } from "./connect-to.js";
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

describe("checkHealth with APISHIP_CONNECT_TO rules", () => {
  it("keeps the URL and Host header but dials the rule's address", async () => {
    const { createServer } = await import("node:http");
    const hosts: string[] = [];
    const local = createServer((req, res) => {
      hosts.push(req.headers.host ?? "");
      res.writeHead(req.url === "/healthz" ? 200 : 404).end("ok");
    });
    await new Promise<void>((r) => local.listen(0, "127.0.0.1", r));
    const port = (local.address() as { port: number }).port;
    try {
      const endpoint = "http://internal-api-123.us-east-1.elb.localhost.localstack.cloud";
      // No DNS lookup happens for the URL's host: the rule gives the address.
      const r = await checkHealth(endpoint, spec, {
        signal: new AbortController().signal,
        connectTo: parseConnectTo(`::127.0.0.1:${port}`),
      });
      expect(r).toMatchObject({ ok: true, status: 200, url: `${endpoint}/healthz` });
      expect(hosts).toEqual(["internal-api-123.us-east-1.elb.localhost.localstack.cloud"]);
    } finally {
      await new Promise((r) => local.close(r));
    }
  });
});
