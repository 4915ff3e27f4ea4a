import { EventEmitter } from "node:events";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStateStore } from "../state/sqlite.js";
import { MemoryStateStore } from "../state/memory.js";
import type { StateStore } from "../state/store.js";
import { destroyStack } from "./destroy.js";
import { deployStack } from "./executor.js";
import { memorySink } from "./progress.js";
import { installInterrupt } from "./signals.js";
import { stackStatus } from "./status.js";
import type { World } from "../../test/support/engine-world.js";
import {
  FAST_RETRY,
  SHA,
  cloud,
  cloudTargets,
  makeWorld,
  planOf,
  stackOf,
} from "../../test/support/engine-world.js";
import { planStack } from "../plan/planner.js";
import type { Plan } from "../plan/types.js";

let w: World;
beforeEach(() => (w = makeWorld()));
afterEach(() => w.cleanup());

async function sqlite(): Promise<StateStore> {
  mkdirSync(join(w.dir, ".apiship"), { recursive: true });
  return SqliteStateStore.open(join(w.dir, ".apiship", "state.db"));
}

describe("interrupts and intents", () => {
  it("an abort mid-deploy launches nothing new, releases the lock, and the next deploy converges", async () => {
    const store = new MemoryStateStore();
    const hanging = stackOf(4, (i) => (i === 0 ? { hangRate: 1 } : { latencyMs: 30 }));
    const plan = await planOf(w, hanging, store);
    const stop = new AbortController();
    const run = deployStack({
      stack: hanging,
      plan,
      registry: w.registry,
      store,
      env: w.env,
      baseDir: w.dir,
      retry: FAST_RETRY,
      healthCheck: false,
      concurrency: 2,
      signal: stop.signal,
      graceMs: 20,
    });
    setTimeout(() => stop.abort(), 15);
    const result = await run;
    expect(result.interrupted).toBe(true);
    expect(result.exitCode).toBe(130);
    expect(result.targets.some((t) => t.status === "skipped")).toBe(true);
    expect(await store.currentLock(hanging.id)).toBeUndefined();
    // Whatever reached the cloud is recorded, or still covered by an open intent.
    const state = await store.read(hanging.id);
    const open = (await store.openIntents(hanging.id)).map((i) => i.target);
    for (const t of cloudTargets(w))
      expect(Object.keys(state?.targets ?? {}).includes(t) || open.includes(t)).toBe(true);

    const calm = stackOf(4);
    const next = await deployStack({
      stack: calm,
      plan: await planOf(w, calm, store),
      registry: w.registry,
      store,
      env: w.env,
      baseDir: w.dir,
      retry: FAST_RETRY,
      healthCheck: false,
    });
    expect(next.exitCode).toBe(0);
    expect(await store.openIntents(calm.id)).toEqual([]);
    expect(Object.keys((await store.read(calm.id))?.targets ?? {}).sort()).toEqual(cloudTargets(w));
  });

  it("reconciles open intents left by a crashed run: adopt what exists, drop what does not", async () => {
    const store = new MemoryStateStore();
    // Three targets in the stack, only two ever deployed (--target t00 t01).
    const two = stackOf(3);
    const only = (): Promise<Plan> =>
      planStack(two, {
        registry: w.registry,
        store,
        offline: false,
        env: w.env,
        manifest: { path: join(w.dir, "apiship.yaml"), sha256: SHA },
        toolVersion: "0",
        targets: ["t00", "t01"],
      });
    const base = {
      registry: w.registry,
      store,
      env: w.env,
      baseDir: w.dir,
      retry: FAST_RETRY,
      healthCheck: false,
    };
    await deployStack({ ...base, stack: two, plan: await only() });
    // A crash after t00's apply lost its record; t02's create never reached the cloud; t09 is unknown.
    const lock = await store.acquireLock(
      two.id,
      { user: "x", host: "h", pid: process.pid, command: "crash" },
      { ttlMs: 60_000 },
    );
    const s = await store.read(two.id);
    await store.write(two.id, lock.lock.id, { expectedSerial: s?.serial ?? 0, targets: { t00: null } });
    for (const t of ["t00", "t02", "t09"]) {
      await store.addIntent(two.id, lock.lock.id, {
        target: t,
        action: "create",
        resourceType: "target",
        physicalName: `shop-dev-${t}`,
      });
    }
    await store.releaseLock(two.id, lock.lock.id);
    const before = cloud(w).calls.length;
    const sink = memorySink();
    const result = await deployStack({ ...base, stack: two, plan: await only(), progress: sink });
    expect(result.exitCode).toBe(0);
    // t00 was adopted from the cloud (no call to recreate it); t02's intent was dropped.
    expect(Object.keys((await store.read(two.id))?.targets ?? {}).sort()).toEqual(["t00", "t01"]);
    expect(cloud(w).calls.length).toBe(before);
    // An intent for a target neither the stack nor the state knows cannot be checked: it stays, with a warning.
    expect((await store.openIntents(two.id)).map((i) => i.target)).toEqual(["t09"]);
    expect(sink.events.some((e) => e.type === "warning" && e.target === "t09")).toBe(true);
  });

  it("the SIGINT helper aborts softly first and exits 130 on the second", () => {
    const proc = new EventEmitter();
    const exits: number[] = [];
    let told = 0;
    const h = installInterrupt({
      target: proc as unknown as NodeJS.Process,
      exit: (c) => void exits.push(c),
      onFirst: () => void (told += 1),
    });
    expect(h.signal.aborted).toBe(false);
    proc.emit("SIGINT");
    expect(h.signal.aborted).toBe(true);
    expect(exits).toEqual([]);
    proc.emit("SIGINT");
    expect(exits).toEqual([130]);
    expect(told).toBe(1);
    h.dispose();
    expect(proc.listenerCount("SIGINT")).toBe(0);
  });

  it("treats SIGTERM (a cancelled CI job) like the first Ctrl-C", () => {
    const proc = new EventEmitter();
    const exits: number[] = [];
    const h = installInterrupt({
      target: proc as unknown as NodeJS.Process,
      exit: (c) => void exits.push(c),
    });
    proc.emit("SIGTERM");
    expect(h.signal.aborted).toBe(true);
    expect(exits).toEqual([]);
    h.dispose();
    expect(proc.listenerCount("SIGTERM")).toBe(0);
  });
});

describe("destroyStack and stackStatus", () => {
  it("destroys from state, twice without harm, and status reports health and drift", async () => {
    const store = await sqlite();
    try {
      const stack = stackOf(2);
      await deployStack({
        stack,
        plan: await planOf(w, stack, store),
        registry: w.registry,
        store,
        env: w.env,
        baseDir: w.dir,
        retry: FAST_RETRY,
        healthCheck: false,
      });
      const st = await stackStatus({ stack, registry: w.registry, store, env: w.env });
      expect(st.targets.map((t) => [t.target, t.health, t.drift])).toEqual([
        ["t00", "ready", false],
        ["t01", "ready", false],
      ]);

      const base = { stack, registry: w.registry, store, env: w.env, baseDir: w.dir, retry: FAST_RETRY };
      const first = await destroyStack(base);
      expect(first.exitCode).toBe(0);
      expect(first.targets.map((t) => t.status)).toEqual(["destroyed", "destroyed"]);
      expect(cloudTargets(w)).toEqual([]);
      expect((await store.read(stack.id))?.targets).toEqual({});
      const second = await destroyStack(base);
      expect(second.exitCode).toBe(0);
      expect(second.targets).toEqual([]);
      expect(await store.currentLock(stack.id)).toBeUndefined();
      const after = await stackStatus({ stack, registry: w.registry, store, env: w.env });
      expect(after.targets.every((t) => t.health === "missing" && !t.deployed)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
