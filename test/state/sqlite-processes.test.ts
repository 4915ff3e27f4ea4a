// Two real processes on one SQLite file: better-sqlite3 is synchronous, so only separate
// processes can truly interleave. The store is bundled with esbuild for the children to run.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStateStore } from "../../src/state/sqlite.js";

const ROUNDS = 150;

// Each child: acquire, read, write at the serial it read, release; count wins and losses.
const worker = `
import { existsSync } from "node:fs";
import { SqliteStateStore } from "./sqlite.mjs";
const [file, who, go] = process.argv.slice(2);
const store = SqliteStateStore.open(file);
// Start together: tell the parent we are ready, then wait for its go file.
process.stdout.write("ready\\n");
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 1));
const holder = { user: who, host: "worker.example", pid: process.pid, command: "race" };
const out = { wins: 0, locked: 0, errors: [] };
for (let i = 0; i < ${ROUNDS}; i++) {
  let lock;
  try { lock = (await store.acquireLock("race/test", holder, { ttlMs: 60000 })).lock; }
  catch (e) { if (e.code === "LOCKED") { out.locked++; continue; } out.errors.push(e.message); continue; }
  try {
    const state = await store.ensure("race/test");
    await store.write("race/test", lock.id, { expectedSerial: state.serial, targets: {} });
    out.wins++;
  } catch (e) { out.errors.push(e.message); }
  await store.releaseLock("race/test", lock.id);
}
await store.close();
process.stdout.write(JSON.stringify(out) + "\\n");
`;

interface Outcome {
  wins: number;
  locked: number;
  errors: string[];
}

/** Starts a worker; `ready` settles once it has opened the store and waits for the go file. */
function start(script: string, args: string[]): { ready: Promise<void>; done: Promise<Outcome> } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  let onReady: () => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.startsWith("ready\n")) onReady();
  });
  const done = new Promise<Outcome>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code === 0) return resolve(JSON.parse(last) as Outcome);
      const failure = new Error(`worker exited ${code}: ${out}`);
      onFail(failure);
      reject(failure);
    });
  });
  return { ready, done };
}

describe("SQLite store across processes", () => {
  // Inside the repo so that the bundle resolves better-sqlite3 from its node_modules.
  const bundleDir = path.resolve("node_modules/.cache/apiship-state-test", String(process.pid));
  let dir: string;
  beforeAll(async () => {
    mkdirSync(bundleDir, { recursive: true });
    await build({
      entryPoints: [path.resolve("src/state/sqlite.ts")],
      outfile: path.join(bundleDir, "sqlite.mjs"),
      bundle: true,
      platform: "node",
      format: "esm",
      external: ["better-sqlite3"],
      logLevel: "error",
    });
    writeFileSync(path.join(bundleDir, "worker.mjs"), worker);
    dir = mkdtempSync(path.join(os.tmpdir(), "apiship-race-"));
  });
  afterAll(() => {
    rmSync(bundleDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("two processes racing for lock and writes never both hold it", async () => {
    const file = path.join(dir, "state.db");
    const script = path.join(bundleDir, "worker.mjs");
    const go = path.join(dir, "go");
    const workers = ["a", "b"].map((who) => start(script, [file, who, go]));
    await Promise.all(workers.map((w) => w.ready));
    writeFileSync(go, "");
    const results = await Promise.all(workers.map((w) => w.done));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    const wins = results.reduce((n, r) => n + r.wins, 0);
    expect(wins + results.reduce((n, r) => n + r.locked, 0)).toBe(2 * ROUNDS);
    const store = SqliteStateStore.open(file);
    expect((await store.read("race/test"))?.serial).toBe(wins);
    expect(await store.currentLock("race/test")).toBeUndefined();
    await store.close();
  });
});
