// The DigitalOcean client: built without a token (an offline plan needs none), failing on the
// first request without one with a hint that names DIGITALOCEAN_TOKEN; the endpoint override.
import { describe, expect, it } from "vitest";
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
});
