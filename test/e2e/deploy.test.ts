// The deploy lifecycle through the built CLI, as a user's session runs it: a refused
// non-interactive deploy, deploy, status, outputs, history, an unchanged redeploy (no mutating
// call), a saved plan applied, a stale one refused, rollback, destroy and destroy again. The
// test provider's cloud is a JSON file; the health endpoint is a local server on 127.0.0.1.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { HistoryResult } from "../../src/cli/commands/history.js";
import type { OutputsResult } from "../../src/cli/commands/outputs.js";
import type { RollbackCommandResult } from "../../src/cli/commands/rollback.js";
import type { StatusCommandResult } from "../../src/cli/commands/status.js";
import type { DestroyCommandResult } from "../../src/cli/commands/destroy.js";
import type { HealthServer, Project } from "./deploy-helpers.js";
import {
  Runs,
  healthServer,
  jsonStream,
  ownedResources,
  project,
  readCloud,
  recordedResources,
} from "./deploy-helpers.js";
import { cleanup, ensureBuilt, envelope } from "./helpers.js";

let server: HealthServer;
let p: Project;
let runs: Runs;
const planFiles: string[] = [];
const TARGETS = ["web", "api"];

const mutating = () => readCloud(p.cloud).calls.length;
const imageOf = (target: string) =>
  readCloud(p.cloud).resources[`shop-dev-${target}-service`]?.attributes.image;
const write = (image: string) => p.write({ targets: TARGETS, endpoint: server.url, image });

beforeAll(async () => {
  ensureBuilt();
  server = await healthServer(200);
  p = project({ targets: TARGETS, endpoint: server.url });
  runs = new Runs(p);
}, 180_000);
afterAll(async () => {
  await server.close();
  cleanup();
});

describe.sequential("deploy lifecycle", () => {
  it("refuses a non-interactive deploy without --yes and changes nothing", async () => {
    const r = await runs.cli(["deploy"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Plan: 8 to create/);
    expect(r.stderr).toMatch(/refusing to deploy without confirmation/);
    expect(r.stderr).toMatch(/--yes/);
    expect(mutating()).toBe(0);
    expect(Object.keys(readCloud(p.cloud).resources)).toEqual([]);
  });

  it("deploys with --yes --json: NDJSON events, then the envelope; state and cloud agree", async () => {
    const r = await runs.cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: env } = jsonStream<DeployCommandResult>(r);
    expect(events[0]?.type).toBe("run-start");
    expect(events.at(-1)?.type).toBe("summary");
    const types = new Set(events.map((e) => e.type));
    for (const t of ["step-start", "step-end", "health", "target-end"]) expect(types).toContain(t);
    expect(events.filter((e) => e.type === "health").every((e) => e.ok === true)).toBe(true);
    const [stack] = env.result?.stacks ?? [];
    expect(stack?.outcome).toBe("applied");
    expect(stack?.deploy?.exitCode).toBe(0);
    expect(stack?.deploy?.targets.map((t) => [t.target, t.status]).sort()).toEqual([
      ["api", "deployed"],
      ["web", "deployed"],
    ]);
    expect(server.hits).toBeGreaterThanOrEqual(2);
    const exp = await runs.exportState();
    expect(ownedResources(readCloud(p.cloud), "shop/dev")).toEqual(recordedResources(exp));
    expect(recordedResources(exp)).toHaveLength(8);
  });

  it("status shows each target ready with its endpoint and release, without drift", async () => {
    const r = await runs.cli(["status", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const targets = envelope<StatusCommandResult>(r).result?.stacks[0]?.targets ?? [];
    expect(targets.map((t) => [t.target, t.health, t.drift, t.endpoint])).toEqual([
      ["api", "ready", false, server.url],
      ["web", "ready", false, server.url],
    ]);
    const human = await runs.cli(["status"]);
    expect(human.stdout).toMatch(/^TARGET\s+PLATFORM\s+HEALTH\s+ENDPOINT\s+RELEASE\s+DEPLOYED\s+DRIFT$/m);
    // DEPLOYED is the time and how long ago.
    expect(human.stdout).toMatch(/^web\s+test\/service\s+ready\s+\S+\s+1\s+\S+Z \(\d+s ago\)\s+no$/m);
  });

  it("outputs prints `target  endpoint` lines, a bare value with --output, and JSON", async () => {
    const r = await runs.cli(["outputs"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`web  ${server.url}`);
    expect(r.stdout).toContain(`api  ${server.url}`);
    const bare = await runs.cli(["outputs", "--target", "web", "--output", "service"]);
    expect(bare.stdout).toBe("shop-dev-web-service\n");
    const json = envelope<OutputsResult>(await runs.cli(["outputs", "--json"]));
    expect(json.result?.stacks[0]?.targets.find((t) => t.target === "api")?.outputs.url).toBe(server.url);
    const missing = await runs.cli(["outputs", "--target", "web", "--output", "nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no output "nope"/);
  });

  it("history lists the release with who, result and one summary line per target", async () => {
    const r = await runs.cli(["history", "--json"]);
    const [rel] = envelope<HistoryResult>(r).result?.stacks[0]?.releases ?? [];
    expect(rel?.id).toBe(1);
    expect(rel?.result).toBe("succeeded");
    expect(rel?.summary.some((l) => l.startsWith("web: create"))).toBe(true);
    const human = await runs.cli(["history"]);
    expect(human.stdout).toMatch(/^#1 {2}\S+ \(\d+s ago\) {2}\S+ {2}succeeded/m);
    // What each target ran after the release: here the test platform's release ids.
    expect(human.stdout).toMatch(/^ {4}runs: api 1, web 1$/m);
  });

  it("an unchanged redeploy says No changes and makes no mutating call", async () => {
    const before = mutating();
    const r = await runs.cli(["deploy"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(mutating()).toBe(before);
  });

  it("deploy --plan applies a saved plan exactly, without asking", async () => {
    write("ghcr.io/acme/shop:2");
    const planFile = join(p.dir, "plan.json");
    planFiles.push(planFile);
    expect((await runs.cli(["plan", "--out", planFile])).code).toBe(0);
    const r = await runs.cli(["deploy", "--plan", planFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(imageOf("web")).toBe("ghcr.io/acme/shop:2");
    expect(imageOf("api")).toBe("ghcr.io/acme/shop:2");
  });

  it("refuses a saved plan that shows no changes once the state moved (PLAN_STALE, exit 1)", async () => {
    const noop = join(p.dir, "noop.json");
    planFiles.push(noop);
    const planned = await runs.cli(["plan", "--out", noop]);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toMatch(/No changes\./);
    // Another deploy moves the state away and back: the manifest is the plan's again.
    write("ghcr.io/acme/shop:5");
    expect((await runs.cli(["deploy", "--yes"])).code).toBe(0);
    write("ghcr.io/acme/shop:2");
    expect((await runs.cli(["deploy", "--yes"])).code).toBe(0);
    const before = mutating();
    const r = await runs.cli(["deploy", "--plan", noop, "--json"]);
    expect(r.code).toBe(1);
    expect(envelope(r).error?.code).toBe("PLAN_STALE");
    expect(r.stdout).not.toMatch(/No changes/);
    expect(mutating()).toBe(before);
  });

  it("refuses a saved plan whose state moved since (PLAN_STALE, exit 1)", async () => {
    write("ghcr.io/acme/shop:3");
    const stale = join(p.dir, "stale.json");
    planFiles.push(stale);
    expect((await runs.cli(["plan", "--out", stale])).code).toBe(0);
    expect((await runs.cli(["deploy", "--yes"])).code).toBe(0);
    const before = mutating();
    const r = await runs.cli(["deploy", "--plan", stale, "--json"]);
    expect(r.code).toBe(1);
    expect(envelope(r).error?.code).toBe("PLAN_STALE");
    expect(mutating()).toBe(before);
  });

  it("rollback asks for --yes, then puts every target back on the previous release", async () => {
    const refused = await runs.cli(["rollback"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing to roll back/);
    expect(imageOf("web")).toBe("ghcr.io/acme/shop:3");
    const r = await runs.cli(["rollback", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = jsonStream<RollbackCommandResult>(r).envelope.result;
    expect(result?.stacks[0]?.targets.map((t) => t.status)).toEqual(["rolled-back", "rolled-back"]);
    expect(imageOf("web")).toBe("ghcr.io/acme/shop:2");
    expect(imageOf("api")).toBe("ghcr.io/acme/shop:2");
    const history = envelope<HistoryResult>(await runs.cli(["history", "--json"]));
    expect(history.result?.stacks[0]?.releases[0]?.result).toBe("rolled-back");
  });

  it("destroy needs --confirm with the environment's name", async () => {
    const none = await runs.cli(["destroy"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/needs --confirm dev/);
    const wrong = await runs.cli(["destroy", "--confirm", "prod"]);
    expect(wrong.code).toBe(1);
    expect(ownedResources(readCloud(p.cloud), "shop/dev")).toHaveLength(8);
  });

  it("destroy removes everything; destroying again is a no-op that exits 0", async () => {
    const r = await runs.cli(["destroy", "--env", "dev", "--confirm", "dev", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = jsonStream<DestroyCommandResult>(r).envelope.result;
    expect(result?.stacks[0]?.targets.map((t) => t.status)).toEqual(["destroyed", "destroyed"]);
    expect(ownedResources(readCloud(p.cloud), "shop/dev")).toEqual([]);
    expect(Object.keys((await runs.exportState()).state.targets)).toEqual([]);
    const before = mutating();
    const again = await runs.cli(["destroy", "--confirm", "dev"]);
    expect(again.code, again.stderr).toBe(0);
    expect(mutating()).toBe(before);
  });

  it("never shows the canary secret: outputs, NDJSON events, state file, plan files", () => {
    runs.assertNoCanary(planFiles);
  });
});
