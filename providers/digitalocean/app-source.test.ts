// Source builds on digitalocean/app-platform: the local work tree read with the real git, and
// the build → read → plan → apply cycle the engine runs, against the stateful DigitalOcean fake,
// which builds the head of the branch of a real (local) repository as App Platform does.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Artifact, Ctx, ResourceChange } from "../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import { ctxOf } from "../../test/fakes/digitalocean/http-stub.js";
import { startDoFake } from "../../test/fakes/digitalocean/server.js";
import type { DoFake } from "../../test/fakes/digitalocean/server.js";
import { appPlatform } from "./app-platform.js";
import type { AppState } from "./app-plan.js";
import { checkBuildable, gitLocation, readWorkTree } from "./app-source.js";
import type { AppOptions } from "./app-spec.js";
import type { DoClients } from "./clients.js";
import type { AppSpec } from "./types.js";

const roots: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "apiship-do-src-"));
  roots.push(d);
  return d;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();

/** A work tree with fn/ (a Node server) and a README, pushed to a bare "remote" on main. */
function repo(): { work: string; remote: string } {
  const root = tmp();
  const work = join(root, "work");
  const remote = join(root, "remote.git");
  mkdirSync(join(work, "fn"), { recursive: true });
  git(root, "init", "-q", "--bare", "-b", "main", remote);
  git(work, "init", "-q", "-b", "main");
  writeFileSync(
    join(work, "fn", "package.json"),
    '{ "name": "shop", "scripts": { "start": "node server.js" } }\n',
  );
  writeFileSync(join(work, "fn", "server.js"), "// v1\n");
  writeFileSync(join(work, "README.md"), "shop\n");
  git(work, "add", ".");
  git(work, "commit", "-qm", "v1");
  git(work, "remote", "add", "origin", remote);
  git(work, "push", "-q", "origin", "main");
  return { work, remote };
}

function commit(work: string, file: string, text: string, push = true): string {
  writeFileSync(join(work, file), text);
  git(work, "commit", "-qam", `edit ${file}`);
  if (push) git(work, "push", "-q", "origin", "main");
  return git(work, "rev-parse", "HEAD");
}

const service: ServiceSpec = {
  kind: "function",
  function: { runtime: "nodejs22", handler: "server.js", source: "fn", interface: "native" },
  env: { LOG_LEVEL: "info" },
  secrets: {},
  resources: { cpu: 1, memory: 512 },
  scaling: { min: 1, max: 1 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  access: "public",
  timeoutMs: 30_000,
};

afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe("digitalocean/app-platform source: the git location and the work tree", () => {
  it("names GitHub, GitLab and Bitbucket repositories by owner/name, and keeps other clone URLs", () => {
    expect(gitLocation({ repo: "acme/shop", branch: "main" })).toEqual({
      via: "github",
      repo: "acme/shop",
      branch: "main",
    });
    expect(gitLocation({ repo: "https://github.com/acme/shop.git", branch: "b" }).repo).toBe("acme/shop");
    expect(gitLocation({ repo: "git@gitlab.com:acme/group/shop.git", branch: "main" })).toEqual({
      via: "gitlab",
      repo: "acme/group/shop",
      branch: "main",
    });
    expect(gitLocation({ repo: "https://bitbucket.org/acme/shop", branch: "main" }).via).toBe("bitbucket");
    const url = "https://git.example.com/acme/shop.git";
    expect(gitLocation({ repo: url, branch: "main" })).toEqual({ via: "git", repo: url, branch: "main" });
    // A public GitHub repository cloned without the integration.
    expect(gitLocation({ repo: "https://github.com/acme/shop", branch: "main", via: "git" }).repo).toBe(
      "https://github.com/acme/shop",
    );
    expect(() => gitLocation({ repo: "shop", branch: "main" })).toThrow(/not a clone URL/);
    expect(() =>
      gitLocation({ repo: "https://git.example.com/shop", branch: "main", via: "github" }),
    ).toThrow(/does not name a github repository/);
  });

  it("reads HEAD, the folder's tree and its path in the repository; refuses what App Platform would not see", async () => {
    const { work } = repo();
    const head = git(work, "rev-parse", "HEAD");
    const wt = await readWorkTree(join(work, "fn"), "fn");
    expect(wt).toEqual({ commit: head, tree: git(work, "rev-parse", "HEAD:fn"), dir: "fn" });
    expect((await readWorkTree(work, ".")).dir).toBe("");

    writeFileSync(join(work, "fn", "server.js"), "// edited, not committed\n");
    await expect(readWorkTree(join(work, "fn"), "fn")).rejects.toThrow(
      /uncommitted changes \(fn\/server.js\)/,
    );
    // A change outside the folder is not the folder's.
    git(work, "checkout", "-q", "--", "fn");
    writeFileSync(join(work, "README.md"), "edited\n");
    await expect(readWorkTree(join(work, "fn"), "fn")).resolves.toMatchObject({ commit: head });

    const plain = tmp();
    await expect(readWorkTree(plain, "api")).rejects.toThrow(/not in a git work tree/);
    await expect(readWorkTree(join(plain, "nope"), "nope")).rejects.toThrow(/is not a folder/);
    expect(() => checkBuildable(plain, "api", "node-js")).toThrow(/has none of package.json/);
    writeFileSync(join(plain, "Dockerfile"), "FROM node:22\n");
    expect(() => checkBuildable(plain, "api", "node-js")).not.toThrow();
  });
});

describe.sequential("digitalocean/app-platform source builds against the fake", () => {
  let fake: DoFake;
  let work: string;
  let stack: Stack;
  let target: TargetSpec & { options: AppOptions };
  let state: AppState | undefined;
  const NAME = "shop-dev-src";

  beforeAll(async () => {
    const r = repo();
    work = r.work;
    fake = await startDoFake({ world: { gitRemotes: { "github:acme/shop": r.remote } } });
    const options = appPlatform.options.parse({
      region: "fra",
      git: { repo: "https://github.com/acme/shop" },
      endpoint: fake.url,
    }) as AppOptions;
    target = { name: "src", provider: "digitalocean", platform: "app-platform", options } as TargetSpec & {
      options: AppOptions;
    };
    stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target], baseDir: work };
  });
  afterAll(async () => {
    await fake?.close();
  });

  async function ctxFor(t: TargetSpec): Promise<Ctx<DoClients>> {
    const clients = await appPlatform.createClients!({
      target: t,
      env: { DIGITALOCEAN_TOKEN: "t", APISHIP_DO_POLL_MS: "1" },
    });
    return ctxOf(clients, stack, t);
  }

  /** What the engine does: build, read, plan, and apply when something changes. */
  async function deploy(t: TargetSpec & { options: AppOptions } = target): Promise<ResourceChange[]> {
    const ctx = await ctxFor(t);
    const artifact: Artifact = await appPlatform.build!(ctx, service);
    const observed = await appPlatform.read!(ctx, state, NAME);
    const req = {
      stack,
      target: t,
      service,
      name: NAME,
      recorded: state,
      observed,
      secretHashes: {},
      artifact,
    };
    const changes = appPlatform.plan!(req).changes;
    if (changes.every((c) => c.action === "no-op")) {
      state = observed;
      return changes;
    }
    // As the engine hands apply a plan: its changes and the recorded state, not the artifact.
    const { artifact: _built, ...rest } = req;
    void _built;
    state = (await appPlatform.apply!(ctx, { ...rest, observed: state, changes, secrets: {} })).state;
    return changes;
  }

  const specSent = () =>
    (fake.mutations().find((r) => r.method === "POST" && r.path === "/v2/apps")?.json as { spec: AppSpec })
      .spec;
  const mutations = () =>
    fake.mutations().map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, ":id")}`);

  it("creates the app from the repository's branch, built from function.source at the work tree's commit", async () => {
    const changes = await deploy();
    expect(changes.map((c) => c.action)).toEqual(["create"]);
    const head = git(work, "rev-parse", "HEAD");
    expect(specSent().services?.[0]).toMatchObject({
      name: "api",
      github: { repo: "acme/shop", branch: "main", deploy_on_push: false },
      source_dir: "fn",
      environment_slug: "node-js",
      http_port: 8080,
    });
    expect(specSent().services?.[0]?.image).toBeUndefined();
    expect(state?.attributes.source).toMatchObject({ commit: head, dir: "fn", environment: "node-js" });
    expect(state?.tree).toBe(git(work, "rev-parse", "HEAD:fn"));
    expect(fake.rejected).toEqual([]);
  });

  it("changes nothing when nothing changed, nor for a commit outside function.source", async () => {
    const before = fake.mutations().length;
    expect((await deploy()).map((c) => c.action)).toEqual(["no-op"]);
    commit(work, "README.md", "docs only\n");
    expect((await deploy()).map((c) => c.action)).toEqual(["no-op"]);
    expect(fake.mutations().length).toBe(before);
  });

  it("deploys a pushed code change as one new deployment of the same spec", async () => {
    const before = fake.mutations().length;
    const sha = commit(work, "fn/server.js", "// v2\n");
    const changes = await deploy();
    expect(changes.map((c) => c.action)).toEqual(["update"]);
    expect((changes[0]?.after as { source: { commit: string } }).source.commit).toBe(sha);
    expect(mutations().slice(before)).toEqual(["POST /v2/apps/:id/deployments"]);
    expect(state?.attributes.source?.commit).toBe(sha);
  });

  it("rolls back and says so when App Platform built another commit than the plan's (not pushed)", async () => {
    const live = state?.deploymentId;
    const pushed = state?.attributes.source?.commit;
    const before = fake.mutations().length;
    const local = commit(work, "fn/server.js", "// v3, committed but not pushed\n", false);
    const err = await deploy().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "SOURCE_MISMATCH", fault: "user" });
    expect(String((err as Error).message)).toContain(`not the planned ${local.slice(0, 12)}`);
    expect(String((err as Error).message)).toContain(`back on deployment ${live}`);
    expect((err as { hint?: string }).hint).toContain(`git push origin ${local.slice(0, 12)}:main`);
    expect(mutations().slice(before)).toEqual([
      "POST /v2/apps/:id/deployments",
      "POST /v2/apps/:id/rollback",
    ]);
    const app = fake.world.findAppByName(NAME)?.app;
    expect(app?.active_deployment?.services?.[0]?.source_commit_hash).toBe(pushed);

    // Pushed, the same plan goes through.
    git(work, "push", "-q", "origin", "main");
    expect((await deploy()).map((c) => c.action)).toEqual(["update"]);
    expect(state?.attributes.source?.commit).toBe(local);
  });

  it("updates the spec (and so builds the head) when an option changes with the code", async () => {
    const before = fake.mutations().length;
    const sha = commit(work, "fn/server.js", "// v4\n");
    const t = { ...target, options: { ...target.options, buildCommand: "npm run build" } };
    const changes = await deploy(t);
    expect(changes.map((c) => c.action)).toEqual(["update"]);
    expect(mutations().slice(before)).toEqual(["PUT /v2/apps/:id"]);
    const put = fake.mutations().at(-1)?.json as { spec: AppSpec };
    expect(put.spec.services?.[0]?.build_command).toBe("npm run build");
    expect(state?.attributes.source?.commit).toBe(sha);
    expect(fake.rejected).toEqual([]);
  });

  it("reports a build App Platform cannot make with its failing step and log URL", async () => {
    const t = {
      ...target,
      name: "other",
      options: { ...target.options, git: { repo: "https://git.example.com/acme/gone.git", branch: "main" } },
    };
    const ctx = await ctxFor(t);
    const artifact = await appPlatform.build!(ctx, service);
    const req = {
      stack,
      target: t,
      service,
      name: "shop-dev-gone",
      recorded: undefined,
      observed: undefined,
      secretHashes: {},
      artifact,
    };
    const { artifact: _built, ...rest } = req;
    void _built;
    const err = await appPlatform.apply!(ctx, {
      ...rest,
      changes: appPlatform.plan!(req).changes,
      secrets: {},
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "DEPLOYMENT_FAILED" });
    expect(String((err as Error).message)).toMatch(
      /ended ERROR: step Building service api failed: failed to clone/,
    );
    expect((err as { hint?: string }).hint).toMatch(/the log is at http:\/\/127\.0\.0\.1:\d+\/__logs\//);
  });
});
