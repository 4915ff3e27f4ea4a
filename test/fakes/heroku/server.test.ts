// The Heroku fake behaves like the Platform API where the adapter depends on it: schema-checked
// bodies, global app names, Heroku's rate limiting, numbered releases and rollback.
import { afterEach, describe, expect, it } from "vitest";
import { startHerokuFake } from "./server.js";
import type { HerokuFake } from "./server.js";
import { validateRequest } from "./validate.js";

const ACCEPT = "application/vnd.heroku+json; version=3";
const DOCKER = { accept: "application/vnd.heroku+json; version=3.docker-releases" };
const IMG = `sha256:${"ab".repeat(32)}`;
let fake: HerokuFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${fake?.url}${path}`, {
    method,
    headers: { accept: ACCEPT, authorization: "Bearer k", "content-type": "application/json", ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

describe("Heroku fake", () => {
  it("checks request bodies against the official schema: patterns, types, required, unknown keys", () => {
    expect(validateRequest("POST", "/apps", { name: "Bad_Name" }).errors[0]).toMatch(/does not match/);
    expect(validateRequest("POST", "/apps", { name: "good-name", region: 5 }).errors[0]).toMatch(
      /matches none/,
    );
    expect(validateRequest("PATCH", "/apps/x/formation", {}).errors).toEqual(["body: updates is required"]);
    expect(validateRequest("PATCH", "/apps/x/formation", { updates: [{ quantity: 1 }] }).errors).toEqual([
      "body.updates[0]: type is required",
    ]);
    expect(
      validateRequest("PATCH", "/apps/x/formation", { updates: [{ type: "web", size: "basic" }] }).errors,
    ).toEqual(["body.updates[0]: size is not a known property"]);
    expect(
      validateRequest("PATCH", "/apps/x/formation", { updates: [{ type: "web", dyno_size: "basic" }] })
        .errors[0],
    ).toMatch(/expected \["object"\], got string/);
    // An image release exists only under the docker-releases variant of the media type.
    const release = { updates: [{ type: "web", docker_image: IMG }] };
    expect(validateRequest("PATCH", "/apps/x/formation", release).errors).toEqual([
      "body.updates[0]: docker_image is not a known property",
    ]);
    expect(validateRequest("PATCH", "/apps/x/formation", release, "docker-releases").errors).toEqual([]);
    expect(
      validateRequest(
        "PATCH",
        "/apps/x/formation",
        { updates: [{ type: "web", docker_image: "latest" }] },
        "docker-releases",
      ).errors[0],
    ).toMatch(/does not match/);
    expect(validateRequest("PATCH", "/apps/x/config-vars", { "BAD-KEY": "v" }).errors[0]).toMatch(
      /not a known property/,
    );
    expect(validateRequest("PATCH", "/apps/x/config-vars", { GOOD: 1 }).errors[0]).toMatch(/expected/);
    expect(validateRequest("POST", "/apps/x/builds", { source_blob: { url: "u" } })).toEqual({
      link: "build Create",
      errors: [],
    });
    // Create and Rollback share POST /apps/{app}/releases: the body decides which link it is.
    expect(validateRequest("POST", "/apps/x/releases", { release: "r" }).link).toBe("release Rollback");
    expect(validateRequest("POST", "/apps/x/releases", {}).errors).toEqual(["body: slug is required"]);
  });

  it("answers a bad body with 422 invalid_params and a missing API version with 400", async () => {
    fake = await startHerokuFake();
    const bad = await call("POST", "/apps", { name: "UPPER" });
    expect([bad.status, bad.body.id]).toEqual([422, "invalid_params"]);
    expect(fake.rejected).toHaveLength(1);
    const noVersion = await call("GET", "/apps/x", undefined, { accept: "application/json" });
    expect([noVersion.status, noVersion.body.id]).toEqual([400, "bad_request"]);
  });

  it("keeps app names global: another account's name is 403 to read and 422 to create", async () => {
    fake = await startHerokuFake();
    fake.world.taken.add("someone-elses");
    expect((await call("GET", "/apps/someone-elses")).status).toBe(403);
    const taken = await call("POST", "/apps", { name: "someone-elses" });
    expect([taken.status, taken.body.message]).toEqual([422, "Name someone-elses is already taken"]);
    expect((await call("POST", "/apps", { name: "mine-1", stack: "container" })).status).toBe(201);
    expect((await call("POST", "/apps", { name: "mine-1" })).status).toBe(422);
    expect((await call("GET", "/apps/nobody-has")).status).toBe(404);
  });

  it("throttles with a token bucket: RateLimit-Remaining on every answer, 429 rate_limit when empty", async () => {
    fake = await startHerokuFake({ rateLimit: { capacity: 2, perSecond: 0.5 } });
    const a = await call("GET", "/apps/x");
    const b = await call("GET", "/apps/x");
    const c = await call("GET", "/apps/x");
    expect([a.headers.get("ratelimit-remaining"), b.headers.get("ratelimit-remaining")]).toEqual(["1", "0"]);
    expect([
      c.status,
      c.body.id,
      c.headers.get("ratelimit-remaining"),
      c.headers.get("ratelimit-reset"),
    ]).toEqual([429, "rate_limit", "0", "2"]);
  });

  it("numbers releases: a config change and an image release each make one; a rollback restores both", async () => {
    fake = await startHerokuFake({ world: { releasePendingReads: 1 } });
    fake.world.pushImage("app-1", IMG);
    await call("POST", "/apps", { name: "app-1", stack: "container" });
    await call("PATCH", "/apps/app-1/config-vars", { A: "1" });
    const missing = await call(
      "PATCH",
      "/apps/app-1/formation",
      { updates: [{ type: "web", docker_image: `sha256:${"cd".repeat(32)}` }] },
      DOCKER,
    );
    expect(missing.status).toBe(404);
    const plain = await call("PATCH", "/apps/app-1/formation", {
      updates: [{ type: "web", docker_image: IMG }],
    });
    expect([plain.status, plain.body.id]).toEqual([422, "invalid_params"]);
    await call("PATCH", "/apps/app-1/formation", { updates: [{ type: "web", docker_image: IMG }] }, DOCKER);
    await call("PATCH", "/apps/app-1/config-vars", { A: "2" });
    const list = await fetch(`${fake.url}/apps/app-1/releases`, {
      headers: { accept: ACCEPT, range: "version ..; order=desc, max=2" },
    });
    const rs = (await list.json()) as {
      version: number;
      description: string;
      status: string;
      current: boolean;
    }[];
    expect(rs.map((r) => [r.version, r.description, r.current])).toEqual([
      [4, "Set A config vars", true],
      [3, "Deployed web (abababababab)", false],
    ]);
    const v3 = (await call("GET", "/apps/app-1/releases/3")).body;
    const back = await call("POST", "/apps/app-1/releases", { release: v3.id });
    expect([back.status, back.body.description, back.body.version]).toEqual([201, "Rollback to v3", 5]);
    expect((await call("GET", "/apps/app-1/config-vars")).body).toEqual({ A: "1" });
    const basic2 = await call("PATCH", "/apps/app-1/formation", { updates: [{ type: "web", quantity: 2 }] });
    expect([basic2.status, basic2.body.message]).toEqual([
      422,
      "Cannot update to more than 1 Basic size dynos per process type.",
    ]);
    const dynos = await call("GET", "/apps/app-1/dynos");
    expect((dynos.body as unknown as { state: string }[]).map((d) => d.state)).toEqual(["up"]);
  });
});
