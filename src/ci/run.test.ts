// The action's script end to end with a stand-in CLI (test/fakes/github/action-world.ts);
// test/e2e/ci.test.ts runs the real built CLI.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { World } from "../../test/fakes/github/action-world.js";
import { ok, plan, removeWorlds, world } from "../../test/fakes/github/action-world.js";
import type { FakeGitHub } from "../../test/fakes/github/server.js";
import { fakeGitHub } from "../../test/fakes/github/server.js";

let w: World;
beforeEach(() => {
  w = world();
});
afterAll(removeWorlds);

describe("command: plan", () => {
  it("exit 2 becomes 0 with has-changes=true; argv, state and outputs are as documented", async () => {
    const code = await w.run(
      {
        "INPUT_PLAN-FILE": "plan.json",
        INPUT_FILE: "apiship.yaml",
        INPUT_ENVIRONMENT: "production",
        INPUT_TARGETS: "web",
        INPUT_STATE: "postgres://ci:s3cr%40t@db.internal:5432/apiship",
      },
      { plan: { code: 2, stdout: ok({ plans: [plan("first-deploy")] }) } },
    );
    expect(code).toBe(0);
    const [call] = w.calls();
    expect(call?.argv).toEqual([
      "plan",
      "--json",
      "--file=apiship.yaml",
      "--env=production",
      "--target=web",
      "--detailed-exitcode",
      `--out=${join(w.dir, "plan.json")}`,
    ]);
    expect(call?.state).toBe("postgres://ci:s3cr%40t@db.internal:5432/apiship");
    expect(call?.inputs).toEqual([]);
    const { "plan-json": planJson, "plan-markdown": planMarkdown, ...out } = w.outputs();
    expect(out).toEqual({
      "has-changes": "true",
      "plan-file": join(w.dir, "plan.json"),
      endpoints: "{}",
      "release-id": "",
      "comment-url": "",
      summary: "sentiment-api/production: 3 to create, 0 to update, 0 to replace, 0 to delete",
      "exit-code": "2",
    });
    // The plan's JSON as a file (a path: outputs are size-limited), and its Markdown as text.
    expect(JSON.parse(readFileSync(planJson ?? "", "utf8"))).toEqual({ plans: [plan("first-deploy")] });
    expect(planMarkdown).toMatch(/^### apiship plan for `sentiment-api\/production`/);
    expect(w.summary()).toContain(planMarkdown);
    expect(w.summary()).toContain("### apiship plan for `sentiment-api/production`");
    const log = w.log.join("");
    expect(log).toContain("Plan: 3 to create");
    // The state's password is masked for the whole job and never printed by the action.
    // Both spellings (as typed in the URL and decoded) are masked.
    expect(log).toContain("::add-mask::s3cr@t");
    // Workflow-command data escapes "%" (the runner reads %25 back as %).
    expect(log).toContain("::add-mask::s3cr%2540t");
    expect(log.replace(/^::add-mask::.*$/gm, "")).not.toMatch(/s3cr|postgres:/);
  });

  it("no changes: exit 0, has-changes=false", async () => {
    const code = await w.run({}, { plan: { code: 0, stdout: ok({ plans: [plan("no-changes")] }) } });
    expect(code).toBe(0);
    expect(w.outputs()).toMatchObject({ "has-changes": "false", "plan-file": "", "exit-code": "0" });
    expect(w.outputs().summary).toMatch(/: no changes$/);
  });

  it("a broken manifest: exit 1, ::error annotations at the file and line, the error in the summary", async () => {
    const error = {
      code: "MANIFEST_INVALID",
      message: "apiship.yaml: 1 problem",
      diagnostics: [
        {
          severity: "error",
          code: "unknown-key",
          message: "unknown key regoin",
          path: "targets.web.regoin",
          file: join(w.dir, "apiship.yaml"),
          line: 9,
          column: 5,
        },
      ],
    };
    const stdout = JSON.stringify({ status: "error", error, warnings: [] });
    const code = await w.run({}, { plan: { code: 1, stdout } });
    expect(code).toBe(1);
    const log = w.log.join("");
    expect(log).toContain(
      "::error file=apiship.yaml,line=9,col=5,title=apiship%3A unknown-key at targets.web.regoin::unknown key regoin",
    );
    expect(w.outputs()).toMatchObject({
      "has-changes": "false",
      "exit-code": "1",
      summary: "apiship.yaml: 1 problem",
    });
    expect(w.summary()).toContain("apiship.yaml: 1 problem");
  });

  it("outside Actions it writes no workflow commands", async () => {
    const code = await w.run(
      { GITHUB_ACTIONS: "" },
      {
        plan: {
          code: 1,
          stdout: JSON.stringify({
            status: "error",
            error: { code: "USAGE", message: "bad flag" },
            warnings: [],
          }),
        },
      },
    );
    expect(code).toBe(1);
    expect(w.log.join("")).not.toContain("::");
    expect(w.log.join("")).toContain("error: bad flag");
  });
});

describe("PR comment", () => {
  const TOKEN = "ghs_run_test";
  let gh: FakeGitHub;
  let prInputs: Record<string, string>;
  beforeEach(async () => {
    gh = await fakeGitHub({ token: TOKEN, repo: "acme/shop" });
    const event = join(w.dir, "event.json");
    writeFileSync(event, JSON.stringify({ pull_request: { number: 5 } }));
    prInputs = {
      INPUT_COMMENT: "true",
      "INPUT_GITHUB-TOKEN": TOKEN,
      GITHUB_EVENT_PATH: event,
      GITHUB_REPOSITORY: "acme/shop",
      GITHUB_API_URL: gh.url,
    };
  });
  afterEach(() => gh.close());

  it("posts the plan once, then edits that comment on the next run", async () => {
    const script = { plan: { code: 2, stdout: ok({ plans: [plan("first-deploy")] }) } };
    expect(await w.run(prInputs, script)).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toMatch(
      /^<!-- apiship-plan:sentiment-api\/production -->\n### apiship plan/,
    );
    // The same stack, now without changes.
    const unchanged = { ...plan("no-changes"), stack: "sentiment-api/production" };
    expect(await w.run(prInputs, { plan: { code: 0, stdout: ok({ plans: [unchanged] }) } })).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toMatch(/No changes/);
    expect(w.log.join("")).toMatch(/comment updated on #5/);
  });

  it("a comment GitHub refuses is a warning; the plan step still succeeds", async () => {
    gh.failWith = 403;
    const code = await w.run(prInputs, { plan: { code: 2, stdout: ok({ plans: [plan("first-deploy")] }) } });
    expect(code).toBe(0);
    expect(w.log.join("")).toMatch(/::warning title=apiship comment::GitHub API GET .*HTTP 403/);
    expect(w.log.join("")).not.toContain(TOKEN);
  });

  it("on a push there is no PR: a notice, no API call", async () => {
    const push = join(w.dir, "push.json");
    writeFileSync(push, JSON.stringify({ ref: "refs/heads/main" }));
    await w.run(
      { ...prInputs, GITHUB_EVENT_PATH: push },
      { plan: { code: 0, stdout: ok({ plans: [plan("no-changes")] }) } },
    );
    expect(gh.requests).toEqual([]);
    expect(w.log.join("")).toMatch(
      /::notice title=apiship::comment: true, but this run is not for a pull request/,
    );
  });
});
