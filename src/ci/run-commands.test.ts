// validate, destroy, rollback, the secrets masked before a deploy, and the comment on the merged
// pull request, through the action's script with a stand-in CLI (test/fakes/github/action-world.ts).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeployResult, DestroyResult } from "../apply/types.js";
import type { DeployCommandResult } from "../cli/commands/deploy.js";
import type { World } from "../../test/fakes/github/action-world.js";
import { ok, removeWorlds, world } from "../../test/fakes/github/action-world.js";
import type { FakeGitHub } from "../../test/fakes/github/server.js";
import { fakeGitHub } from "../../test/fakes/github/server.js";

let w: World;
beforeEach(() => {
  w = world();
});
afterAll(removeWorlds);

const validated = (dir: string, secrets: Record<string, string> = {}) =>
  ok({
    manifests: [
      {
        name: "shop",
        file: join(dir, "apiship.yaml"),
        stacks: [
          {
            id: "shop/prod",
            baseDir: dir,
            service: { kind: "container", secrets },
            targets: [{ name: "web", provider: "aws", platform: "lambda", options: {} }],
          },
        ],
      },
    ],
  });

const release = (id: number) => ({ id, result: "succeeded" as const, summary: [], createdAt: "", who: "ci" });

describe("command: validate", () => {
  it("runs validate --json, one summary line per stack, a table in the job summary", async () => {
    const code = await w.run(
      { INPUT_COMMAND: "validate" },
      { validate: { code: 0, stdout: validated(w.dir) } },
    );
    expect(code).toBe(0);
    expect(w.calls().map((c) => c.argv)).toEqual([["validate", "--json"]]);
    expect(w.outputs()).toMatchObject({
      summary: "shop/prod: valid, 1 target",
      "exit-code": "0",
      "has-changes": "false",
    });
    expect(w.summary()).toContain("| <code>shop/prod</code> | container | web (aws/lambda) |");
  });
});

describe("command: destroy", () => {
  it("repeats the environment as --confirm, streams events, reports what went", async () => {
    const stack: DestroyResult = {
      stack: "shop/prod",
      targets: [
        { target: "web", platform: "aws/lambda", status: "destroyed", attempts: 1 },
        { target: "api", platform: "aws/lambda", status: "destroyed", attempts: 1 },
      ],
      release: release(12),
      interrupted: false,
      exitCode: 0,
      warnings: [],
    };
    const code = await w.run(
      { INPUT_COMMAND: "destroy", INPUT_ENVIRONMENT: "prod", INPUT_TARGETS: "web,api" },
      {
        destroy: {
          code: 0,
          stdout: JSON.stringify({ status: "ok", result: { stacks: [stack] }, warnings: [] }),
        },
      },
    );
    expect(code).toBe(0);
    expect(w.calls().map((c) => c.argv)).toEqual([
      ["destroy", "--json", "--env=prod", "--target=web", "--target=api", "--confirm=prod"],
    ]);
    expect(w.outputs()).toMatchObject({
      "has-changes": "true",
      "release-id": "12",
      summary: "shop/prod: destroyed (exit 0), 2 of 2 targets destroyed",
    });
    expect(w.summary()).toContain("| <code>api</code> | aws/lambda | destroyed |");
  });

  it("without the environment input it runs nothing and says why", async () => {
    expect(await w.run({ INPUT_COMMAND: "destroy" }, {})).toBe(1);
    expect(w.calls()).toEqual([]);
    expect(w.log.join("")).toMatch(/destroy needs the environment input/);
  });
});

describe("command: rollback", () => {
  it("rolls back with --yes and --to, then reports endpoints and the release", async () => {
    const stack: DeployResult = {
      stack: "shop/prod",
      targets: [
        {
          target: "web",
          platform: "aws/lambda",
          status: "deployed",
          attempts: 1,
          endpoint: "https://web.test/",
          release: "v3",
        },
      ],
      release: release(14),
      interrupted: false,
      exitCode: 0,
      warnings: [],
    };
    const outputs = {
      stacks: [
        {
          stack: "shop/prod",
          targets: [{ target: "web", platform: "aws/lambda", endpoint: "https://web.test/", outputs: {} }],
        },
      ],
    };
    const code = await w.run(
      { INPUT_COMMAND: "rollback", INPUT_ENVIRONMENT: "prod", "INPUT_ROLLBACK-TO": "3" },
      {
        validate: { code: 0, stdout: validated(w.dir) },
        rollback: {
          code: 0,
          stdout: JSON.stringify({
            status: "ok",
            result: { stacks: [stack], cancelled: false },
            warnings: [],
          }),
        },
        outputs: { code: 0, stdout: ok(outputs) },
      },
    );
    expect(code).toBe(0);
    expect(w.calls().map((c) => c.argv)).toEqual([
      ["validate", "--json", "--env=prod"],
      ["rollback", "--json", "--env=prod", "--yes", "--to=3"],
      ["outputs", "--json", "--env=prod"],
    ]);
    expect(w.outputs()).toMatchObject({
      "has-changes": "true",
      "release-id": "14",
      "endpoint-web": "https://web.test/",
      summary: "shop/prod: rolled back (exit 0)",
    });
    expect(w.summary()).toContain("**Result: rolled back (exit 0). Release #14: succeeded.**");
  });
});

describe("secrets before a deploy", () => {
  it("masks every env: and file: secret value, and the state's key=value password, before the first line", async () => {
    writeFileSync(join(w.dir, "key.pem"), "-----BEGIN-----\nAAAsecretline\n-----END-----\n");
    const secrets = { DB: "env:SHOP_DB", KEY: "file:key.pem", CLOUD: "aws-sm:prod/db" };
    await w.run(
      {
        INPUT_COMMAND: "deploy",
        INPUT_STATE: "host=db.internal password='st@te pw' dbname=apiship",
        SHOP_DB: "postgres://shop:db%2Fpw@db/shop",
      },
      {
        validate: { code: 0, stdout: validated(w.dir, secrets) },
        deploy: {
          code: 1,
          stdout: JSON.stringify({ status: "error", error: { code: "X", message: "x" }, warnings: [] }),
        },
      },
    );
    const log = w.log.join("");
    const running = log.indexOf("Running: ");
    expect(running).toBeGreaterThan(0);
    const masks = log
      .slice(0, running)
      .split("\n")
      .filter((l) => l.startsWith("::add-mask::"));
    expect(masks).toEqual(
      expect.arrayContaining([
        "::add-mask::st@te pw",
        "::add-mask::postgres://shop:db%252Fpw@db/shop",
        "::add-mask::db/pw",
        "::add-mask::AAAsecretline",
      ]),
    );
    // Nothing but masks came before the command line.
    expect(
      log
        .slice(0, running)
        .split("\n")
        .filter(Boolean)
        .every((l) => l.startsWith("::add-mask::")),
    ).toBe(true);
  });
});

describe("comment-on-merge", () => {
  const TOKEN = "ghs_merge_test";
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await fakeGitHub({ token: TOKEN, repo: "acme/shop" });
  });
  afterEach(() => gh.close());

  const deployed: DeployCommandResult = {
    stacks: [
      {
        stack: "shop/prod",
        changes: { create: 1, update: 0, replace: 0, delete: 0, noop: 0 },
        outcome: "applied",
        deploy: {
          stack: "shop/prod",
          targets: [{ target: "web", platform: "aws/lambda", status: "deployed", attempts: 1 }],
          release: release(21),
          interrupted: false,
          exitCode: 0,
          warnings: [],
        },
      },
    ],
  };

  /** GitHub's "pull requests associated with a commit" answered here; the rest by the fake. */
  const withPulls =
    (sha: string, pulls: unknown[]): typeof fetch =>
    async (input, init) => {
      const url = String(input);
      if (url.endsWith(`/repos/acme/shop/commits/${sha}/pulls`)) return Response.json(pulls);
      return fetch(input, init);
    };

  it("after a push, comments the deploy on the pull request the pushed commit merged", async () => {
    const push = join(w.dir, "push.json");
    writeFileSync(push, JSON.stringify({ ref: "refs/heads/main" }));
    const pulls = [
      { number: 31, state: "closed", merged_at: "2026-01-01T00:00:00Z", merge_commit_sha: "f00d" },
    ];
    const code = await w.run(
      {
        INPUT_COMMAND: "deploy",
        "INPUT_COMMENT-ON-MERGE": "true",
        "INPUT_GITHUB-TOKEN": TOKEN,
        GITHUB_EVENT_PATH: push,
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_SHA: "f00d",
        GITHUB_API_URL: gh.url,
      },
      {
        deploy: { code: 0, stdout: ok(deployed) },
        outputs: { code: 0, stdout: ok({ stacks: [] }) },
      },
      withPulls("f00d", pulls),
    );
    expect(code).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.issue).toBe(31);
    expect(gh.comments[0]?.body).toMatch(
      /^<!-- apiship-deploy:shop\/prod -->\n### apiship deploy of <code>shop\/prod<\/code>/,
    );
    expect(w.outputs()["comment-url"]).toBe(gh.comments[0]?.html_url);
    expect(w.outputs()["release-id"]).toBe("21");
  });

  it("a commit with no pull request: a notice, and the deploy still succeeds", async () => {
    const code = await w.run(
      {
        INPUT_COMMAND: "deploy",
        "INPUT_COMMENT-ON-MERGE": "true",
        "INPUT_GITHUB-TOKEN": TOKEN,
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_SHA: "beef",
        GITHUB_API_URL: gh.url,
      },
      { deploy: { code: 0, stdout: ok(deployed) }, outputs: { code: 0, stdout: ok({ stacks: [] }) } },
      withPulls("beef", []),
    );
    expect(code).toBe(0);
    expect(gh.comments).toEqual([]);
    expect(w.log.join("")).toMatch(/comment-on-merge: no pull request is associated with beef/);
  });
});
