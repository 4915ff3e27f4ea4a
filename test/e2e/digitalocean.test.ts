// The three DigitalOcean platforms through the built CLI, against the DigitalOcean fake reached
// by each target's `endpoint` option (DIGITALOCEAN_TOKEN as a user sets it). The fake serves each
// app's live URL, the Functions API host and web actions, and each Droplet's and reserved IP's
// HTTP address on loopback, so every deploy's health check reaches a "running" service.

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { StatusCommandResult } from "../../src/cli/commands/status.js";
import { startDoFake } from "../fakes/digitalocean/server.js";
import type { DoFake } from "../fakes/digitalocean/server.js";
import { jsonStream } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const SECRET = "do-e2e-secret-7f3a";

function container(target: string): string {
  return [
    "apiVersion: apiship/v1",
    "name: shop",
    "service:",
    '  container: { image: "ghcr.io/acme/shop:${env:TAG:-1}", port: 8080 }',
    "  env: { LOG_LEVEL: info }",
    '  secrets: { API_KEY: "env:API_KEY" }',
    "  scaling: { min: 1, max: 1 }",
    "  health: { path: /healthz, attempts: 2, interval: 50ms, timeout: 2s }",
    "targets:",
    `  ${target}`,
    "environments:",
    `  dev: { targets: [${target.split(":")[0]}] }`,
    "defaultEnvironment: dev",
    "",
  ].join("\n");
}

let fake: DoFake;
let env: Record<string, string>;

function project(text: string) {
  const dir = tempDir("apiship-e2e-do-");
  writeFileSync(join(dir, "apiship.yaml"), text);
  mkdirSync(join(dir, "fn"));
  writeFileSync(join(dir, "fn", "index.js"), "exports.main = () => ({ body: 'ok' });\n");
  const run = (args: string[], extra: Record<string, string> = {}): Promise<RunResult> =>
    apiship(args, { cwd: dir, env: { ...env, ...extra } });
  return Object.assign(run, { dir });
}

const statusOf = (r: RunResult) =>
  jsonStream<DeployCommandResult>(r).envelope.result?.stacks[0]?.deploy?.targets.map((t) => [
    t.target,
    t.status,
  ]);

beforeAll(async () => {
  ensureBuilt();
  fake = await startDoFake({ world: { unhealthyImages: ["shop:bad"] } });
  env = {
    DIGITALOCEAN_TOKEN: "e2e-token",
    API_KEY: SECRET,
    APISHIP_DO_POLL_MS: "5",
    APISHIP_DO_DROPLET_HTTP_PORT: String(fake.dropletHttpPort),
    // A Droplet whose container never gets healthy is given up on after 2 s, not 10 minutes.
    APISHIP_DO_DROPLET_TIMEOUT_MS: "2000",
  };
}, 180_000);
afterAll(async () => {
  await fake?.close();
  cleanup();
});

describe.sequential("digitalocean/app-platform through the built CLI", () => {
  let cli: ReturnType<typeof project>;
  beforeAll(() => {
    cli = project(
      container(
        `app: { provider: digitalocean, platform: app-platform, region: fra, endpoint: "${fake.url}" }`,
      ),
    );
  });

  it("deploy creates the app, follows its deployment, and the health check reaches the live URL", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(statusOf(r)).toEqual([["app", "deployed"]]);
    const { events } = jsonStream<DeployCommandResult>(r);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    expect(fake.rejected).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const st = await cli(["state", "export", "--json"]);
    expect(st.stdout).not.toContain(SECRET);
    const status = envelope<StatusCommandResult>(await cli(["status", "--json"]));
    expect(status.result?.stacks[0]?.targets[0]?.health).toBe("ready");
  });

  it("an unchanged redeploy makes no mutating call", async () => {
    const before = fake.mutations().length;
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(fake.mutations().length).toBe(before);
  });

  it("an unhealthy image fails the health check and rolls back by App Platform's rollback", async () => {
    const before = fake.mutations().length;
    const r = await cli(["deploy", "--yes"], { TAG: "bad" });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^ {2}app {2}rolled-back /m);
    const made = fake
      .mutations()
      .slice(before)
      .map((q) => `${q.method} ${q.path.replace(/[0-9a-f-]{36}/, "{id}")}`);
    expect(made).toEqual(["PUT /v2/apps/{id}", "POST /v2/apps/{id}/rollback"]);
    const app = fake.world.findAppByName("shop-dev-app");
    expect(app?.deployments.find((d) => d.phase === "ACTIVE")?.imageRef).toBe("ghcr.io/acme/shop:1");
  });

  it("destroy deletes the app", async () => {
    const r = await cli(["destroy", "--confirm", "dev"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(fake.world.findAppByName("shop-dev-app")).toBeUndefined();
  });
});

describe.sequential("digitalocean/app-platform source builds through the built CLI", () => {
  let cli: ReturnType<typeof project>;
  let dir: string;
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  const edit = (text: string) => {
    writeFileSync(join(dir, "fn", "index.js"), text);
    git("commit", "-qam", text);
    return git("rev-parse", "HEAD");
  };

  beforeAll(() => {
    const manifest = [
      "apiVersion: apiship/v1",
      "name: shop",
      "service:",
      "  function: { runtime: nodejs22, handler: server.js, source: fn, interface: native }",
      "  health: { path: /healthz, attempts: 2, interval: 50ms, timeout: 2s }",
      "targets:",
      `  src: { provider: digitalocean, platform: app-platform, region: fra, git: { repo: acme/shop }, endpoint: "${fake.url}" }`,
      "environments:",
      "  dev: { targets: [src] }",
      "defaultEnvironment: dev",
      "",
    ].join("\n");
    cli = project(manifest);
    dir = cli.dir;
    writeFileSync(
      join(dir, "fn", "package.json"),
      '{ "name": "shop", "scripts": { "start": "node index.js" } }\n',
    );
    writeFileSync(join(dir, ".gitignore"), ".apiship/\n");
    const remote = join(tempDir("apiship-e2e-do-remote-"), "shop.git");
    git("init", "-q", "--bare", "-b", "main", remote);
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "v1");
    git("remote", "add", "origin", remote);
    git("push", "-q", "origin", "main");
    fake.world.opts.gitRemotes = { ...fake.world.opts.gitRemotes, "github:acme/shop": remote };
  });

  it("deploy has App Platform build function.source from the branch, at the work tree's commit", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(statusOf(r)).toEqual([["src", "deployed"]]);
    const app = fake.world.findAppByName("shop-dev-src")?.app;
    expect(app?.spec.services?.[0]).toMatchObject({
      github: { repo: "acme/shop", deploy_on_push: false },
      source_dir: "fn",
    });
    expect(app?.active_deployment?.services?.[0]?.source_commit_hash).toBe(git("rev-parse", "HEAD"));
    expect(fake.rejected).toEqual([]);
    const plan = await cli(["plan", "--detailed-exitcode"]);
    expect(plan.code, plan.stderr + plan.stdout).toBe(0);
  });

  it("a commit that is not pushed is planned, then refused after the build, and the app rolled back", async () => {
    const sha = edit("// v2\n");
    const plan = await cli(["plan", "--detailed-exitcode"]);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain(sha.slice(0, 7));
    const r = await cli(["deploy", "--yes"]);
    // Refused and rolled back: the previous release serves.
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toContain(`not the planned ${sha.slice(0, 12)}`);
    expect(r.stdout + r.stderr).toContain(`git push origin ${sha.slice(0, 12)}:main`);
    git("push", "-q", "origin", "main");
    const again = await cli(["deploy", "--yes"]);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    const app = fake.world.findAppByName("shop-dev-src")?.app;
    expect(app?.active_deployment?.services?.[0]?.source_commit_hash).toBe(sha);
  });

  it("uncommitted changes to function.source are a plan error with the file and a hint", async () => {
    writeFileSync(join(dir, "fn", "index.js"), "// not committed\n");
    const r = await cli(["plan"]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/uncommitted changes \(fn\/index\.js\)/);
    expect(r.stdout + r.stderr).toMatch(/commit and push them/);
    expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+\)?$/m);
    git("checkout", "-q", "--", "fn");
  });
});

describe.sequential("digitalocean/droplet through the built CLI", () => {
  let cli: ReturnType<typeof project>;
  beforeAll(() => {
    cli = project(
      container(`vm: { provider: digitalocean, platform: droplet, region: fra1, endpoint: "${fake.url}" }`),
    );
  });

  it("deploy boots a Droplet, probes it, and gives it a reserved IP the health check reaches", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(statusOf(r)).toEqual([["vm", "deployed"]]);
    expect(fake.world.reservedIps.size).toBe(1);
    expect(fake.rejected).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it("an image change is blue/green behind the same reserved IP; an unchanged redeploy changes nothing", async () => {
    const ip = [...fake.world.reservedIps.keys()][0];
    const r = await cli(["deploy", "--yes"], { TAG: "2" });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect([...fake.world.reservedIps.keys()]).toEqual([ip]);
    expect(fake.world.droplets.size).toBe(2);
    const before = fake.mutations().length;
    const again = await cli(["deploy", "--yes"], { TAG: "2" });
    expect(again.stdout).toMatch(/No changes\./);
    expect(fake.mutations().length).toBe(before);
  });

  it("a new Droplet that fails its probe never gets the IP, and is removed", async () => {
    const serving = [...fake.world.reservedIps.values()][0]?.dropletId;
    const r = await cli(["deploy", "--yes"], { TAG: "bad" });
    // The serving Droplet kept the IP: a refused release, exit 3.
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/did not pass its health check/);
    expect([...fake.world.reservedIps.values()][0]?.dropletId).toBe(serving);
    expect(fake.world.droplets.size).toBe(2);
  });

  it("destroy deletes the Droplets and the reserved IP", async () => {
    const r = await cli(["destroy", "--confirm", "dev"], { TAG: "2" });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(fake.world.droplets.size + fake.world.reservedIps.size).toBe(0);
  });
});

describe.sequential("digitalocean/functions through the built CLI", () => {
  let cli: ReturnType<typeof project>;
  beforeAll(() => {
    cli = project(
      [
        "apiVersion: apiship/v1",
        "name: hello",
        "service:",
        "  function: { runtime: nodejs18, handler: index.main, source: ./fn, interface: native }",
        "  env: { LOG_LEVEL: info }",
        '  secrets: { API_KEY: "env:API_KEY" }',
        "  health: { path: /, attempts: 2, interval: 50ms, timeout: 2s }",
        "targets:",
        `  fn: { provider: digitalocean, platform: functions, region: fra1, endpoint: "${fake.url}" }`,
        "environments:",
        "  dev: { targets: [fn] }",
        "defaultEnvironment: dev",
        "",
      ].join("\n"),
    );
  });

  it("deploy creates the namespace and the web action; the health check reaches it; redeploy changes nothing", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(statusOf(r)).toEqual([["fn", "deployed"]]);
    expect(fake.world.namespaces.size).toBe(1);
    const before = fake.mutations().length;
    const again = await cli(["deploy", "--yes"]);
    expect(again.stdout).toMatch(/No changes\./);
    expect(fake.mutations().length).toBe(before);
  });

  it("a saved plan deploys the code it showed: a source edited after it is refused (PLAN_STALE) before any change", async () => {
    const file = join(cli.dir, "fn", "index.js");
    writeFileSync(file, "exports.main = () => ({ body: 'v2' });\n");
    const plan = await cli(["plan", "--out", "plan.json"]);
    expect(plan.code, plan.stderr + plan.stdout).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(cli.dir, "plan.json"), "utf8")).code)).toEqual(["fn"]);
    writeFileSync(file, "exports.main = () => ({ body: 'v3, not reviewed' });\n");
    const before = fake.mutations().length;
    const stale = await cli(["deploy", "--plan", "plan.json", "--yes"]);
    expect(stale.code).toBe(1);
    expect(stale.stdout + stale.stderr).toMatch(
      /function\.source of target fn changed since the plan was made/,
    );
    expect(fake.mutations().length).toBe(before);
    // The source the plan was made from deploys under that plan.
    writeFileSync(file, "exports.main = () => ({ body: 'v2' });\n");
    const ok = await cli(["deploy", "--plan", "plan.json", "--yes"]);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    expect(fake.mutations().length).toBeGreaterThan(before);
    const d = await cli(["destroy", "--confirm", "dev"]);
    expect(d.code, d.stderr + d.stdout).toBe(0);
    expect(fake.world.namespaces.size).toBe(0);
  });
});
