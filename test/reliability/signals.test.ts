// Interrupting the built CLI mid-deploy, and two deploys of one stack at once. The test
// provider's latency knob keeps calls in flight long enough to signal the run while it works.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StateShowResult } from "../../src/cli/commands/state/show.js";
import type { HealthServer, Project } from "../e2e/deploy-helpers.js";
import {
  Runs,
  healthServer,
  ownedResources,
  project,
  readCloud,
  recordedResources,
  spawnCli,
} from "../e2e/deploy-helpers.js";
import { cleanup, ensureBuilt, envelope } from "../e2e/helpers.js";

let server: HealthServer;
const all: Runs[] = [];
const targets = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

function fresh(n: number): { p: Project; runs: Runs } {
  const p = project({ targets: targets(n), endpoint: server.url });
  const runs = new Runs(p);
  all.push(runs);
  return { p, runs };
}

/** The lock is free, no intent is open, and every resource the stack owns is recorded. */
async function consistent(p: Project, runs: Runs): Promise<void> {
  const show = envelope<StateShowResult>(await runs.cli(["state", "show", "shop/dev", "--json"]));
  expect(show.result?.lock).toBeNull();
  expect(show.result?.openIntents).toEqual([]);
  expect(ownedResources(readCloud(p.cloud), "shop/dev")).toEqual(recordedResources(await runs.exportState()));
}

beforeAll(async () => {
  ensureBuilt();
  server = await healthServer(200);
}, 180_000);
afterAll(async () => {
  await server.close();
  cleanup();
});

describe("SIGINT during a deploy", () => {
  it("launches nothing new, saves the state, releases the lock and exits 130", async () => {
    const { p, runs } = fresh(6);
    const knobs = { APISHIP_TEST_KNOBS: JSON.stringify({ latencyMs: 150 }) };
    const run = spawnCli(["deploy", "--yes", "--concurrency", "2"], p, knobs);
    await run.lines(3);
    run.child.kill("SIGINT");
    const r = await run.done;
    runs.all.push(r);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/Interrupted: launching nothing new/);
    expect(r.stdout).toMatch(/^ {2}t5 +skipped/m);
    expect(r.stdout).toMatch(/Result: interrupted/);
    await consistent(p, runs);
    const again = await runs.cli(["deploy", "--yes"], knobs);
    expect(again.code, again.stderr).toBe(0);
    expect((await runs.cli(["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  it("a second SIGINT exits at once with 130; the next deploy still converges", async () => {
    const { p, runs } = fresh(2);
    const knobs = { APISHIP_TEST_KNOBS: JSON.stringify({ latencyMs: 1500 }) };
    const run = spawnCli(["deploy", "--yes"], p, knobs);
    await run.lines(2);
    run.child.kill("SIGINT");
    await run.lines(4);
    run.child.kill("SIGINT");
    const r = await run.done;
    runs.all.push(r);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Interrupted/);
    // It quit before the engine could finish: no summary, no result.
    expect(r.stdout).not.toMatch(/Result:/);
    const again = await runs.cli(["deploy", "--yes"], {
      APISHIP_TEST_KNOBS: JSON.stringify({ latencyMs: 10 }),
    });
    expect(again.code, again.stderr).toBe(0);
    await consistent(p, runs);
  });
});

describe("two deploys of one stack at once", () => {
  it("the second fails with LOCKED naming the holder; the first finishes", async () => {
    const { p, runs } = fresh(3);
    // Slow enough that the first still holds the lock while the second starts up and plans.
    const knobs = { APISHIP_TEST_KNOBS: JSON.stringify({ latencyMs: 500 }) };
    const first = spawnCli(["deploy", "--yes"], p, knobs);
    await first.lines(1);
    const second = await runs.cli(["deploy", "--yes", "--json"], knobs);
    expect(second.code).toBe(1);
    const error = envelope(second).error as { code: string; message: string; holder?: { pid?: number } };
    expect(error.code).toBe("LOCKED");
    expect(error.holder?.pid).toBe(first.child.pid);
    expect(error.message).toContain(`pid ${String(first.child.pid)}`);
    const r = await first.done;
    runs.all.push(r);
    expect(r.code, r.stderr).toBe(0);
    await consistent(p, runs);
  });

  it("never shows the canary secret in any run's output or state", () => {
    for (const runs of all) runs.assertNoCanary();
  });
});
