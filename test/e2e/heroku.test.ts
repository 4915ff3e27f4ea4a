// A container API on heroku/heroku through the built CLI, against the Heroku fake reached by the
// target's `endpoint` option (HEROKU_API_KEY as a user sets it). The fake also plays the app's
// router, so the deploy's health check reaches the "dynos"; a crashing image fails it and the
// engine rolls back through Heroku's own release rollback.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { DestroyCommandResult } from "../../src/cli/commands/destroy.js";
import type { LogsResult } from "../../src/cli/commands/logs.js";
import type { StatusCommandResult } from "../../src/cli/commands/status.js";
import { writeAppLog } from "../fakes/heroku/logs.js";
import { startHerokuFake } from "../fakes/heroku/server.js";
import type { HerokuFake } from "../fakes/heroku/server.js";
import { jsonStream } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const APP = "sentiment-api-e2e";
const id = (n: string) => `sha256:${n.repeat(64 / n.length)}`;
const [V1, V2, V3] = [id("1a"), id("2b"), id("3c")];
const SECRET = "hf-e2e-secret-4b1d";

function manifest(endpoint: string, extra = ""): string {
  return [
    "apiVersion: apiship/v1",
    "name: sentiment-api",
    "service:",
    `  container: { image: "registry.heroku.com/\${env:HEROKU_APP:-${APP}}/web@\${env:IMAGE}", port: 8000 }`,
    "  env: { LOG_LEVEL: info }",
    '  secrets: { HF_TOKEN: "env:HF_TOKEN" }',
    "  resources: { cpu: 1, memory: 2048 }",
    "  scaling: { min: 2, max: 4 }",
    "  health: { path: /healthz, attempts: 2, interval: 50ms, timeout: 2s }",
    "targets:",
    `  paas: { provider: heroku, app: "\${env:HEROKU_APP:-${APP}}", region: eu, endpoint: "${endpoint}"${extra} }`,
    "environments:",
    "  production: { targets: [paas] }",
    "defaultEnvironment: production",
    "",
  ].join("\n");
}

let fake: HerokuFake;
let dir: string;
let logFile: string;
const env = { HEROKU_API_KEY: "e2e-key", HF_TOKEN: SECRET, APISHIP_HEROKU_POLL_MS: "5" };
const cli = (args: string[], extra: Record<string, string> = {}): Promise<RunResult> =>
  apiship(args, { cwd: dir, env: { ...env, IMAGE: V1, ...extra } });
const app = () => fake.world.apps.get(APP);
const current = () => (app() ? fake.world.current(app()!) : undefined);

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir("apiship-e2e-heroku-");
  logFile = join(dir, "fake-requests.ndjson");
  fake = await startHerokuFake({ logFile });
  for (const v of [V1, V2, V3]) fake.world.pushImage(APP, v);
  fake.world.crashImages.add(V3);
  writeFileSync(join(dir, "apiship.yaml"), manifest(fake.url));
}, 180_000);
afterAll(async () => {
  await fake?.close();
  cleanup();
});

describe.sequential("heroku through the built CLI", () => {
  it("deploy creates the app, sets config vars, releases the image and scales the formation", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const { events, envelope: out } = jsonStream<DeployCommandResult>(r);
    expect(out.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["paas", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    expect(app()?.app.region.name).toBe("eu");
    expect(app()?.app.stack.name).toBe("container");
    expect(app()?.config.LOG_LEVEL).toBe("info");
    expect(app()?.config.HF_TOKEN).toBe(SECRET);
    expect(current()?.image).toBe(V1);
    // 2048 MiB needs performance-m (basic has 512 MiB); scaling.min 2 → 2 dynos.
    expect(app()?.formation.get("web")).toMatchObject({ quantity: 2, dyno_size: { name: "Performance-M" } });
    const sent = fake.requests.filter((q) => !q.path.startsWith("/__"));
    const release = (q: (typeof sent)[number]) =>
      q.method === "PATCH" &&
      q.path.endsWith("/formation") &&
      q.json !== undefined &&
      /docker_image/.test(q.body.toString());
    for (const q of sent)
      expect(q.headers.accept).toBe(
        `application/vnd.heroku+json; version=3${release(q) ? ".docker-releases" : ""}`,
      );
    expect(sent.filter(release)).toHaveLength(1);
    expect(fake.rejected).toEqual([]);
    // The secret value travels only in the config-vars PATCH, and never comes out.
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const state = await cli(["state", "export", "--json"]);
    expect(state.stdout).not.toContain(SECRET);
    expect(readFileSync(logFile, "utf8")).toContain("config-vars");
  });

  it("status reports the web dynos' readiness", async () => {
    const r = await cli(["status", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const t = envelope<StatusCommandResult>(r).result?.stacks[0]?.targets[0];
    expect([t?.target, t?.health, t?.endpoint]).toEqual(["paas", "ready", `${fake.url}/__router/${APP}/`]);
  });

  it("logs --json reads the app's log session, each process a stream", async () => {
    const t0 = Date.now() - 60_000;
    writeAppLog(fake.world, APP, [
      { at: t0, source: "app", dyno: "web.1", text: "Booting worker" },
      { at: t0 + 5, source: "heroku", dyno: "router", text: 'at=info method=GET path="/healthz" status=200' },
    ]);
    const r = await cli(["logs", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: out } = jsonStream<LogsResult>(r);
    expect(events.filter((e) => e.type === "log")).toEqual([
      {
        type: "log",
        target: "paas",
        time: new Date(t0).toISOString(),
        stream: "web.1",
        message: "Booting worker",
      },
      {
        type: "log",
        target: "paas",
        time: new Date(t0 + 5).toISOString(),
        stream: "router",
        message: 'at=info method=GET path="/healthz" status=200',
      },
    ]);
    expect(out.result).toEqual({ entries: 2, unavailable: [] });
    expect(fake.rejected).toEqual([]);
  });

  it("an unchanged redeploy makes no mutating call, reports no drift, and reads with the GETs the docs name", async () => {
    // Issue 18, item 15: the state recorded its own create without the app's id, and every
    // later plan showed it as found in the cloud: "appId = null → <id>".
    const plan = await cli(["plan"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).not.toMatch(/Drift|Found in the cloud|appId/);
    const before = fake.mutations().length;
    const reads = fake.requests.length;
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(fake.mutations().length).toBe(before);
    // Issue 18, item 17: docs/providers/heroku.md names the calls of an unchanged redeploy.
    const gets = fake.requests.slice(reads).map((q) => `${q.method} ${q.path}`);
    expect(gets).toEqual([
      `GET /apps/${APP}`,
      `GET /apps/${APP}/config-vars`,
      `GET /apps/${APP}/releases`,
      `GET /apps/${APP}/formation`,
    ]);
  });

  it("an image change is one formation PATCH with the new docker_image", async () => {
    const before = fake.mutations().length;
    const r = await cli(["deploy", "--yes"], { IMAGE: V2 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const made = fake.mutations().slice(before);
    expect(made.map((q) => `${q.method} ${q.path}`)).toEqual([`PATCH /apps/${APP}/formation`]);
    expect(made[0]?.json).toEqual({ updates: [{ type: "web", docker_image: V2 }] });
    expect(current()?.image).toBe(V2);
  });

  it("an image that crashes fails the health check and rolls back by Heroku's release rollback", async () => {
    const good = current();
    const r = await cli(["deploy", "--yes"], { IMAGE: V3 });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^ {2}paas {2}rolled-back /m);
    const rollback = fake.requests.filter((q) => q.method === "POST" && q.path === `/apps/${APP}/releases`);
    expect(rollback.map((q) => q.json)).toEqual([{ release: good?.id }]);
    expect(current()?.image).toBe(V2);
    expect(current()?.description).toBe(`Rollback to v${good?.version}`);
    const st = envelope<StatusCommandResult>(await cli(["status", "--json"], { IMAGE: V2 }));
    expect(st.result?.stacks[0]?.targets[0]?.health).toBe("ready");
  });

  it("an image outside registry.heroku.com is refused at plan time, saying what to push", async () => {
    const r = await cli(["plan"], { HEROKU_APP: APP, IMAGE: "nope" });
    expect(r.code).toBe(1);
    const other = tempDir("apiship-e2e-heroku-ghcr-");
    writeFileSync(
      join(other, "apiship.yaml"),
      manifest(fake.url).replace(/image: "[^"]+"/, 'image: "ghcr.io/acme/sentiment-api:v1"'),
    );
    const g = await apiship(["plan"], { cwd: other, env });
    expect(g.code).toBe(1);
    expect(g.stdout + g.stderr).toContain("registry.heroku.com/sentiment-api-e2e/web");
    expect(g.stdout + g.stderr).toMatch(/docker push registry\.heroku\.com\/sentiment-api-e2e\/web/);
  });

  it("a name another account holds is a conflict whose hint is the target's `app`", async () => {
    fake.world.taken.add("taken-by-someone");
    const fresh = tempDir("apiship-e2e-heroku-taken-");
    writeFileSync(join(fresh, "apiship.yaml"), manifest(fake.url));
    const before = fake.mutations().length;
    const r = await apiship(["deploy", "--yes"], {
      cwd: fresh,
      env: { ...env, IMAGE: V1, HEROKU_APP: "taken-by-someone" },
    });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/taken-by-someone is taken by another account/);
    expect(r.stdout + r.stderr).toMatch(/set `app:` on target paas to a free name/);
    expect(fake.mutations().length).toBe(before);
  });

  it("destroy deletes the app, and a second destroy exits 0 without a call that changes anything", async () => {
    const r = await cli(["destroy", "--confirm", "production", "--json"], { IMAGE: V2 });
    expect(r.code, r.stderr).toBe(0);
    const out = jsonStream<DestroyCommandResult>(r).envelope;
    expect(out.result?.stacks[0]?.targets.map((t) => [t.target, t.status])).toEqual([["paas", "destroyed"]]);
    expect(app()).toBeUndefined();
    const before = fake.mutations().length;
    const again = await cli(["destroy", "--confirm", "production"], { IMAGE: V2 });
    expect(again.code, again.stderr).toBe(0);
    expect(fake.mutations().length).toBe(before);
  });
});

// Issue 18, item 16: an app adopted with `app:` on the target, the documented first deploy of an
// existing app, recorded no endpoint: no probe was sent, and a release answering 500 was
// reported as deployed with exit 0.
describe.sequential("an adopted heroku app through the built CLI", () => {
  const ADOPTED = "adopted-e2e";
  const [GOOD, BAD] = [id("4d"), id("5e")];
  let at: string;
  const run = (image: string) =>
    apiship(["deploy", "--yes", "--json"], { cwd: at, env: { ...env, IMAGE: image, HEROKU_APP: ADOPTED } });
  const adopted = () => fake.world.apps.get(ADOPTED);

  beforeAll(() => {
    at = tempDir("apiship-e2e-heroku-adopt-");
    writeFileSync(join(at, "apiship.yaml"), manifest(fake.url));
    // `heroku create adopted-e2e --stack container`, then images pushed to its registry.
    fake.world.createApp(ADOPTED, "eu", "container", null);
    for (const v of [GOOD, BAD]) fake.world.pushImage(ADOPTED, v);
    fake.world.erroringImages.add(BAD);
  });

  it("the first deploy checks the adopted app's health at its web URL", async () => {
    const r = await run(GOOD);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const { events, envelope: out } = jsonStream<DeployCommandResult>(r);
    const t = out.result?.stacks[0]?.deploy?.targets[0];
    expect([t?.status, t?.endpoint]).toEqual(["deployed", `${fake.url}/__router/${ADOPTED}/`]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
  });

  it("a release that answers 500 fails its health check and is rolled back, exit code 3", async () => {
    const good = fake.world.current(adopted()!);
    const r = await run(BAD);
    expect(r.code).toBe(3);
    const out = jsonStream<DeployCommandResult>(r).envelope;
    expect(out.result?.stacks[0]?.deploy?.targets.map((t) => t.status)).toEqual(["rolled-back"]);
    expect(fake.world.current(adopted()!)?.image).toBe(GOOD);
    expect(fake.world.current(adopted()!)?.description).toBe(`Rollback to v${good?.version}`);
  });
});

describe.sequential("heroku source builds through the built CLI", () => {
  const SRC_APP = "sentiment-src-e2e";
  let src: string;
  const run = (args: string[]) => apiship(args, { cwd: src, env });
  const builds = () =>
    fake.requests.filter((r) => r.method === "POST" && r.path === `/apps/${SRC_APP}/builds`).length;

  beforeAll(() => {
    src = tempDir("apiship-e2e-heroku-src-");
    mkdirSync(join(src, "api"));
    writeFileSync(join(src, "api", "Procfile"), "web: node server.js\n");
    writeFileSync(join(src, "api", "package.json"), '{ "name": "api" }\n');
    writeFileSync(join(src, "api", "server.js"), "// v1\n");
    writeFileSync(
      join(src, "apiship.yaml"),
      [
        "apiVersion: apiship/v1",
        "name: sentiment-src",
        "service:",
        "  function: { runtime: nodejs22, handler: server.js, source: api, interface: native }",
        "  health: { path: /healthz, attempts: 2, interval: 50ms, timeout: 2s }",
        "targets:",
        `  paas: { provider: heroku, app: ${SRC_APP}, stack: heroku-24, endpoint: "${fake.url}" }`,
        "environments:",
        "  production: { targets: [paas] }",
        "defaultEnvironment: production",
        "",
      ].join("\n"),
    );
  });

  it("deploy packs function.source, builds it with the buildpacks and releases it; unchanged, nothing is built", async () => {
    const r = await run(["deploy", "--yes"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(builds()).toBe(1);
    expect(fake.rejected).toEqual([]);
    const again = await run(["deploy", "--yes"]);
    expect(again.stdout).toMatch(/No changes\./);
    expect(builds()).toBe(1);
  });

  it("a code change is one new build", async () => {
    writeFileSync(join(src, "api", "server.js"), "// v2\n");
    const r = await run(["deploy", "--yes"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(builds()).toBe(2);
  });
});
