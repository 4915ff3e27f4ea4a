// The Heroku client outside the adapter: the transport's retries against a stubbed fetch and
// against the fake's rate limit, and where credentials come from.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CallRetryInfo } from "../../src/core/provider.js";
import type { ProviderError } from "../../src/errors.js";
import { startHerokuFake } from "../../test/fakes/heroku/server.js";
import { APP, fixture, unitWorld } from "../../test/fakes/heroku/stub.js";
import { apiKeyOf, createHerokuClients, netrcPassword } from "./clients.js";

const appBody = () => fixture("app", { name: APP });

describe("the Heroku transport", () => {
  it("waits what RateLimit-Reset says on a 429; a create answered 5xx is looked for before it is sent again", async () => {
    const w = unitWorld();
    const limited = {
      status: 429,
      headers: { "ratelimit-remaining": "0", "ratelimit-reset": "7" },
      body: { id: "rate_limit", message: "slow down" },
    };
    w.stub.on(
      `GET /apps/${APP}`,
      limited,
      { status: 503, body: { id: "unavailable", message: "x" } },
      { body: appBody() },
    );
    expect((await w.ctx.clients.api.getApp(APP, w.ctx.signal))?.name).toBe(APP);
    expect(w.stub.waits[0]).toBe(7000);
    expect(w.stub.sent).toHaveLength(3);
    // The 503 may have come after the app was made: the app by that name (the GET above's) is
    // this create, so nothing is sent again.
    w.stub.on("POST /apps", { status: 503, body: { id: "unavailable", message: "down" } });
    expect((await w.ctx.clients.api.createApp({ name: APP }, w.ctx.signal)).name).toBe(APP);
    expect(w.stub.sent.filter((s) => s.method === "POST")).toHaveLength(1);
    // No such app: the create did not happen, and is sent again.
    w.stub.on(`GET /apps/${APP}`, {
      status: 404,
      body: { id: "not_found", message: "Couldn't find that app." },
    });
    w.stub.on(
      "POST /apps",
      { status: 503, body: { id: "unavailable", message: "down" } },
      { status: 201, body: appBody() },
    );
    expect((await w.ctx.clients.api.createApp({ name: APP }, w.ctx.signal)).name).toBe(APP);
    expect(w.stub.sent.filter((s) => s.method === "POST")).toHaveLength(3);
    w.stub.on(
      "POST /apps",
      { ...limited, headers: { "retry-after": "2" } },
      { status: 201, body: appBody() },
    );
    expect((await w.ctx.clients.api.createApp({ name: APP }, w.ctx.signal)).name).toBe(APP);
    expect(w.stub.waits.at(-1)).toBe(2000);
  });
});

describe("the Heroku client against the fake's rate limit", () => {
  it("waits out 429s (RateLimit-Reset) and gets every answer", async () => {
    const fake = await startHerokuFake({ rateLimit: { capacity: 1, perSecond: 2 } });
    try {
      const c = await createHerokuClients({
        target: { name: "web", provider: "heroku", platform: "heroku", options: { endpoint: fake.url } },
        env: { HEROKU_API_KEY: "k" },
      });
      const signal = new AbortController().signal;
      const created = await c.api.createApp({ name: "throttled-app", stack: "container" }, signal);
      expect(created.name).toBe("throttled-app");
      expect((await c.api.getApp("throttled-app", signal))?.id).toBe(created.id);
      // Two answers, and the 429 in between waited out.
      expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET", "GET"]);
    } finally {
      await fake.close();
    }
  });
});

describe("the Heroku client's retries", () => {
  // Issue 18, item 3: the transport's own 5 attempts nested inside the engine's step retries.
  it("retries each request under the run's policy only, and marks the error it gives up with as spent", async () => {
    const fake = await startHerokuFake({ knobs: { errorRate: 1 } });
    try {
      const retries: CallRetryInfo[] = [];
      const c = await createHerokuClients({
        target: { name: "web", provider: "heroku", platform: "heroku", options: { endpoint: fake.url } },
        env: { HEROKU_API_KEY: "k" },
        retry: { maxAttempts: 2, baseMs: 1, capMs: 1, maxWaitMs: 1000, onRetry: (i) => void retries.push(i) },
      });
      const e = (await c.api
        .getApp("any-app", new AbortController().signal)
        .catch((x: unknown) => x)) as ProviderError;
      expect([e.code, e.retryable, e.spent, fake.requests.length]).toEqual(["HTTP_503", true, 2, 2]);
      expect(retries.map((r) => [r.call, r.code])).toEqual([["GET /apps/any-app", "HTTP_503"]]);
    } finally {
      await fake.close();
    }
  });
});

describe("Heroku credentials", () => {
  it("reads HEROKU_API_KEY, else machine api.heroku.com in ~/.netrc, else says how to log in", async () => {
    expect(apiKeyOf({ HEROKU_API_KEY: "k1" }, "web")).toEqual({ key: "k1", from: "HEROKU_API_KEY" });
    const home = mkdtempSync(join(tmpdir(), "apiship-heroku-netrc-"));
    try {
      writeFileSync(
        join(home, ".netrc"),
        "machine git.heroku.com\n  login a@b.c\n  password nope\nmachine api.heroku.com\n  login a@b.c\n  password k2\n",
      );
      expect(apiKeyOf({ HOME: home }, "web")).toEqual({ key: "k2", from: "~/.netrc" });
      expect(() => apiKeyOf({ HOME: join(home, "none") }, "web")).toThrow(/no Heroku credentials/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    expect(netrcPassword("default login x password y", "api.heroku.com")).toBeUndefined();
    const c = await createHerokuClients({
      target: {
        name: "web",
        provider: "heroku",
        platform: "heroku",
        options: { endpoint: "http://127.0.0.1:9" },
      },
      env: { HEROKU_API_KEY: "k" },
    });
    expect([c.endpoint, c.credentials]).toEqual(["http://127.0.0.1:9", "HEROKU_API_KEY"]);
  });
});
