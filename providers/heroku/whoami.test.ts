// whoami() of heroku/heroku against the fake: the API key's account (GET /account) and the
// target's region (GET /regions/{region}), a missing key (CREDENTIALS at createClients), a key
// the API rejects (401 → UNAUTHENTICATED) and an unknown region failing only the reach.
import { afterEach, describe, expect, it } from "vitest";
import { ctxFor, targetOf } from "../../test/fakes/_shared/ctx.js";
import { startHerokuFake } from "../../test/fakes/heroku/server.js";
import type { HerokuFake } from "../../test/fakes/heroku/server.js";
import { heroku } from "./heroku.js";

let fake: HerokuFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function whoami(options: Record<string, unknown>, env: Record<string, string | undefined>) {
  const t = targetOf("heroku/heroku", { endpoint: fake?.url, ...options });
  const clients = await heroku.createClients!({ target: t, env });
  return heroku.whoami!(ctxFor(clients, t));
}

describe("heroku whoami", () => {
  it("the key's account and the region answering", async () => {
    fake = await startHerokuFake();
    const id = await whoami({ region: "eu" }, { HEROKU_API_KEY: "k" });
    expect(id).toEqual({
      principal: "deployer@example.com",
      detail: "key from HEROKU_API_KEY",
      reach: { ok: true, detail: "region eu answered (Europe, eu-west-1)" },
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /account", "GET /regions/eu"]);
    expect(fake.mutations()).toEqual([]);
    expect(fake.rejected).toEqual([]);
  });

  it("names the target's team, else the account's default team", async () => {
    fake = await startHerokuFake();
    fake.world.account.team = { id: "t1", name: "acme" };
    expect((await whoami({}, { HEROKU_API_KEY: "k" })).account).toBe("team acme");
    expect((await whoami({ team: "platform" }, { HEROKU_API_KEY: "k" })).account).toBe("team platform");
  });

  it("without a key: CREDENTIALS before any request", async () => {
    fake = await startHerokuFake();
    const e = await whoami({}, { HOME: "/nonexistent" }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "CREDENTIALS", hint: expect.stringMatching(/HEROKU_API_KEY/) });
    expect(fake.requests).toEqual([]);
  });

  it("a rejected key is UNAUTHENTICATED; an unknown region fails only the reach", async () => {
    fake = await startHerokuFake();
    const id = await whoami({ region: "ap" }, { HEROKU_API_KEY: "k" });
    expect(id.reach).toMatchObject({ ok: false, error: { code: "NotFound" } });
    fake.world.account.revoked = true;
    const e = await whoami({}, { HEROKU_API_KEY: "k" }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: "UNAUTHENTICATED",
      hint: expect.stringMatching(/heroku login|auth:token/),
    });
  });
});
