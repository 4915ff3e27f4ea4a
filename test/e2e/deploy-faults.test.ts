// Deploys under faults, through the built CLI: retryable failures converge, a target that
// fails for good leaves a partial deploy (exit 3) whose state matches the cloud, an unhealthy
// endpoint (a local server answering 500) rolls back, and --no-rollback keeps the release.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { HistoryResult } from "../../src/cli/commands/history.js";
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
const all: Runs[] = [];

function fresh(targets: string[], extra?: Record<string, string>): { p: Project; runs: Runs } {
  const p = project({ targets, endpoint: server.url, ...(extra ? { extra } : {}) });
  const runs = new Runs(p);
  all.push(runs);
  return { p, runs };
}

const imageOf = (p: Project, target: string) =>
  readCloud(p.cloud).resources[`shop-dev-${target}-service`]?.attributes.image;

beforeAll(async () => {
  ensureBuilt();
  server = await healthServer(200);
}, 180_000);
afterAll(async () => {
  await server.close();
  cleanup();
});

describe("fault injection", () => {
  it("converges with 20% of mutating calls failing retryably, and says how many attempts", async () => {
    // Seeded per target, so the run is replayable and some first attempts do fail.
    const { runs } = fresh(["a", "b", "c", "d"], { a: "seed: 3", b: "seed: 6", c: "seed: 7", d: "seed: 8" });
    const knobs = JSON.stringify({ failureRate: 0.2 });
    const r = await runs.cli(["deploy", "--yes", "--json"], { APISHIP_TEST_KNOBS: knobs });
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: env } = jsonStream<DeployCommandResult>(r);
    const retries = events.filter((e) => e.type === "retry");
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((e) => e.code === "ServiceUnavailable")).toBe(true);
    const outcomes = env.result?.stacks[0]?.deploy?.targets ?? [];
    expect(outcomes.map((t) => t.status)).toEqual(["deployed", "deployed", "deployed", "deployed"]);
    expect(outcomes.some((t) => t.attempts > 1)).toBe(true);
    const again = await runs.cli(["plan", "--detailed-exitcode"]);
    expect(again.code, again.stdout).toBe(0);
  });

  it("a non-retryable failure on one target: the others deploy, exit 3, state true to the cloud", async () => {
    const { p, runs } = fresh(["web", "api", "worker"], { api: 'failOn: "create:service"' });
    const r = await runs.cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/^ {2}api +failed/m);
    expect(r.stdout).toMatch(
      /^ {2}api: .*create service shop-dev-api-service: failed \(injected by failOn\)/m,
    );
    expect(r.stdout).toMatch(/^ {2}web +deployed/m);
    expect(r.stdout).toMatch(/Result: partial/);
    const exp = await runs.exportState();
    expect(ownedResources(readCloud(p.cloud), "shop/dev")).toEqual(recordedResources(exp));
    expect(Object.keys(readCloud(p.cloud).resources)).toContain("shop-dev-api-bucket");
    expect(readCloud(p.cloud).resources["shop-dev-api-service"]).toBeUndefined();
    // With --json the envelope says what happened: the run failed in part, so its status is error.
    const { runs: again } = fresh(["web", "api"], { api: 'failOn: "create:service"' });
    const json = await again.cli(["deploy", "--yes", "--json"]);
    expect(json.code).toBe(3);
    const { envelope: env } = jsonStream<DeployCommandResult>(json);
    expect(env.status).toBe("error");
    expect(env.error).toMatchObject({ code: "PARTIAL" });
    expect(env.result?.stacks[0]?.deploy?.targets.map((t) => t.status).sort()).toEqual([
      "deployed",
      "failed",
    ]);
  });
});

describe("health checks", () => {
  it("rolls a target back when its endpoint answers 500, and history says rolled-back", async () => {
    server.status = 200;
    const { p, runs } = fresh(["web"]);
    expect((await runs.cli(["deploy", "--yes"])).code).toBe(0);
    server.status = 500;
    p.write({ targets: ["web"], endpoint: server.url, image: "ghcr.io/acme/shop:2" });
    const r = await runs.cli(["deploy", "--yes", "--json"]);
    server.status = 200;
    expect(r.code).not.toBe(0);
    const { events, envelope: env } = jsonStream<DeployCommandResult>(r);
    const failed = events.find((e) => e.type === "health" && e.ok === false);
    expect(failed?.status).toBe(500);
    expect(failed?.body).toMatch(/^unhealthy: \/healthz/);
    expect(events.some((e) => e.type === "rollback" && e.phase === "end" && e.ok === true)).toBe(true);
    expect(env.result?.stacks[0]?.deploy?.targets[0]?.status).toBe("rolled-back");
    expect(imageOf(p, "web")).toBe("ghcr.io/acme/shop:1");
    const history = envelope<HistoryResult>(await runs.cli(["history", "--json"]));
    expect(history.result?.stacks[0]?.releases[0]?.result).toBe("rolled-back");
  });

  it("--no-rollback keeps the unhealthy release and exits non-zero", async () => {
    server.status = 200;
    const { p, runs } = fresh(["web"]);
    expect((await runs.cli(["deploy", "--yes"])).code).toBe(0);
    server.status = 500;
    p.write({ targets: ["web"], endpoint: server.url, image: "ghcr.io/acme/shop:2" });
    const r = await runs.cli(["deploy", "--yes", "--no-rollback"]);
    server.status = 200;
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/web: health check of web failed: GET \S+healthz: 500/);
    expect(r.stderr).not.toMatch(/rolling back/);
    expect(imageOf(p, "web")).toBe("ghcr.io/acme/shop:2");
  });

  it("never shows the canary secret in any run's output or state", () => {
    for (const runs of all) runs.assertNoCanary();
  });
});
