// The DigitalOcean client: built without a token (an offline plan needs none), failing on the
// first request without one with a hint that names DIGITALOCEAN_TOKEN; the endpoint override.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { CallRetryInfo } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { TargetSpec } from "../../src/manifest/types.js";
import { DEFAULT_ENDPOINT, createDoClients, tokenOf } from "./clients.js";
import { doError } from "./errors.js";
import { HttpError } from "../_shared/http.js";

const target = (options: Record<string, unknown> = {}): TargetSpec => ({
  name: "web",
  provider: "digitalocean",
  platform: "app-platform",
  options: { region: "fra", ...options },
});

describe("digitalocean clients", () => {
  it("reads DIGITALOCEAN_TOKEN, else doctl's DIGITALOCEAN_ACCESS_TOKEN, else fails as the user's to fix", () => {
    expect(tokenOf({ DIGITALOCEAN_TOKEN: "a", DIGITALOCEAN_ACCESS_TOKEN: "b" }, "web")).toBe("a");
    expect(tokenOf({ DIGITALOCEAN_ACCESS_TOKEN: "b" }, "web")).toBe("b");
    const e = (() => {
      try {
        return tokenOf({}, "web");
      } catch (x) {
        return x;
      }
    })() as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect([e.code, e.fault]).toEqual(["CREDENTIALS", "user"]);
    expect(e.hint).toContain("DIGITALOCEAN_TOKEN");
  });

  it("builds without a token and honours the endpoint option and the test knobs", async () => {
    const c = await createDoClients({ target: target(), env: {} });
    expect(c.endpoint).toBe(DEFAULT_ENDPOINT);
    expect(c.timing.dropletHttpPort).toBe(80);
    const o = await createDoClients({
      target: target({ endpoint: "http://127.0.0.1:9" }),
      env: { APISHIP_DO_POLL_MS: "7", APISHIP_DO_DROPLET_HTTP_PORT: "8081" },
    });
    expect([o.endpoint, o.timing.pollMs, o.timing.dropletHttpPort]).toEqual(["http://127.0.0.1:9", 7, 8081]);
    // The first request is where a missing token shows, before anything is sent.
    await expect(o.api.listApps(new AbortController().signal)).rejects.toMatchObject({ code: "CREDENTIALS" });
  });

  it("maps API errors by status, keeping the error id and request id, never a request body", () => {
    const err = (status: number, body: unknown) =>
      doError("web")(new HttpError("x", "POST", "/v2/apps", status, body, new Headers(), undefined, 1));
    const conflict = err(422, { id: "unprocessable_entity", message: "name taken", request_id: "r-9" });
    expect([conflict.code, conflict.fault, conflict.requestId]).toEqual(["Conflict", "user", "r-9"]);
    expect(conflict.message).toBe("POST /v2/apps failed with HTTP 422: name taken (unprocessable_entity)");
    expect(err(404, {}).code).toBe("NotFound");
    expect([err(429, {}).retryable, err(503, {}).retryable, err(401, {}).retryable]).toEqual([
      true,
      true,
      false,
    ]);
  });

  // Issue 18, item 3: the client's own 5 attempts nested inside the engine's 5 step retries.
  it("retries each call under the run's policy only, and marks the error it gives up with as spent", async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "service_unavailable", message: "try later" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const retries: CallRetryInfo[] = [];
      const c = await createDoClients({
        target: target({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
        env: { DIGITALOCEAN_TOKEN: "t" },
        retry: { maxAttempts: 2, baseMs: 1, capMs: 1, maxWaitMs: 1000, onRetry: (i) => void retries.push(i) },
      });
      const e = (await c.api
        .listApps(new AbortController().signal)
        .catch((x: unknown) => x)) as ProviderError;
      expect(e).toBeInstanceOf(ProviderError);
      expect([hits, e.spent, e.retryable]).toEqual([2, 2, true]);
      expect(retries.map((r) => [r.call, r.attempt, r.code])).toEqual([["GET /v2/apps", 1, "HTTP_503"]]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
