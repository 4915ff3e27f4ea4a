// The GitHub Action as a job runs it: action/dist, committed, with no npm install. These tests
// check that the committed bundle is what `npm run build:action` makes from the sources and the
// lockfile of this checkout, and run a copy of it outside the repository (so nothing can resolve
// from the repository's node_modules) the way the runner runs a node20 action: `node
// action/dist/index.js` with INPUT_* variables and $GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY files.

import { spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript build script, with no type declarations.
import { bundleAction, hashTree, listFiles } from "../../scripts/bundle-action.js";
import { parseOutputs } from "../../src/ci/github.js";
import type { RunResult } from "./helpers.js";
import { ROOT, cleanup, tempDir } from "./helpers.js";

const COMMITTED = join(ROOT, "action/dist");
const lockedVersion = (name: string) =>
  (
    JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version: string }>;
    }
  ).packages[`node_modules/${name}`]?.version;

let copy: string;
afterAll(cleanup);
beforeAll(() => {
  // The action as the runner downloads it: action.yml and action/dist, nothing else.
  copy = join(tempDir("apiship-action-copy-"), "apiship");
  cpSync(COMMITTED, join(copy, "action/dist"), { recursive: true });
  cpSync(join(ROOT, "action.yml"), join(copy, "action.yml"));
});

function run(file: string, args: string[], env: Record<string, string>, cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

describe("the committed action bundle", () => {
  it("is what npm run build:action makes from these sources and this lockfile", async () => {
    const fresh = join(tempDir("apiship-action-build-"), "dist");
    await bundleAction(fresh);
    const committed = listFiles(COMMITTED) as string[];
    const rebuilt = listFiles(fresh) as string[];
    const changed = rebuilt.filter(
      (f) => !committed.includes(f) || !readFileSync(join(fresh, f)).equals(readFileSync(join(COMMITTED, f))),
    );
    const gone = committed.filter((f) => !rebuilt.includes(f));
    // Named, so the failure says what moved; the hash covers names and contents together.
    expect(
      { changed, gone },
      "action/dist is stale: run `npm run build:action` and commit action/dist",
    ).toEqual({
      changed: [],
      gone: [],
    });
    expect(hashTree(fresh)).toBe(hashTree(COMMITTED));
  }, 180_000);

  it("has no file that git ignores, which a checkout of the action would lack", () => {
    const git = spawnSync("git", ["ls-files", "--others", "--ignored", "--exclude-standard", "action/dist"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    // Not a git checkout (a source tarball): nothing to compare with.
    if (git.status !== 0) return;
    expect(git.stdout.split("\n").filter(Boolean)).toEqual([]);
  });

  it("pins the native packages it installs on demand to the lockfile's versions", () => {
    const chunks = readdirSync(join(COMMITTED, "chunks")).map((f) =>
      readFileSync(join(COMMITTED, "chunks", f), "utf8"),
    );
    for (const name of ["better-sqlite3", "esbuild"]) {
      const version = lockedVersion(name);
      expect(version, name).toBeDefined();
      expect(
        chunks.some((c) => c.includes(`"${name}","${version}"`)),
        name,
      ).toBe(true);
    }
  });
});

describe("node action/dist/index.js, run as the runner runs it", () => {
  function runnerFiles() {
    const dir = tempDir("apiship-action-runner-");
    const files = {
      output: join(dir, "output"),
      summary: join(dir, "summary.md"),
      modules: join(dir, "modules"),
    };
    writeFileSync(files.output, "");
    writeFileSync(files.summary, "");
    return files;
  }

  it("command: validate on examples/hello-fn: outputs, job summary, no install of anything", async () => {
    const files = runnerFiles();
    const workspace = join(tempDir("apiship-action-ws-"), "repo");
    cpSync(join(ROOT, "examples/hello-fn"), workspace, { recursive: true });
    const r = await run(
      process.execPath,
      [join(copy, "action/dist/index.js")],
      {
        PATH: process.env.PATH ?? "",
        HOME: workspace,
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        APISHIP_ACTION_MODULES: files.modules,
        INPUT_COMMAND: "validate",
        "INPUT_WORKING-DIRECTORY": ".",
        "INPUT_GITHUB-TOKEN": "ghs_unused",
      },
      workspace,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Running: apiship validate --json");
    const out = parseOutputs(readFileSync(files.output, "utf8"));
    expect(out).toMatchObject({ "has-changes": "false", "exit-code": "0", endpoints: "{}", "plan-json": "" });
    expect(out.summary?.split("\n")).toEqual([
      "hello-fn/development: valid, 1 target",
      "hello-fn/staging: valid, 2 targets",
      "hello-fn/production: valid, 4 targets",
      "hello-fn/digitalocean: valid, 1 target",
      "hello-fn/heroku: valid, 1 target",
    ]);
    const summary = readFileSync(files.summary, "utf8");
    expect(summary).toContain("### apiship validate: <code>hello-fn</code> is valid");
    expect(summary).toContain(
      "| <code>hello-fn/production</code> | function | lambda (aws/lambda), gcf (gcp/cloud-functions), azfn (azure/functions), firebase (firebase/functions) |",
    );
    // validate needs neither native package: nothing was installed.
    expect(existsSync(files.modules)).toBe(false);
  }, 60_000);

  it("validate loads no cloud SDK, no database driver, and nothing from outside action/dist", async () => {
    const dist = join(copy, "action/dist");
    const log = join(tempDir("apiship-action-modules-"), "modules.log");
    const workspace = join(tempDir("apiship-action-ws-"), "repo");
    cpSync(join(ROOT, "examples/hello-fn"), workspace, { recursive: true });
    const r = await run(
      process.execPath,
      [join(dist, "bin/run.js"), "validate"],
      {
        PATH: process.env.PATH ?? "",
        HOME: workspace,
        NODE_OPTIONS: `--import=${join(ROOT, "test/e2e/fixtures/record-modules.mjs")}`,
        APISHIP_E2E_MODULE_LOG: log,
      },
      workspace,
    );
    expect(r.code, r.stderr).toBe(0);
    const urls = [
      ...new Set(
        readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => l.split(" ")[2] ?? "")
          .filter((u) => u.startsWith("file:")),
      ),
    ];
    // The recorder saw the bundle: the CLI entry and its chunks, and nothing else on disk.
    expect(urls.some((u) => u.endsWith("/action/dist/bin/run.js"))).toBe(true);
    expect(urls.filter((u) => !fileURLToPath(u).startsWith(dist))).toEqual([]);
    // Code of each SDK and driver, by a string only it holds; each is somewhere in the bundle.
    const markers = {
      aws: "aws-sdk-js",
      azure: "azsdk-js",
      google: "gl-node/",
      kubernetes: "/api/v1/namespaces/{namespace}/pods",
      pg: "SCRAM-SHA-256",
      "better-sqlite3": `"better-sqlite3","${lockedVersion("better-sqlite3")}"`,
      esbuild: `"esbuild","${lockedVersion("esbuild")}"`,
    };
    const chunks = readdirSync(join(dist, "chunks")).map((f) =>
      readFileSync(join(dist, "chunks", f), "utf8"),
    );
    const loaded = urls.map((u) => readFileSync(fileURLToPath(u), "utf8"));
    for (const [name, marker] of Object.entries(markers)) {
      expect(
        chunks.some((c) => c.includes(marker)),
        `${name} is in the bundle`,
      ).toBe(true);
      expect(
        loaded.some((c) => c.includes(marker)),
        `validate loaded ${name}`,
      ).toBe(false);
    }
  }, 60_000);

  it("a broken manifest: exit 1 and an ::error annotation at its line", async () => {
    const files = runnerFiles();
    const workspace = join(tempDir("apiship-action-ws-"), "repo");
    cpSync(join(ROOT, "examples/hello-fn"), workspace, { recursive: true });
    const manifest = join(workspace, "apiship.yaml");
    writeFileSync(
      manifest,
      readFileSync(manifest, "utf8").replace("    region: us-east-1", "    regoin: us-east-1"),
    );
    const r = await run(
      process.execPath,
      [join(copy, "action/dist/index.js")],
      {
        PATH: process.env.PATH ?? "",
        HOME: workspace,
        GITHUB_ACTIONS: "true",
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        INPUT_COMMAND: "validate",
      },
      workspace,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^::error file=apiship\.yaml,line=\d+,col=\d+,title=apiship%3A [\w-]+ at targets\.lambda\.regoin::/m,
    );
    expect(parseOutputs(readFileSync(files.output, "utf8"))["exit-code"]).toBe("1");
  }, 60_000);
});

describe("better-sqlite3 on demand (a sqlite: state)", () => {
  /**
   * An `npm` that installs from this checkout instead of the registry (tests reach 127.0.0.1
   * only): it records its arguments and links the package into the --prefix folder, or fails.
   */
  function fakeNpm(mode: "install" | "fail") {
    const dir = tempDir("apiship-fake-npm-");
    const log = join(dir, "calls.ndjson");
    const script = `#!${process.execPath}
const { appendFileSync, mkdirSync, symlinkSync } = require("node:fs");
const { join } = require("node:path");
const args = process.argv.slice(2);
if (args[0] === "--version") { console.log("10.0.0"); process.exit(0); }
appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + "\\n");
if (${JSON.stringify(mode)} === "fail") { console.error("npm error network ETIMEDOUT"); process.exit(1); }
const prefix = args[args.indexOf("--prefix") + 1];
const name = args[1].slice(0, args[1].lastIndexOf("@"));
mkdirSync(join(prefix, "node_modules"), { recursive: true });
symlinkSync(${JSON.stringify(join(ROOT, "node_modules"))} + "/" + name, join(prefix, "node_modules", name));
console.log("added 1 package");
`;
    writeFileSync(join(dir, "npm"), script);
    chmodSync(join(dir, "npm"), 0o755);
    const calls = () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as string[])
        : [];
    return { dir, calls };
  }

  async function offlinePlan(npmDir: string, modules: string) {
    const workspace = join(tempDir("apiship-action-ws-"), "repo");
    cpSync(join(ROOT, "examples/hello-fn"), workspace, { recursive: true });
    return run(
      process.execPath,
      [join(copy, "action/dist/bin/run.js"), "plan", "--offline", "--json"],
      {
        PATH: `${npmDir}:${process.env.PATH ?? ""}`,
        HOME: workspace,
        CI: "true",
        APISHIP_ACTION_MODULES: modules,
      },
      workspace,
    );
  }

  it("is installed once, at the lockfile's version, with npm's output kept off stdout", async () => {
    const npm = fakeNpm("install");
    const modules = join(tempDir("apiship-modules-"), "m");
    const first = await offlinePlan(npm.dir, modules);
    expect(first.code, first.stderr).toBe(0);
    // stdout is the JSON result alone; npm's own line went to stderr.
    expect((JSON.parse(first.stdout) as { status: string }).status).toBe("ok");
    expect(first.stderr).toContain(
      `apiship: installing better-sqlite3@${lockedVersion("better-sqlite3")} for the sqlite: state store`,
    );
    expect(first.stderr).toContain("added 1 package");
    const [call, ...more] = npm.calls();
    expect(more).toEqual([]);
    expect(call?.slice(0, 2)).toEqual(["install", `better-sqlite3@${lockedVersion("better-sqlite3")}`]);
    expect(call).toEqual(expect.arrayContaining(["--no-save", "--ignore-scripts=false"]));
    const second = await offlinePlan(npm.dir, modules);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain("installing");
    expect(npm.calls()).toHaveLength(1);
  }, 60_000);

  it("an install that fails is a state error naming the package, npm's failure and PostgreSQL", async () => {
    const npm = fakeNpm("fail");
    const r = await offlinePlan(npm.dir, join(tempDir("apiship-modules-"), "m"));
    expect(r.code).toBe(1);
    const env = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(env.error.code).toBe("STATE_ERROR");
    expect(env.error.message).toMatch(
      /better-sqlite3@[\d.]+, which the action installs with npm on first use, and installing it failed: npm exited 1/,
    );
    expect(env.error.message).toContain("postgres://");
    expect(r.stderr).toContain("npm error network ETIMEDOUT");
  }, 60_000);
});
