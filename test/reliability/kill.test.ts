// kill -9 of the built CLI at random (seeded) points of a 10-target deploy, 50 times. The test
// provider keeps its cloud in a file, so what a killed run created outlives it. After each kill
// the next deploy must converge (exit 0) and the cloud must hold no resource of the stack that
// `apiship state export` does not record: the intents written before every mutating call are
// what lets the next run adopt or drop what the killed one left behind.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StateShowResult } from "../../src/cli/commands/state/show.js";
import type { HealthServer } from "../e2e/deploy-helpers.js";
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

const KILLS = Number(process.env.APISHIP_KILL_RUNS ?? 50);
const SEED = Number(process.env.APISHIP_KILL_SEED ?? 20_261_201);
const ALL = Array.from({ length: 10 }, (_, i) => `t${i}`);
/** A 10-target update prints ~52 progress lines on stderr: kill points are drawn below that. */
const LINES = 45;

/** mulberry32, so a failing sequence of kill points can be replayed with APISHIP_KILL_SEED. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: HealthServer;

beforeAll(async () => {
  ensureBuilt();
  server = await healthServer(200);
}, 180_000);
afterAll(async () => {
  await server.close();
  cleanup();
});

describe("kill -9 mid-deploy", () => {
  it(`converges after each of ${KILLS} kills, leaving nothing untracked`, async () => {
    const random = rng(SEED);
    const p = project({ targets: ALL, endpoint: server.url });
    const runs = new Runs(p);
    let killed = 0;
    for (let i = 0; i < KILLS; i++) {
      // A new image every run (updates), and now and then a target leaves and comes back
      // (deletes and creates), so kills land in every kind of change.
      const targets = i % 5 === 4 ? ALL.slice(0, 8) : ALL;
      p.write({ targets, endpoint: server.url, image: `ghcr.io/acme/shop:${i}` });
      const knobs = { APISHIP_TEST_KNOBS: JSON.stringify({ latencyMs: 20 + Math.floor(random() * 41) }) };
      const at = Math.floor(random() * LINES);
      const run = spawnCli(["deploy", "--yes"], p, knobs);
      // Line 0: somewhere in start-up or planning, before the engine printed anything.
      if (at === 0) await sleep(Math.floor(random() * 400));
      else await run.lines(at);
      run.child.kill("SIGKILL");
      const r = await run.done;
      runs.all.push(r);
      if (r.code === 137) killed++;
      const converge = await runs.cli(["deploy", "--yes"], knobs);
      expect(converge.code, `run ${i} (kill at line ${at}):\n${converge.stdout}\n${converge.stderr}`).toBe(0);
      const exp = await runs.exportState();
      const untracked = ownedResources(readCloud(p.cloud), "shop/dev").filter(
        (n) => !recordedResources(exp).includes(n),
      );
      expect(untracked, `run ${i} (kill at line ${at})`).toEqual([]);
      expect(exp.openIntents, `run ${i}`).toEqual([]);
      expect(Object.keys(exp.state.targets).sort()).toEqual([...targets].sort());
    }
    // Most runs must really have died mid-way, or the test proves nothing.
    expect(killed).toBeGreaterThan(KILLS * 0.8);
    const show = envelope<StateShowResult>(await runs.cli(["state", "show", "shop/dev", "--json"]));
    expect(show.result?.lock).toBeNull();
    runs.assertNoCanary();
  }, 240_000);
});
