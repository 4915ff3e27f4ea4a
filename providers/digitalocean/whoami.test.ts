// whoami() of the DigitalOcean platforms against the fake: the token's account from
// GET /v2/account, each platform's own list read, a missing token (CREDENTIALS, before any
// request), a token the API rejects (401 → UNAUTHENTICATED) and a locked account. Reads only.
import { afterEach, describe, expect, it } from "vitest";
import type { TargetAdapter } from "../../src/core/provider.js";
import { ctxFor, targetOf } from "../../test/fakes/_shared/ctx.js";
import { startDoFake } from "../../test/fakes/digitalocean/server.js";
import type { DoFake } from "../../test/fakes/digitalocean/server.js";
import type { DoWorldOptions } from "../../test/fakes/digitalocean/world.js";
import { appPlatform } from "./app-platform.js";
import { droplet } from "./droplet.js";
import { functions } from "./functions.js";

let fake: DoFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function whoami(adapter: TargetAdapter, region: string, env: Record<string, string | undefined>) {
  const t = targetOf(adapter.id, { region, endpoint: fake?.url ?? "http://127.0.0.1:9" });
  const clients = await adapter.createClients!({ target: t, env });
  return adapter.whoami!(ctxFor(clients, t));
}

const TOKEN = { DIGITALOCEAN_TOKEN: "do-token" };
const start = async (world: DoWorldOptions = {}) => (fake = await startDoFake({ world }));

describe("digitalocean whoami", () => {
  it("app-platform: the account's email and team, and the apps list answering", async () => {
    await start({ account: { team: { uuid: "t-1", name: "Acme" } } });
    const id = await whoami(appPlatform as unknown as TargetAdapter, "fra", TOKEN);
    expect(id).toEqual({
      principal: "sammy@digitalocean.com",
      account: "team Acme",
      reach: { ok: true, detail: "App Platform answered: 0 apps" },
    });
    expect(fake?.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v2/account", "GET /v2/apps"]);
    expect(fake?.mutations()).toEqual([]);
  });

  it("functions and droplet: their own list reads", async () => {
    await start();
    const fn = await whoami(functions as unknown as TargetAdapter, "fra1", TOKEN);
    expect(fn.reach).toEqual({ ok: true, detail: "Functions answered: 0 namespaces, 0 in fra1" });
    const d = await whoami(droplet as unknown as TargetAdapter, "fra1", TOKEN);
    expect(d.reach).toEqual({ ok: true, detail: "Droplets answered: 0 Droplets" });
  });

  it("without a token: CREDENTIALS naming the variables, and nothing sent", async () => {
    await start();
    const e = await whoami(appPlatform as unknown as TargetAdapter, "fra", {}).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "CREDENTIALS", hint: expect.stringMatching(/DIGITALOCEAN_TOKEN/) });
    expect(fake?.requests).toEqual([]);
  });

  it("a token the API rejects: UNAUTHENTICATED with the token hint", async () => {
    await start({ account: { revoked: true } });
    const e = await whoami(appPlatform as unknown as TargetAdapter, "fra", TOKEN).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "UNAUTHENTICATED", hint: expect.stringMatching(/DIGITALOCEAN_TOKEN/) });
    expect((e as Error).message).toMatch(/HTTP 401: Unable to authenticate you/);
  });

  it("a locked account fails with the account's own message", async () => {
    await start({ account: { status: "locked", status_message: "Billing overdue" } });
    const e = await whoami(appPlatform as unknown as TargetAdapter, "fra", TOKEN).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: "ACCOUNT_LOCKED",
      message: expect.stringMatching(/locked: Billing overdue/),
    });
  });
});
