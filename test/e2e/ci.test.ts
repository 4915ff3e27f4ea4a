// apiship as a CI step: the built CLI and the GitHub Action's script (dist/src/ci/action.js, the
// compiled script driving the checkout's CLI; test/e2e/action-bundle.test.ts runs the bundle), run
// the way a runner runs them (CI=true, GITHUB_ACTIONS=true, $GITHUB_OUTPUT and
// $GITHUB_STEP_SUMMARY pointed at temp files, stdin closed), through the reviewed-plan workflow
// on the test provider: plan --out on the pull request, deploy --plan on merge, a stale plan
// refused, annotations for a broken manifest, the PR comment against a fake GitHub API.

import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOutputs } from "../../src/ci/github.js";
import type { FakeGitHub } from "../fakes/github/server.js";
import { fakeGitHub } from "../fakes/github/server.js";
import type { HealthServer, Project } from "./deploy-helpers.js";
import { Runs, SECRET_VAR, healthServer, ownedResources, project, readCloud } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { BIN, ROOT, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const ACTION = join(ROOT, "dist/src/ci/action.js");
const TOKEN = "ghs_e2e_token";
const TARGETS = ["web", "api"];
/** What a prompt would print; CI must never get there. */
const PROMPT = /Only "yes" is accepted/;

let server: HealthServer;
let gh: FakeGitHub;
let p: Project;
let runs: Runs;
let files: { dir: string; output: string; summary: string; event: string };

/** The variables a GitHub runner sets for a step, with fresh output and summary files. */
function runnerEnv(): Record<string, string> {
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  return {
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: p.dir,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: "https://github.test",
    GITHUB_RUN_ID: "77",
  };
}

/** Runs a program with stdin closed, recording its output for the canary check. */
function run(file: string, args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: p.dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const r = {
        code: code ?? -1,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      };
      runs.all.push(r);
      resolve(r);
    });
  });
}

const baseEnv = () => ({
  PATH: process.env.PATH ?? "",
  HOME: p.dir,
  CI: "true",
  NO_COLOR: "1",
  TERM: "dumb",
});

/** The `::add-mask::` lines the action printed: the runner reads them and never shows them. */
const masks: string[] = [];

/** `node dist/src/ci/action.js` with INPUT_* spelled as GitHub spells them. */
async function action(inputs: Record<string, string>): Promise<RunResult> {
  const r = await run(process.execPath, [ACTION], { ...baseEnv(), ...p.env, ...runnerEnv(), ...inputs });
  // Kept out of what the canary check reads, since a mask has to name the value it hides.
  r.stdout = r.stdout.replace(/^::add-mask::.*\n/gm, (m) => {
    masks.push(m.trim());
    return "";
  });
  return r;
}

const outputs = () => parseOutputs(readFileSync(files.output, "utf8"));
const summary = () => readFileSync(files.summary, "utf8");
const write = (image: string) => p.write({ targets: TARGETS, endpoint: server.url, image });

beforeAll(async () => {
  ensureBuilt();
  server = await healthServer(200);
  gh = await fakeGitHub({ token: TOKEN, repo: "acme/shop" });
  p = project({ targets: TARGETS, endpoint: server.url });
  runs = new Runs(p);
  const dir = tempDir("apiship-ci-files-");
  files = {
    dir,
    output: join(dir, "github_output"),
    summary: join(dir, "step_summary.md"),
    event: join(dir, "event.json"),
  };
  writeFileSync(files.event, JSON.stringify({ action: "synchronize", pull_request: { number: 9 } }));
}, 180_000);
afterAll(async () => {
  await server.close();
  await gh.close();
  cleanup();
});

describe.sequential("the CLI in CI", () => {
  it("plan --out --detailed-exitcode exits 2, then deploy --plan --yes applies it with grouped logs", async () => {
    const plan = await runs.cli(["plan", "--out", "plan.json", "--detailed-exitcode"], runnerEnv());
    expect(plan.code, plan.stderr).toBe(2);
    expect(existsSync(join(p.dir, "plan.json"))).toBe(true);
    const deploy = await runs.cli(["deploy", "--plan", "plan.json", "--yes"], runnerEnv());
    expect(deploy.code, deploy.stderr).toBe(0);
    // Each target's lines are one group, whatever order the parallel targets ran in.
    for (const t of TARGETS) {
      const group = new RegExp(`^::group::${t}\\n(?:\\S+ ${t}: .*\\n)+::endgroup::$`, "m");
      expect(deploy.stderr).toMatch(group);
    }
    expect(deploy.stderr.includes("\u001b[")).toBe(false);
    expect(ownedResources(readCloud(p.cloud), "shop/dev")).toHaveLength(8);
    const again = await runs.cli(["plan", "--detailed-exitcode"], runnerEnv());
    expect(again.code).toBe(0);
    for (const r of [plan, deploy, again]) expect(r.stderr + r.stdout).not.toMatch(PROMPT);
  });

  it("a deploy that would need a confirmation refuses in CI instead of prompting", async () => {
    write("ghcr.io/acme/shop:2");
    const r = await runs.cli(["deploy"], runnerEnv());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to deploy without confirmation/);
    expect(r.stderr).not.toMatch(PROMPT);
    write("ghcr.io/acme/shop:1");
  });

  it("plan problems become annotations on the manifest too", async () => {
    // Without the secret's variable, the plan warns, and the warning is annotated on apiship.yaml.
    const env = runnerEnv();
    const r = await runs.cli(["plan", "--offline"], { ...env, [SECRET_VAR]: undefined });
    expect(r.stderr).toMatch(
      /^::warning file=apiship\.yaml,title=apiship%3A secret-unset at service\.secrets\.[A-Z_]+::/m,
    );
  });

  it("a broken manifest gives ::error annotations at its file and line", async () => {
    const good = readFileSync(join(p.dir, "apiship.yaml"), "utf8");
    const lines = good.split("\n");
    const at = lines.findIndex((l) => l.startsWith("  api:"));
    lines[at] = "  api: { provider: tset }";
    writeFileSync(join(p.dir, "apiship.yaml"), lines.join("\n"));
    try {
      const r = await runs.cli(["validate"], runnerEnv());
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `^::error file=apiship\\.yaml,line=${at + 1},col=\\d+,title=apiship%3A [\\w-]+ at targets\\.api\\.provider::.*tset`,
          "m",
        ),
      );
      const viaAction = await action({ INPUT_COMMAND: "plan" });
      expect(viaAction.code).toBe(1);
      expect(viaAction.stdout).toMatch(new RegExp(`^::error file=apiship\\.yaml,line=${at + 1},`, "m"));
      expect(outputs()).toMatchObject({ "has-changes": "false", "exit-code": "1" });
      expect(summary()).toMatch(/apiship\.yaml: 1 problem/);
    } finally {
      writeFileSync(join(p.dir, "apiship.yaml"), good);
    }
  });
  it("examples/ci/shell/deploy.sh: auto plans then applies that plan; plan exits 0 with no changes", async () => {
    write("ghcr.io/acme/shop:2");
    const script = join(ROOT, "examples/ci/shell/deploy.sh");
    const sh = (...args: string[]) =>
      run("bash", [script, ...args], {
        ...baseEnv(),
        ...p.env,
        APISHIP: `${process.execPath} ${BIN}`,
        APISHIP_STATE: `sqlite:${p.stateFile}`,
      });
    const auto = await sh("auto", "dev");
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stdout).toMatch(/dev has changes/);
    expect(auto.stdout).toMatch(/dev deployed/);
    expect(readCloud(p.cloud).resources["shop-dev-web-service"]?.attributes.image).toBe(
      "ghcr.io/acme/shop:2",
    );
    const plan = await sh("plan", "dev");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/no changes in dev/);
    const unset = await run("bash", [script, "plan"], { PATH: process.env.PATH ?? "" });
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toMatch(/set APISHIP_STATE/);
  });
});

describe.sequential("the GitHub Action's script", () => {
  it("plan on the PR: saved plan, outputs, job summary, one PR comment", async () => {
    write("ghcr.io/acme/shop:3");
    const r = await action({
      INPUT_COMMAND: "plan",
      "INPUT_PLAN-FILE": "reviewed.json",
      INPUT_COMMENT: "true",
      "INPUT_GITHUB-TOKEN": TOKEN,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = outputs();
    expect(out).toMatchObject({
      "has-changes": "true",
      "plan-file": join(p.dir, "reviewed.json"),
      "exit-code": "2",
    });
    expect(out.summary).toMatch(/^shop\/dev: 0 to create, \d+ to update/);
    expect(existsSync(join(p.dir, "reviewed.json"))).toBe(true);
    expect(summary()).toContain("### apiship plan for `shop/dev`");
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.issue).toBe(9);
    expect(gh.comments[0]?.body).toMatch(/^<!-- apiship-plan:shop\/dev -->\n### apiship plan/);
    expect(gh.comments[0]?.body).toContain("https://github.test/acme/shop/actions/runs/77");
    expect(r.stdout).not.toContain(TOKEN);
  });

  it("deploy on merge: applies the reviewed plan, reports endpoints, groups each target", async () => {
    const r = await action({ INPUT_COMMAND: "deploy", "INPUT_PLAN-FILE": "reviewed.json" });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readCloud(p.cloud).resources["shop-dev-web-service"]?.attributes.image).toBe(
      "ghcr.io/acme/shop:3",
    );
    const out = outputs();
    expect(out["has-changes"]).toBe("true");
    expect(JSON.parse(out.endpoints ?? "")).toEqual({ web: server.url, api: server.url });
    expect(out.summary).toMatch(/^shop\/dev: deployed \(exit 0\)/);
    for (const t of TARGETS)
      expect(r.stdout).toMatch(new RegExp(`^::group::${t}\\n[^]*?^::endgroup::$`, "m"));
    expect(summary()).toContain("### apiship deploy of <code>shop/dev</code>");
    expect(summary()).toMatch(/\| <code>web<\/code> \| test\/service \| deployed \|/);
  });

  it("the next plan has no changes and edits the same comment", async () => {
    const r = await action({ INPUT_COMMAND: "plan", INPUT_COMMENT: "true", "INPUT_GITHUB-TOKEN": TOKEN });
    expect(r.code).toBe(0);
    expect(outputs()).toMatchObject({ "has-changes": "false", "exit-code": "0", "plan-file": "" });
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toMatch(/No changes/);
  });

  it("a reviewed plan is refused once the state moved (exit 1, annotated)", async () => {
    write("ghcr.io/acme/shop:4");
    expect((await action({ INPUT_COMMAND: "plan", "INPUT_PLAN-FILE": "old.json" })).code).toBe(0);
    write("ghcr.io/acme/shop:5");
    expect((await runs.cli(["deploy", "--yes"], runnerEnv())).code).toBe(0);
    write("ghcr.io/acme/shop:4");
    const r = await action({ INPUT_COMMAND: "deploy", "INPUT_PLAN-FILE": "old.json" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error title=apiship%3A PLAN_STALE::/m);
    expect(outputs()["exit-code"]).toBe("1");
    expect(readCloud(p.cloud).resources["shop-dev-web-service"]?.attributes.image).toBe(
      "ghcr.io/acme/shop:5",
    );
  });

  it("masked the secret's value for the job before the deploys, and never printed it", () => {
    expect(masks).toContain(`::add-mask::${p.canary}`);
  });

  it("never printed the secret, and never prompted", () => {
    runs.assertNoCanary([files.output, files.summary]);
    for (const r of runs.all) expect(r.stdout + r.stderr).not.toMatch(PROMPT);
  });
});
