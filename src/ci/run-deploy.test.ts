// The action's script end to end with a stand-in CLI (test/fakes/github/action-world.ts);
// test/e2e/ci.test.ts runs the real built CLI.

import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../cli/commands/deploy.js";
import type { OutputsResult } from "../cli/commands/outputs.js";
import type { World } from "../../test/fakes/github/action-world.js";
import { ok, removeWorlds, world } from "../../test/fakes/github/action-world.js";

let w: World;
beforeEach(() => {
  w = world();
});
afterAll(removeWorlds);

describe("command: deploy", () => {
  const deployed: DeployCommandResult = {
    stacks: [
      {
        stack: "shop/prod",
        changes: { create: 2, update: 0, replace: 0, delete: 0, noop: 0 },
        outcome: "applied",
        deploy: {
          stack: "shop/prod",
          targets: [
            {
              target: "web",
              platform: "test/service",
              status: "deployed",
              attempts: 1,
              endpoint: "https://web.test/",
            },
            {
              target: "api",
              platform: "test/service",
              status: "rolled-back",
              attempts: 2,
              error: { code: "HEALTH", message: "health check failed: HTTP 503" },
            },
          ],
          interrupted: false,
          exitCode: 3,
          warnings: [],
        },
      },
    ],
  };
  const outputs: OutputsResult = {
    stacks: [
      {
        stack: "shop/prod",
        targets: [
          { target: "web", platform: "test/service", endpoint: "https://web.test/", outputs: {} },
          { target: "api", platform: "test/service", endpoint: "https://api-old.test/", outputs: {} },
        ],
      },
    ],
  };
  const at = "2026-01-01T00:00:00.000Z";
  const events = [
    { type: "run-start", stack: "shop/prod", command: "deploy", targets: ["web", "api"], at },
    { type: "step-start", target: "web", step: "create service", at },
    { type: "step-start", target: "api", step: "create service", at },
    { type: "target-end", target: "web", status: "deployed", attempts: 1, at },
    { type: "target-end", target: "api", status: "rolled-back", attempts: 2, at },
  ];
  const stdout = [
    ...events.map((e) => JSON.stringify(e)),
    JSON.stringify({ status: "ok", result: deployed, warnings: [] }),
  ].join("\n");

  it("passes exit 3 through, groups each target's events, and reports endpoints from the state", async () => {
    const code = await w.run(
      { INPUT_COMMAND: "deploy", INPUT_PLAN_FILE: "plan.json", INPUT_ENVIRONMENT: "prod" },
      { deploy: { code: 3, stdout }, outputs: { code: 0, stdout: ok(outputs) } },
    );
    expect(code).toBe(3);
    // First `validate --json`, for the secrets to mask (this stand-in has no answer to it).
    const [val, dep, out] = w.calls();
    expect(val?.argv).toEqual(["validate", "--json", "--env=prod"]);
    expect(dep?.argv).toEqual([
      "deploy",
      "--json",
      "--env=prod",
      "--yes",
      `--plan=${join(w.dir, "plan.json")}`,
    ]);
    expect(out?.argv).toEqual(["outputs", "--json", "--env=prod"]);
    const log = w.log.join("");
    expect(log).toContain(`::group::web\n${at} web: create service...\n${at} web: deployed\n::endgroup::`);
    expect(log).toContain(
      `::group::api\n${at} api: create service...\n${at} api: rolled-back after 2 attempts\n::endgroup::`,
    );
    expect(w.outputs()).toEqual({
      "has-changes": "true",
      "plan-file": join(w.dir, "plan.json"),
      "plan-json": "",
      "plan-markdown": "",
      endpoints: JSON.stringify({ web: "https://web.test/", api: "https://api-old.test/" }),
      "release-id": "",
      "comment-url": "",
      summary:
        "shop/prod: partial: some targets failed (exit 3), 2 to create, 0 to update, 0 to replace, 0 to delete",
      "exit-code": "3",
      // Undeclared, one per target: a JavaScript action may set any output.
      "endpoint-web": "https://web.test/",
      "endpoint-api": "https://api-old.test/",
    });
    const md = w.summary();
    expect(md).toContain("### apiship deploy of <code>shop/prod</code>");
    expect(md).toContain("| <code>api</code> | test/service | rolled-back |  |  |");
    expect(md).toContain("health check failed: HTTP 503");
  });

  it("has-changes counts what deployed: false when every target failed or rolled back", async () => {
    const stack = deployed.stacks[0]!;
    const failed: DeployCommandResult = {
      stacks: [
        {
          ...stack,
          deploy: {
            ...stack.deploy!,
            targets: stack.deploy!.targets.map((t) => ({
              ...t,
              status: "failed" as const,
              error: { code: "HTTP_500", message: "create failed" },
            })),
            exitCode: 1,
          },
        },
      ],
    };
    const doc = {
      status: "error",
      error: { code: "FAILED", message: "deploy exited 1" },
      result: failed,
      warnings: [],
    };
    await w.run(
      { INPUT_COMMAND: "deploy", INPUT_PLAN_FILE: "plan.json", INPUT_ENVIRONMENT: "prod" },
      { deploy: { code: 1, stdout: JSON.stringify(doc) }, outputs: { code: 0, stdout: ok(outputs) } },
    );
    // The plan had 2 creates; none took effect.
    expect(w.outputs()["has-changes"]).toBe("false");
  });

  it("a CLI killed before it printed a result: its exit code, an error saying so", async () => {
    const code = await w.run(
      { INPUT_COMMAND: "deploy" },
      { deploy: { code: 130, stdout: events[0] ? JSON.stringify(events[0]) : "" } },
    );
    expect(code).toBe(130);
    expect(w.log.join("")).toContain("::error title=apiship%3A INTERRUPTED::apiship was interrupted");
    expect(w.outputs()["exit-code"]).toBe("130");
  });
});

describe("cancellation", () => {
  it("forwards one SIGINT to the CLI, waits for it to stop, and exits 130", async () => {
    const listeners = process.listenerCount("SIGINT");
    const done = w.run({ INPUT_COMMAND: "deploy" }, { deploy: { code: 0, stdout: "", waitForSignal: true } });
    const ready = `${w.env.FAKE_LOG}.ready`;
    for (let i = 0; i < 200 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(ready)).toBe(true);
    process.kill(process.pid, "SIGINT");
    expect(await done).toBe(130);
    expect(w.log.join("")).toContain("::error title=apiship%3A INTERRUPTED::got 1 SIGINT");
    expect(process.listenerCount("SIGINT")).toBe(listeners);
  });
});

describe("bad inputs", () => {
  it("an unknown command fails with an annotation and runs nothing", async () => {
    const code = await w.run({ INPUT_COMMAND: "apply" }, {});
    expect(code).toBe(1);
    expect(w.calls()).toEqual([]);
    expect(w.log.join("")).toMatch(
      /^::error title=apiship%3A USAGE::input command must be one of validate, plan,/,
    );
  });

  it("a version other than the bundled one fails before anything runs, naming both", async () => {
    // The version is the package.json of the apiship the CLI entry belongs to.
    writeFileSync(join(w.dir, "package.json"), JSON.stringify({ name: "apiship", version: "0.0.0-test" }));
    const code = await w.run({ INPUT_VERSION: "9.9.9", GITHUB_ACTION_REPOSITORY: "acme/apiship" }, {});
    expect(code).toBe(1);
    expect(w.calls()).toEqual([]);
    const log = w.log.join("");
    expect(log).toMatch(/input version is 9\.9\.9, but this action runs apiship 0\.0\.0-test/);
    expect(log).toContain("uses: acme/apiship@v9.9.9");
  });
});
