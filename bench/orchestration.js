// Orchestration efficiency (issue: deploy): 100 targets on the test provider, each with its own
// injected per-call latency (20–200 ms from a seeded distribution, and a few targets whose every
// step takes 1 s), deployed by the engine at concurrency 8, 32 and 100. Prints the wall time of
// the deploy against its critical path (the longest chain of injected latencies: one target's
// sequential calls × its latency, from the cloud's call log) and the ratio; the goal is ≤ 1.15
// where concurrency ≥ targets. Then an unchanged redeploy, whose mutating calls must be 0.
// Imports the compiled engine from dist/ (run `npm run build` first, as `npm run bench` does).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { printTable } from "./lib.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = (p) => join(root, "dist", p);
const TARGETS = 100;
const SLOW = 5;
const CONCURRENCY = [8, 32, 100];
const SEED = 4242;

function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Target name → latency per call: 20–200 ms, and every 20th target a 1 s one. */
function latencies() {
  const random = seeded(SEED);
  const out = new Map();
  for (let i = 0; i < TARGETS; i++) {
    const ms = i % (TARGETS / SLOW) === 7 ? 1000 : 20 + Math.floor(random() * 181);
    out.set(`t${i}`, ms);
  }
  return out;
}

function manifest(lat) {
  const names = [...lat.keys()];
  return [
    "apiVersion: apiship/v1",
    "name: orch",
    "service:",
    '  container: { image: "ghcr.io/acme/orch:1", port: 8080 }',
    "targets:",
    ...names.map((n, i) => `  ${n}: { provider: test, region: local-${i % 3}, latencyMs: ${lat.get(n)} }`),
    "environments:",
    `  bench: { targets: [${names.join(", ")}] }`,
    "",
  ].join("\n");
}

async function engine() {
  const [{ Registry }, { loadManifest }, { planStack }, { deployStack }, { SqliteStateStore }, plugin] =
    await Promise.all([
      import(dist("src/core/registry.js")),
      import(dist("src/manifest/load.js")),
      import(dist("src/plan/planner.js")),
      import(dist("src/apply/executor.js")),
      import(dist("src/state/sqlite.js")),
      import(dist("test/support/test-provider/index.js")),
    ]);
  return { Registry, loadManifest, planStack, deployStack, SqliteStateStore, provider: plugin.default };
}

const calls = (cloud) => JSON.parse(readFileSync(cloud, "utf8")).calls;

/**
 * Per target, its calls in this deploy (sequential within a target) × its latency: the longest
 * is the critical path, and their sum over the concurrency is the other floor when it is low.
 */
function chains(log, lat) {
  const perTarget = new Map();
  for (const c of log) {
    const target = /^orch-bench-(t\d+)-/.exec(c.name)?.[1];
    if (target) perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
  }
  return [...perTarget].map(([t, n]) => n * lat.get(t));
}

async function oneRun(e, lat, concurrency) {
  const dir = mkdtempSync(join(tmpdir(), "apiship-orch-"));
  try {
    const file = join(dir, "apiship.yaml");
    writeFileSync(file, manifest(lat));
    const cloud = join(dir, "cloud.json");
    writeFileSync(cloud, JSON.stringify({ resources: {}, calls: [] }));
    const env = { APISHIP_TEST_CLOUD: cloud };
    const registry = new e.Registry({ test: () => Promise.resolve(e.provider) });
    const { manifest: m } = await e.loadManifest(file, { registry, environ: env, env: "bench" });
    const stack = m.stacks[0];
    const store = e.SqliteStateStore.open(join(dir, "state.db"));
    const sha = "0".repeat(64);
    const plan = (offline) =>
      e.planStack(stack, {
        registry,
        store,
        offline,
        env,
        manifest: { path: "apiship.yaml", sha256: sha },
        toolVersion: "bench",
      });
    const deploy = (p) =>
      e.deployStack({ stack, registry, store, env, baseDir: dir, plan: p, concurrency, healthCheck: false });
    try {
      const first = await plan(true);
      const t0 = performance.now();
      const result = await deploy(first);
      const wall = performance.now() - t0;
      if (result.exitCode !== 0) throw new Error(`deploy exited ${result.exitCode}`);
      const log = calls(cloud);
      const redeploy = await deploy(await plan(false));
      if (redeploy.exitCode !== 0) throw new Error(`redeploy exited ${redeploy.exitCode}`);
      const c = chains(log, lat);
      const critical = Math.max(0, ...c);
      const floor = Math.max(critical, c.reduce((a, b) => a + b, 0) / concurrency);
      return { wall, critical, floor, second: calls(cloud).length - log.length };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and prints one row per concurrency; returns the rows for callers. */
export async function runOrchestration() {
  const e = await engine();
  const lat = latencies();
  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const r = await oneRun(e, lat, concurrency);
    const ratio = r.wall / r.critical;
    const goal = concurrency >= TARGETS ? (ratio <= 1.15 ? "ok (≤ 1.15)" : "MISSED (≤ 1.15)") : "-";
    rows.push({ concurrency, ...r, ratio, goal });
  }
  printTable(
    `Orchestration: ${TARGETS} test targets, per-call latency 20–200 ms (${SLOW} at 1 s), health checks off`,
    [
      "concurrency",
      "wall ms",
      "critical path ms",
      "ratio",
      "goal",
      "floor ms (max of path, work/concurrency)",
      "mutating calls, unchanged redeploy",
    ],
    rows.map((r) => [
      r.concurrency,
      r.wall.toFixed(0),
      r.critical.toFixed(0),
      r.ratio.toFixed(3),
      r.goal,
      `${r.floor.toFixed(0)} (wall/floor ${(r.wall / r.floor).toFixed(3)})`,
      `${r.second}${r.second === 0 ? " (ok)" : " (goal 0)"}`,
    ]),
  );
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runOrchestration();
