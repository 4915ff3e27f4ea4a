// A create answered 5xx may or may not have happened. Sent again blindly it could make a second
// namespace (labels are not unique); never sent again, one 5xx failed the deploy. The client
// looks for what the create would have made first: found, that is the answer; not found, the
// create is sent again. Against the DigitalOcean fake with one injected 500.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startDoFake } from "../../test/fakes/digitalocean/server.js";
import type { DoFake } from "../../test/fakes/digitalocean/server.js";
import { createDoClients } from "./clients.js";

let fake: DoFake;
beforeEach(async () => {
  fake = await startDoFake();
});
afterEach(async () => {
  await fake.close();
});

async function api() {
  const c = await createDoClients({
    target: { name: "api", provider: "digitalocean", platform: "functions", options: { endpoint: fake.url } },
    env: { DIGITALOCEAN_TOKEN: "t" },
    retry: { maxAttempts: 4, baseMs: 1, capMs: 2, maxWaitMs: 1000 },
  });
  return c.api;
}

describe("DigitalOcean creates under a 5xx", () => {
  it("a namespace create answered 500 before it happened is looked for, sent again, and makes one", async () => {
    const a = await api();
    const rolls = [0.1];
    Object.assign(fake.knobs, { errorRate: 0.5, random: () => rolls.shift() ?? 0.99 });
    const ns = await a.createNamespace(
      { region: "fra1", label: "shop-dev-api" },
      new AbortController().signal,
    );
    expect(ns.label).toBe("shop-dev-api");
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v2/functions/namespaces",
      "GET /v2/functions/namespaces",
      "POST /v2/functions/namespaces",
    ]);
    expect(fake.world.namespaces.size).toBe(1);
  });

  it("a namespace that exists after the 500 is taken as the create's result: no second namespace", async () => {
    const a = await api();
    const signal = new AbortController().signal;
    await a.createNamespace({ region: "fra1", label: "shop-dev-api" }, signal);
    // The answer to the next create is lost after the namespace was made (as the first one is).
    const rolls = [0.1];
    Object.assign(fake.knobs, { errorRate: 0.5, random: () => rolls.shift() ?? 0.99 });
    const ns = await a.createNamespace({ region: "fra1", label: "shop-dev-api" }, signal);
    expect(ns.label).toBe("shop-dev-api");
    expect(fake.world.namespaces.size).toBe(1);
  });
});
