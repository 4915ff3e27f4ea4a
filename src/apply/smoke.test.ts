// The smoke test against a real HTTP server on 127.0.0.1 serving examples/petstore-openapi's own
// handler, with its own openapi.yaml read through the parser: what is called, what passes, and
// how a wrong answer is reported.

import { createServer } from "node:http";
import type { Server } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../providers/_shared/runtime/entries.js";
import type { Stack } from "../manifest/types.js";
import { parseConnectTo } from "./connect-to.js";
import { operationName, prepareSmoke, runSmoke, smokeFailure } from "./smoke.js";
import type { SmokeSetup } from "./smoke.js";

const EXAMPLE = join(REPO_ROOT, "examples/petstore-openapi");

type Handler = (request: Request) => Promise<Response>;

interface Served {
  url: string;
  port: number;
  /** Every request, as "METHOD /path?query". */
  seen: string[];
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Serves a fetch handler over node:http, the way the local provider's entry does, recording requests. */
async function serve(handler: Handler, rewrite?: (path: string, body: unknown) => unknown): Promise<Served> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const url = `http://${req.headers.host}${req.url}`;
    void handler(new Request(url, { method: req.method ?? "GET" })).then(async (r) => {
      let text = await r.text();
      const path = new URL(url).pathname;
      if (rewrite && text) text = JSON.stringify(rewrite(path, JSON.parse(text)));
      res
        .writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" })
        .end(text);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, seen, server };
}

async function petstore(): Promise<{ handler: Handler; setup: SmokeSetup }> {
  const mod = (await import(join(EXAMPLE, "src/index.mjs"))) as { handler: Handler };
  const stack = {
    service: { openapi: "./openapi.yaml", health: { path: "/healthz", smoke: "openapi" } },
  } as unknown as Stack;
  const setup = await prepareSmoke(stack, EXAMPLE);
  if (!setup) throw new Error("prepareSmoke returned nothing for health.smoke: openapi");
  return { handler: mod.handler, setup };
}

const opts = { timeoutMs: 5000, signal: new AbortController().signal };

describe("runSmoke against the petstore example", () => {
  it("calls the four GET operations once each, never POST or DELETE, and passes", async () => {
    const { handler, setup } = await petstore();
    const s = await serve(handler);
    const report = await runSmoke(s.url, setup, opts);
    expect(report.ok, JSON.stringify(report.calls)).toBe(true);
    expect(report.calls.map(operationName)).toEqual([
      "GET /healthz (health)",
      "GET /pets (listPets)",
      "GET /pets/{petId} (showPetById)",
      "GET /stats (getStats)",
    ]);
    expect(s.seen).toEqual(["GET /healthz", "GET /pets", "GET /pets/1", "GET /stats"]);
    expect(report.calls.every((c) => c.status === 200)).toBe(true);
  });

  it("fails on a body its schema rejects, naming the operation, the status and the first schema error", async () => {
    const { handler, setup } = await petstore();
    const s = await serve(handler, (path, body) =>
      path === "/stats" ? { ...(body as object), count: "3" } : body,
    );
    const report = await runSmoke(s.url, setup, opts);
    expect(report.ok).toBe(false);
    const failed = report.calls.filter((c) => !c.ok);
    expect(failed.map(operationName)).toEqual(["GET /stats (getStats)"]);
    expect(failed[0]).toMatchObject({
      status: 200,
      error: "the body does not match the response schema: body/count must be integer",
    });
    const e = smokeFailure(report, "local", "development");
    expect(e.code).toBe("HEALTH_CHECK_FAILED");
    expect(e.message).toBe(
      "health check of local failed: smoke test of ./openapi.yaml: GET /stats (getStats) → 200: the body does not match the response schema: body/count must be integer",
    );
  });

  it("fails on a status no response documents", async () => {
    const { setup } = await petstore();
    const s = await serve(async () => Response.json({ message: "down" }, { status: 503 }));
    const report = await runSmoke(s.url, setup, opts);
    expect(report.calls.every((c) => !c.ok && c.status === 503)).toBe(true);
    expect(report.calls[0]?.error).toBe("503 is not a documented success (documented: 200)");
  });

  it("dials APISHIP_CONNECT_TO's address while keeping the endpoint's host", async () => {
    const { handler, setup } = await petstore();
    const s = await serve(handler);
    const hosts: string[] = [];
    s.server.prependListener("request", (req) => hosts.push(req.headers.host ?? ""));
    const endpoint = "http://pets.internal.example";
    const report = await runSmoke(endpoint, setup, {
      ...opts,
      connectTo: parseConnectTo(`pets.internal.example:80:127.0.0.1:${s.port}`),
    });
    expect(report.ok).toBe(true);
    expect(new Set(hosts)).toEqual(new Set(["pets.internal.example"]));
    expect(report.calls[0]?.url).toBe("http://pets.internal.example/healthz");
  });

  it("starts no call once the run is stopped, and then is not a pass", async () => {
    const { handler, setup } = await petstore();
    const s = await serve(handler);
    const stop = new AbortController();
    stop.abort();
    const report = await runSmoke(s.url, setup, { ...opts, signal: stop.signal });
    expect(report.calls).toEqual([]);
    expect(report.ok).toBe(false);
    expect(s.seen).toEqual([]);
  });

  it("reports a refused connection as no response", async () => {
    const { setup } = await petstore();
    const s = await serve(async () => Response.json({}));
    await new Promise((r) => s.server.close(r));
    const report = await runSmoke(s.url, setup, opts);
    expect(report.calls[0]).toMatchObject({ ok: false, error: "ECONNREFUSED" });
    expect(report.calls[0]?.status).toBeUndefined();
  });
});

describe("prepareSmoke", () => {
  it("reads nothing without health.smoke", async () => {
    const stack = { service: { openapi: "./missing.yaml", health: { path: "/" } } } as unknown as Stack;
    expect(await prepareSmoke(stack, EXAMPLE)).toBeUndefined();
  });

  it("refuses a document it cannot read before anything deploys", async () => {
    const stack = {
      service: { openapi: "./missing.yaml", health: { path: "/", smoke: "openapi" } },
    } as unknown as Stack;
    await expect(prepareSmoke(stack, EXAMPLE)).rejects.toMatchObject({ code: "MANIFEST_INVALID" });
  });
});
