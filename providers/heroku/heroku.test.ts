// Stubbed-HTTP unit tests of heroku/heroku: responses come from the schema's examples
// (fixtures/responses/heroku), and every request the adapter sends is asserted.
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { APP, ENDPOINT, IMAGE_ID, KEY, fixture, unitWorld } from "../../test/fakes/heroku/stub.js";
import type { UnitWorld } from "../../test/fakes/heroku/stub.js";
import { readAndPlan } from "../../test/support/read-plan.js";
import { apply, destroy, rollback } from "./apply.js";
import type { HerokuChange } from "./apply.js";
import { heroku } from "./heroku.js";
import { read, status } from "./read.js";
import { MANAGED_VAR } from "./state.js";
import type { HerokuState } from "./state.js";

const SECRET = "s3cr3t-value-91ab";
const HASHES = { API_KEY: "hmac-sha256:k1" };
const ACCEPT = "application/vnd.heroku+json; version=3";
const marker = (created = true) =>
  JSON.stringify({ owner: "shop/dev web", created, env: ["LOG_LEVEL"], secrets: HASHES });
const appBody = (over: Record<string, unknown> = {}) =>
  fixture("app", {
    name: APP,
    region: { id: "r", name: "us" },
    stack: { id: "s", name: "container" },
    build_stack: { id: "s", name: "container" },
    team: null,
    web_url: `https://${APP}-0a1b2c3d4e5f.herokuapp.com/`,
    ...over,
  });
const release = (version: number, description: string, over: Record<string, unknown> = {}) =>
  fixture("release", {
    id: `rel-${version}`,
    version,
    description,
    current: true,
    status: "succeeded",
    ...over,
  });
const calls = (w: UnitWorld) => w.stub.sent.map((s) => `${s.method} ${s.path}`);

async function deploy(w: UnitWorld, recorded?: HerokuState) {
  const planned = await readAndPlan(heroku as never, w.ctx, {
    stack: w.stack,
    target: w.target,
    service: w.stack.service,
    name: APP,
    recorded,
    secretHashes: HASHES,
  });
  return apply(w.ctx, { ...(planned as unknown as HerokuChange), secrets: { API_KEY: SECRET } });
}

describe("heroku/heroku against a stubbed Platform API", () => {
  it("a first deploy creates the app, sets config vars, releases the image and scales web", async () => {
    const w = unitWorld();
    w.stub
      .on(`GET /apps/${APP}`, { status: 404, body: { id: "not_found", message: "Couldn't find that app." } })
      .on("POST /apps", { status: 201, body: appBody() })
      .on(`PATCH /apps/${APP}/config-vars`, { body: { LOG_LEVEL: "info" } })
      .on(`PATCH /apps/${APP}/formation`, { body: fixture("formation") })
      .on(
        `GET /apps/${APP}/releases`,
        { body: [release(3, "Deployed web (0123456789ab)", { status: "pending" })] },
        { body: [release(3, "Deployed web (0123456789ab)")] },
      );
    const res = await deploy(w);
    expect(calls(w)).toEqual([
      `GET /apps/${APP}`,
      "POST /apps",
      `PATCH /apps/${APP}/config-vars`,
      `PATCH /apps/${APP}/formation`,
      `GET /apps/${APP}/releases`,
      `GET /apps/${APP}/releases`,
      `PATCH /apps/${APP}/formation`,
      `GET /apps/${APP}/releases`,
    ]);
    const [, create, config, image, poll, , scale] = w.stub.sent;
    for (const s of w.stub.sent) {
      expect(s.url.startsWith(ENDPOINT)).toBe(true);
      // The image release is the API's only under its docker-releases variant (issue 18, item 14).
      expect(s.headers.accept).toBe(s === image ? `${ACCEPT}.docker-releases` : ACCEPT);
      expect(s.headers.authorization).toBe(`Bearer ${KEY}`);
    }
    expect(create?.body).toEqual({ name: APP, region: "us", stack: "container" });
    expect(config?.body).toEqual({ LOG_LEVEL: "info", API_KEY: SECRET, [MANAGED_VAR]: marker() });
    expect(image?.body).toEqual({ updates: [{ type: "web", docker_image: IMAGE_ID }] });
    expect(poll?.headers.range).toBe("version ..; order=desc, max=1");
    expect(scale?.body).toEqual({ updates: [{ type: "web", quantity: 1, dyno_size: { name: "basic" } }] });
    expect(res.endpoint).toBe(`https://${APP}-0a1b2c3d4e5f.herokuapp.com/`);
    expect([res.release, res.state.release?.image, res.state.created]).toEqual(["v3", IMAGE_ID, true]);
    // Issue 18, item 15: the created app's id is recorded, so the next plan finds no drift in it.
    expect(res.state.appId).toBe((appBody() as { id: string }).id);
    expect(JSON.stringify(res.state)).not.toContain(SECRET);
    // Each mutating call is announced before it is made and marked done after it succeeded.
    expect(w.steps.filter((s) => s.startsWith("step"))).toHaveLength(4);
    expect(w.steps[0]).toBe(`step create app ${APP}`);
    expect(w.steps[1]).toBe(`done create app ${APP}`);
  });

  it("reads only the config vars the marker lists, and no add-on's values", async () => {
    const w = unitWorld();
    w.stub
      .on(`GET /apps/${APP}`, { body: appBody() })
      .on(`GET /apps/${APP}/config-vars`, {
        body: {
          LOG_LEVEL: "info",
          API_KEY: SECRET,
          DATABASE_URL: "postgres://u:pw@h/db",
          [MANAGED_VAR]: marker(),
        },
      })
      .on(`GET /apps/${APP}/formation`, {
        body: fixture("formation", { dyno_size: { id: "d", name: "Basic" } }),
      })
      .on(`GET /apps/${APP}/releases`, {
        body: [
          release(4, "Set LOG_LEVEL config vars"),
          release(3, "Deployed web (0123456789ab)", { current: false }),
        ],
      });
    const s = await read(w.ctx, undefined, APP);
    expect(s?.config).toEqual({ env: { LOG_LEVEL: "info" }, secrets: HASHES });
    expect(JSON.stringify(s)).not.toMatch(/postgres:|s3cr3t/);
    expect([s?.formation, s?.release?.version, s?.release?.image]).toEqual([
      { quantity: 1, size: "basic" },
      4,
      "sha256:0123456789ab",
    ]);
    expect(w.stub.sent.find((x) => x.path.endsWith("/releases"))?.headers.range).toBe(
      "version ..; order=desc, max=25",
    );
  });

  it("an app of ours with nothing changed is read with four GETs and no write", async () => {
    const w = unitWorld();
    w.stub
      .on(`GET /apps/${APP}`, { body: appBody() })
      .on(`GET /apps/${APP}/config-vars`, {
        body: { LOG_LEVEL: "info", API_KEY: SECRET, [MANAGED_VAR]: marker() },
      })
      .on(`GET /apps/${APP}/formation`, {
        body: fixture("formation", { dyno_size: { id: "d", name: "Basic" } }),
      })
      .on(`GET /apps/${APP}/releases`, { body: [release(3, "Deployed web (0123456789ab)")] });
    const recorded = {
      release: { id: "rel-3", version: 3, status: "succeeded", description: "", image: IMAGE_ID },
    } as HerokuState;
    const res = await deploy(w, recorded);
    expect(w.stub.sent.every((s) => s.method === "GET")).toBe(true);
    expect(w.stub.sent).toHaveLength(4);
    expect(res.state.release?.image).toBe(IMAGE_ID);
  });

  it("an app under the derived name that is not ours is a conflict; naming it with `app` adopts it", async () => {
    const w = unitWorld();
    w.stub
      .on(`GET /apps/${APP}`, { body: appBody() })
      .on(`GET /apps/${APP}/config-vars`, { body: fixture("config-vars") })
      .on(`GET /apps/${APP}/releases`, {
        body: [release(2, "Set FOO config vars"), release(1, "Initial release")],
      });
    const e = await read(w.ctx, undefined, APP).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).hint).toContain(`set \`app: ${APP}\` on target web`);
    // An empty app (a run stopped right after creating it) is taken over as apiship's own.
    const empty = unitWorld();
    empty.stub
      .on(`GET /apps/${APP}`, { body: appBody() })
      .on(`GET /apps/${APP}/config-vars`, { body: {} })
      .on(`GET /apps/${APP}/releases`, { body: [release(1, "Initial release")] })
      .on(`GET /apps/${APP}/formation`, { body: [] });
    expect((await read(empty.ctx, undefined, APP))?.created).toBe(true);
    const adopt = unitWorld({ app: APP });
    adopt.stub
      .on(`GET /apps/${APP}`, { body: appBody() })
      .on(`GET /apps/${APP}/config-vars`, { body: fixture("config-vars") })
      .on(`GET /apps/${APP}/formation`, { body: [] })
      .on(`GET /apps/${APP}/releases`, { body: [release(1, "Initial release")] });
    const s = await read(adopt.ctx, undefined, APP);
    expect([s?.created, s?.config, s?.release]).toEqual([false, { env: {}, secrets: {} }, undefined]);
  });

  // Issue 18, item 16: the engine applies with the state it recorded, which for an app adopted
  // with `app:` is nothing on its first deploy. The apply knew neither its web URL (so no
  // endpoint and no health check) nor its id.
  it("an app adopted with `app:` gets its endpoint and id recorded on its first deploy, as the engine applies it", async () => {
    const w = unitWorld({ app: APP });
    w.stub
      .on(`GET /apps/${APP}`, { body: appBody() })
      .on(`GET /apps/${APP}/config-vars`, { body: { OTHER: "kept" } })
      .on(`GET /apps/${APP}/formation`, { body: [] })
      .on(`PATCH /apps/${APP}/config-vars`, { body: {} })
      .on(`PATCH /apps/${APP}/formation`, { body: fixture("formation") })
      .on(`GET /apps/${APP}/releases`, { body: [release(3, "Deployed web (0123456789ab)")] });
    const planned = await readAndPlan(heroku as never, w.ctx, {
      stack: w.stack,
      target: w.target,
      service: w.stack.service,
      name: APP,
      recorded: undefined,
      secretHashes: HASHES,
    });
    const change = { ...(planned as unknown as HerokuChange), observed: undefined };
    const res = await apply(w.ctx, { ...change, secrets: { API_KEY: SECRET } });
    expect(res.endpoint).toBe(`https://${APP}-0a1b2c3d4e5f.herokuapp.com/`);
    expect([res.state.created, res.state.appId]).toEqual([false, (appBody() as { id: string }).id]);
    expect(w.stub.sent.filter((x) => x.method !== "GET").map((x) => x.path)).toEqual([
      `/apps/${APP}/config-vars`,
      `/apps/${APP}/formation`,
      `/apps/${APP}/formation`,
    ]);
    // The marker it writes says apiship did not create the app: destroy only empties it.
    const config = w.stub.sent.find((x) => x.method === "PATCH" && x.path.endsWith("/config-vars"));
    expect(JSON.parse(String((config?.body as Record<string, string>)[MANAGED_VAR])).created).toBe(false);
  });

  it("a name another account holds (403 to read, 422 to create) is a conflict with the `app` hint", async () => {
    const w = unitWorld();
    w.stub.on(`GET /apps/${APP}`, {
      status: 403,
      body: { id: "forbidden", message: `You do not have access to the app ${APP}.` },
    });
    const e = (await read(w.ctx, undefined, APP).catch((x: unknown) => x)) as ProviderError;
    expect([e.code, e.fault]).toEqual(["Conflict", "user"]);
    expect(e.hint).toMatch(/set `app:` on target web to a free name/);
    const c = unitWorld();
    c.stub
      .on(`GET /apps/${APP}`, { status: 404, body: { id: "not_found", message: "Couldn't find that app." } })
      .on("POST /apps", {
        status: 422,
        body: { id: "invalid_params", message: `Name ${APP} is already taken` },
      });
    const err = (await deploy(c).catch((x: unknown) => x)) as ProviderError;
    expect([err.code, err.message]).toEqual([
      "Conflict",
      `the Heroku app name ${APP} is taken by another account`,
    ]);
  });

  it("a team app is created through /teams/apps", async () => {
    const w = unitWorld({ team: "acme", region: "eu" });
    w.stub
      .on(`GET /apps/${APP}`, { status: 404, body: { id: "not_found", message: "no" } })
      .on("POST /teams/apps", { status: 201, body: appBody({ team: { id: "t", name: "acme" } }) })
      .on(`PATCH /apps/${APP}/config-vars`, { body: {} })
      .on(`PATCH /apps/${APP}/formation`, { body: [] })
      .on(`GET /apps/${APP}/releases`, { body: [release(2, "Deployed web (0123456789ab)")] });
    await deploy(w);
    expect(w.stub.sent[1]?.body).toEqual({ name: APP, team: "acme", region: "eu", stack: "container" });
  });

  it("a failing config-vars PATCH never quotes the secret values it carried", async () => {
    const w = unitWorld();
    w.stub
      .on(`GET /apps/${APP}`, { status: 404, body: { id: "not_found", message: "no" } })
      .on("POST /apps", { status: 201, body: appBody() })
      .on(`PATCH /apps/${APP}/config-vars`, {
        status: 422,
        body: { id: "invalid_params", message: "Config var too long" },
      });
    const e = (await deploy(w).catch((x: unknown) => x)) as ProviderError;
    expect(e.message).toBe(
      `update config vars of ${APP} failed with HTTP 422: Config var too long (invalid_params)`,
    );
    expect(JSON.stringify({ m: e.message, h: e.hint, j: e.toJSON() })).not.toContain(SECRET);
  });
});

describe("a first deploy before the image is pushed", () => {
  it("creates the app, then says to push to its registry now that it exists", async () => {
    const w = unitWorld();
    w.stub
      .on(`GET /apps/${APP}`, { status: 404, body: { id: "not_found", message: "Couldn't find that app." } })
      .on("POST /apps", { status: 201, body: appBody() })
      .on(`PATCH /apps/${APP}/config-vars`, { body: {} })
      .on(`PATCH /apps/${APP}/formation`, {
        status: 404,
        body: { id: "not_found", message: "Couldn't find that docker image." },
      });
    const e = (await deploy(w).catch((x: unknown) => x)) as ProviderError;
    expect([e.code, e.fault]).toEqual(["IMAGE_NOT_PUSHED", "user"]);
    expect(e.hint).toContain(`docker push registry.heroku.com/${APP}/web`);
  });
});

describe("a release that fails its release phase", () => {
  it("fails the apply with the release's output stream, before the formation is scaled", async () => {
    const w = unitWorld();
    const out = "https://release-output.heroku.com/streams/01234567-89ab-cdef-0123-456789abcdef";
    w.stub
      .on(`GET /apps/${APP}`, { status: 404, body: { id: "not_found", message: "no" } })
      .on("POST /apps", { status: 201, body: appBody() })
      .on(`PATCH /apps/${APP}/config-vars`, { body: {} })
      .on(`PATCH /apps/${APP}/formation`, { body: fixture("formation") })
      .on(`GET /apps/${APP}/releases`, {
        body: [release(3, "Deployed web (0123456789ab)", { status: "failed", output_stream_url: out })],
      });
    const e = (await deploy(w).catch((x: unknown) => x)) as ProviderError;
    expect(e.message).toBe(`release of ${APP} failed: v3 failed; output: ${out}`);
    expect(w.stub.sent.filter((s) => s.method === "PATCH" && s.path.endsWith("/formation"))).toHaveLength(1);
  });
});

describe("destroy, rollback, status", () => {
  const state: HerokuState = {
    app: APP,
    region: "us",
    stack: "container",
    team: null,
    created: true,
    config: { env: { LOG_LEVEL: "info" }, secrets: HASHES },
    release: {
      id: "rel-9",
      version: 9,
      status: "succeeded",
      description: "Deployed web (ffffffffffff)",
      image: `sha256:${"f".repeat(64)}`,
    },
    formation: { quantity: 2, size: "standard-1x" },
  };

  it("destroy deletes an app apiship created, empties an adopted one, and is idempotent", async () => {
    const w = unitWorld();
    w.stub
      .on(
        `GET /apps/${APP}`,
        { body: appBody() },
        { status: 404, body: { id: "not_found", message: "gone" } },
      )
      .on(`DELETE /apps/${APP}`, { body: appBody() });
    await destroy(w.ctx, state);
    await destroy(w.ctx, state);
    expect(calls(w)).toEqual([`GET /apps/${APP}`, `DELETE /apps/${APP}`, `GET /apps/${APP}`]);
    const a = unitWorld();
    a.stub
      .on(`GET /apps/${APP}`, { body: appBody() })
      .on(`PATCH /apps/${APP}/config-vars`, { body: {} })
      .on(`PATCH /apps/${APP}/formation`, { body: [] });
    await destroy(a.ctx, { ...state, created: false });
    expect(a.stub.sent.slice(1).map((s) => s.body)).toEqual([
      { [MANAGED_VAR]: null, LOG_LEVEL: null, API_KEY: null },
      { updates: [{ type: "web", quantity: 0 }] },
    ]);
  });

  it("rollback posts the earlier release's id, then sets its formation back", async () => {
    const w = unitWorld();
    const to: HerokuState = {
      ...state,
      release: {
        id: "rel-3",
        version: 3,
        status: "succeeded",
        description: "Deployed web (0123456789ab)",
        image: IMAGE_ID,
      },
      formation: { quantity: 1, size: "basic" },
    };
    w.stub
      .on(`POST /apps/${APP}/releases`, { status: 201, body: release(10, "Rollback to v3") })
      .on(`GET /apps/${APP}/releases`, { body: [release(10, "Rollback to v3")] })
      .on(`PATCH /apps/${APP}/formation`, { body: [] });
    const res = await rollback(w.ctx, state, to);
    expect(w.stub.sent.map((s) => [s.method, s.path, s.body])).toEqual([
      ["POST", `/apps/${APP}/releases`, { release: "rel-3" }],
      ["GET", `/apps/${APP}/releases`, undefined],
      [
        "PATCH",
        `/apps/${APP}/formation`,
        { updates: [{ type: "web", quantity: 1, dyno_size: { name: "basic" } }] },
      ],
    ]);
    expect([res.release, res.state.release?.image, res.state.release?.id]).toEqual([
      "v10",
      IMAGE_ID,
      "rel-10",
    ]);
  });

  it("status is ready only when every wanted web dyno is up", async () => {
    const w = unitWorld();
    const dyno = (state: string) => fixture<Record<string, unknown>[]>("dyno", { type: "web", state })[0];
    w.stub
      .on(`GET /apps/${APP}`, { body: appBody() })
      .on(`GET /apps/${APP}/formation`, {
        body: fixture("formation", { quantity: 2, dyno_size: { id: "d", name: "Standard-1X" } }),
      })
      .on(
        `GET /apps/${APP}/dynos`,
        { body: [dyno("up"), dyno("up")] },
        { body: [dyno("up"), dyno("crashed")] },
        { body: [dyno("crashed"), dyno("crashed")] },
      );
    expect(await status(w.ctx, state)).toMatchObject({
      health: "ready",
      detail: "2/2 web dynos up (Standard-1X)",
      release: "v11",
    });
    expect((await status(w.ctx, state)).health).toBe("partial");
    expect(await status(w.ctx, state)).toMatchObject({
      health: "down",
      detail: "0/2 web dynos up, 2 crashed (Standard-1X)",
    });
  });
});
