// HTTPS_PROXY / HTTP_PROXY / NO_PROXY through the built CLI: a plan and a deploy against the
// Heroku fake pass through a counting proxy on 127.0.0.1 when one is set, and straight past it
// for a NO_PROXY host.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHerokuFake } from "../fakes/heroku/server.js";
import type { HerokuFake } from "../fakes/heroku/server.js";
import { startCountingProxy } from "../support/counting-proxy.js";
import type { CountingProxy } from "../support/counting-proxy.js";
import { apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const APP = "proxied-api";
const IMAGE = `sha256:${"4d".repeat(32)}`;
let fake: HerokuFake;
let proxy: CountingProxy;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  [fake, proxy] = await Promise.all([startHerokuFake({}), startCountingProxy()]);
  fake.world.pushImage(APP, IMAGE);
  dir = tempDir("apiship-e2e-proxy-");
  writeFileSync(
    join(dir, "apiship.yaml"),
    [
      "apiVersion: apiship/v1",
      "name: proxied",
      "service:",
      `  container: { image: "registry.heroku.com/${APP}/web@${IMAGE}", port: 8000 }`,
      "  health: { path: /healthz, attempts: 2, interval: 50ms, timeout: 2s }",
      "targets:",
      `  paas: { provider: heroku, app: ${APP}, endpoint: "${fake.url}" }`,
      "",
    ].join("\n"),
  );
}, 180_000);
afterAll(async () => {
  await Promise.all([fake?.close(), proxy?.close()]);
  cleanup();
});

const fakeHost = () => new URL(fake.url).host;

describe.sequential("proxies", () => {
  it("send a plan's reads and a deploy's calls through HTTP_PROXY", async () => {
    const env = { HEROKU_API_KEY: "k", HTTP_PROXY: proxy.url, APISHIP_HEROKU_POLL_MS: "5" };
    const plan = await apiship(["plan"], { cwd: dir, env });
    expect(plan.code, plan.stderr).toBe(0);
    const afterPlan = proxy.seen.length;
    expect(proxy.seen.some((s) => s.includes(fakeHost()))).toBe(true);
    const deploy = await apiship(["deploy", "--yes"], { cwd: dir, env });
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    expect(proxy.seen.length).toBeGreaterThan(afterPlan);
  });

  it("go straight to a NO_PROXY host", async () => {
    const before = proxy.seen.length;
    const env = { HEROKU_API_KEY: "k", HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" };
    const plan = await apiship(["plan"], { cwd: dir, env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(proxy.seen.length).toBe(before);
  });
});
