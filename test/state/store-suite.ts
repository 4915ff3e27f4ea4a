// The behaviour suite every StateStore passes: memory, SQLite and PostgreSQL run exactly this.
// Lock behaviour lives in lock-suite.ts; this file covers the recorded state itself.

import { describe, expect, it } from "vitest";
import { LockError, StateError } from "../../src/errors.js";
import type { StateStore } from "../../src/state/store.js";
import type { HarnessFactory } from "./harness.js";
import { MINUTE, OTHER_STACK, STACK, alice, bob, race, record, useStore } from "./harness.js";
import { describeLockBehaviour } from "./lock-suite.js";

export function describeStateStore(name: string, factory: HarnessFactory): void {
  describe(`StateStore behaviour: ${name}`, () => {
    describeStateBehaviour(factory);
    describeHistoryBehaviour(factory);
    describeLockBehaviour(factory);
  });
}

function describeStateBehaviour(factory: HarnessFactory): void {
  const ctx = useStore(factory);
  const lock = async (s: StateStore = ctx.store, stack = STACK) =>
    (await s.acquireLock(stack, alice, { ttlMs: 10 * MINUTE })).lock.id;

  it("ensure creates serial 0 with a 32-byte key, and is idempotent", async () => {
    expect(await ctx.store.read(STACK)).toBeUndefined();
    const first = await ctx.store.ensure(STACK);
    expect(first).toMatchObject({ stack: STACK, serial: 0, targets: {} });
    expect(Buffer.from(first.secretKey, "base64")).toHaveLength(32);
    const again = await ctx.store.ensure(STACK);
    expect(again.secretKey).toBe(first.secretKey);
    expect(again.serial).toBe(0);
    expect((await ctx.store.read(STACK))?.secretKey).toBe(first.secretKey);
    const other = await ctx.store.ensure(OTHER_STACK);
    expect(other.secretKey).not.toBe(first.secretKey);
  });

  it("ensureAll creates each missing stack with its own key and leaves existing ones as they were", async () => {
    const kept = await ctx.store.ensure(STACK);
    await ctx.store.write(STACK, await lock(), { expectedSerial: 0, targets: { web: record("web", "v1") } });
    await ctx.store.ensureAll([STACK, OTHER_STACK]);
    const [same, other] = [await ctx.store.read(STACK), await ctx.store.read(OTHER_STACK)];
    expect(same).toMatchObject({ serial: 1, secretKey: kept.secretKey });
    expect(Object.keys(same?.targets ?? {})).toEqual(["web"]);
    expect(other).toMatchObject({ stack: OTHER_STACK, serial: 0, targets: {} });
    expect(Buffer.from(other?.secretKey ?? "", "base64")).toHaveLength(32);
    expect(other?.secretKey).not.toBe(kept.secretKey);
    // A bad id anywhere in the list creates nothing, not even the good ids before it.
    await expect(ctx.store.ensureAll(["fresh/one", "no-slash"])).rejects.toBeInstanceOf(StateError);
    expect(await ctx.store.read("fresh/one")).toBeUndefined();
  });

  it("keeps the secret key and targets across a reopen", async (t) => {
    if (!ctx.h.persistent) t.skip();
    const key = (await ctx.store.ensure(STACK)).secretKey;
    await ctx.store.write(STACK, await lock(), { expectedSerial: 0, targets: { web: record("web", "v1") } });
    await ctx.store.close();
    const reopened = await ctx.h.open({ now: ctx.clock.now });
    const state = await reopened.read(STACK);
    expect(state?.secretKey).toBe(key);
    expect(state?.serial).toBe(1);
    expect(state?.targets.web).toEqual(record("web", "v1"));
  });

  it("write bumps the serial, upserts and removes targets", async () => {
    await ctx.store.ensure(STACK);
    const id = await lock();
    ctx.clock.advance(MINUTE);
    const one = await ctx.store.write(STACK, id, {
      expectedSerial: 0,
      targets: { web: record("web", "v1"), worker: record("worker", "v1") },
    });
    expect(one.serial).toBe(1);
    expect(one.updatedAt).toBe(new Date(ctx.clock.now()).toISOString());
    expect(Object.keys(one.targets).sort()).toEqual(["web", "worker"]);
    const two = await ctx.store.write(STACK, id, {
      expectedSerial: 1,
      targets: { web: record("web", "v2"), worker: null },
    });
    expect(two.serial).toBe(2);
    expect(two.targets).toEqual({ web: record("web", "v2") });
    expect(await ctx.store.read(STACK)).toEqual(two);
  });

  it("write on a never-recorded stack starts it at serial 0", async () => {
    const state = await ctx.store.write(STACK, await lock(), { expectedSerial: 0, targets: {} });
    expect(state.serial).toBe(1);
    expect(Buffer.from(state.secretKey, "base64")).toHaveLength(32);
  });

  it("refuses a write with a stale expectedSerial and changes nothing", async () => {
    const id = await lock();
    await ctx.store.write(STACK, id, { expectedSerial: 0, targets: { web: record("web", "v1") } });
    const stale = ctx.store.write(STACK, id, { expectedSerial: 0, targets: { web: record("web", "v2") } });
    await expect(stale).rejects.toBeInstanceOf(StateError);
    await expect(stale).rejects.toThrow(/serial 1.*read serial 0/);
    const state = await ctx.store.read(STACK);
    expect(state?.serial).toBe(1);
    expect(state?.targets.web?.state.image).toBe("v1");
  });

  it("refuses a write from a run that does not hold the lock", async () => {
    await ctx.store.ensure(STACK);
    const unlocked = ctx.store.write(STACK, "no-such-lock", { expectedSerial: 0, targets: {} });
    await expect(unlocked).rejects.toBeInstanceOf(LockError);
    const bobs = (await ctx.store.acquireLock(STACK, bob, { ttlMs: MINUTE })).lock.id;
    const foreign = ctx.store.write(STACK, `${bobs}-not`, { expectedSerial: 0, targets: {} });
    await expect(foreign).rejects.toThrow(/does not hold the lock.*bob@laptop-bob\.example/);
    expect((await ctx.store.read(STACK))?.serial).toBe(0);
  });

  it("two clients writing at the same serial: exactly one wins", async () => {
    const second = await ctx.h.open({ now: ctx.clock.now });
    const id = await lock();
    for (let round = 0; round < 5; round++) {
      const { won, lost } = await race(
        [ctx.store, second].map((s, i) =>
          s.write(STACK, id, { expectedSerial: round, targets: { web: record("web", `r${round}c${i}`) } }),
        ),
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(StateError);
      expect((await second.read(STACK))?.serial).toBe(round + 1);
    }
  });

  it("two clients ensuring at once agree on one key", async () => {
    const second = await ctx.h.open({ now: ctx.clock.now });
    const [a, b] = await Promise.all([ctx.store.ensure(STACK), second.ensure(STACK)]);
    expect(a.secretKey).toBe(b.secretKey);
  });

  it("rejects malformed stack ids", async () => {
    await expect(ctx.store.ensure("no-environment")).rejects.toBeInstanceOf(StateError);
    await expect(ctx.store.read("a/b/c")).rejects.toThrow(/invalid stack id/);
  });

  it("refuses a state written by a newer schema version and leaves it untouched", async (t) => {
    const { setSchemaVersion, fingerprint } = ctx.h;
    if (!setSchemaVersion || !fingerprint) return t.skip();
    await ctx.store.write(STACK, await lock(), { expectedSerial: 0, targets: { web: record("web", "v1") } });
    await ctx.store.close();
    await setSchemaVersion.call(ctx.h, 999);
    const before = await fingerprint.call(ctx.h);
    const opening = ctx.h.open({ now: ctx.clock.now });
    await expect(opening).rejects.toBeInstanceOf(StateError);
    await expect(opening).rejects.toThrow(/written by a newer apiship \(schema version 999/);
    expect(await fingerprint.call(ctx.h)).toBe(before);
  });
}

function describeHistoryBehaviour(factory: HarnessFactory): void {
  const ctx = useStore(factory);
  const lock = async () => (await ctx.store.acquireLock(STACK, alice, { ttlMs: 10 * MINUTE })).lock.id;
  const release = (n: number) => ({
    createdAt: `2025-06-0${n}T10:00:00.000Z`,
    who: "alice@build-7.example",
    command: "apiship deploy",
    result: "succeeded" as const,
    summary: [`web: update (image v${n})`],
    targets: { web: record("web", `v${n}`) },
  });

  it("appends releases with increasing ids and lists them in order", async () => {
    expect(await ctx.store.listReleases(STACK)).toEqual([]);
    const id = await lock();
    const first = await ctx.store.appendRelease(STACK, id, release(1));
    const second = await ctx.store.appendRelease(STACK, id, { ...release(2), result: "rolled-back" });
    expect([first.id, second.id]).toEqual([1, 2]);
    expect(await ctx.store.listReleases(STACK)).toEqual([
      { id: 1, ...release(1) },
      { id: 2, ...release(2), result: "rolled-back" },
    ]);
    await expect(ctx.store.appendRelease(STACK, "stolen", release(3))).rejects.toBeInstanceOf(LockError);
    expect(await ctx.store.listReleases(OTHER_STACK)).toEqual([]);
  });

  it("adds, lists and resolves intents", async () => {
    const id = await lock();
    const spec = { target: "web", action: "create" as const, resourceType: "aws:lambda:function" };
    const a = await ctx.store.addIntent(STACK, id, { ...spec, physicalName: "shop-api-production-web" });
    ctx.clock.advance(1000);
    const b = await ctx.store.addIntent(STACK, id, {
      ...spec,
      action: "update",
      physicalName: "shop-api-role",
    });
    expect(a.id).not.toBe(b.id);
    expect(a.createdAt).toBe(new Date(ctx.clock.now() - 1000).toISOString());
    expect(await ctx.store.openIntents(STACK)).toEqual([a, b]);
    await ctx.store.resolveIntent(STACK, id, a.id);
    expect(await ctx.store.openIntents(STACK)).toEqual([b]);
    await expect(ctx.store.resolveIntent(STACK, id, "nope")).rejects.toBeInstanceOf(StateError);
    await expect(ctx.store.addIntent(STACK, "stolen", { ...spec, physicalName: "x" })).rejects.toBeInstanceOf(
      LockError,
    );
    await expect(ctx.store.resolveIntent(STACK, "stolen", b.id)).rejects.toBeInstanceOf(LockError);
    expect(await ctx.store.openIntents(STACK)).toEqual([b]);
  });

  it("remove deletes the state, releases, intents and a stale lock", async () => {
    const id = await lock();
    const key = (await ctx.store.ensure(STACK)).secretKey;
    await ctx.store.write(STACK, id, { expectedSerial: 0, targets: { web: record("web", "v1") } });
    await ctx.store.appendRelease(STACK, id, release(1));
    await ctx.store.addIntent(STACK, id, {
      target: "web",
      action: "delete",
      resourceType: "r",
      physicalName: "p",
    });
    await ctx.store.ensure(OTHER_STACK);
    await expect(ctx.store.remove(STACK)).rejects.toBeInstanceOf(LockError);
    ctx.clock.advance(11 * MINUTE);
    await ctx.store.remove(STACK);
    expect(await ctx.store.read(STACK)).toBeUndefined();
    expect(await ctx.store.listReleases(STACK)).toEqual([]);
    expect(await ctx.store.openIntents(STACK)).toEqual([]);
    expect(await ctx.store.currentLock(STACK)).toBeUndefined();
    expect((await ctx.store.listStacks()).map((s) => s.stack)).toEqual([OTHER_STACK]);
    const fresh = await ctx.store.ensure(STACK);
    expect(fresh.serial).toBe(0);
    expect(fresh.secretKey).not.toBe(key);
  });

  it("lists stacks sorted, with target counts and lock info", async () => {
    expect(await ctx.store.listStacks()).toEqual([]);
    await ctx.store.ensure(STACK);
    const id = await lock();
    await ctx.store.write(STACK, id, {
      expectedSerial: 0,
      targets: { a: record("a", "1"), b: record("b", "1") },
    });
    await ctx.store.ensure(OTHER_STACK);
    const list = await ctx.store.listStacks();
    expect(list.map((s) => [s.stack, s.serial, s.targets])).toEqual([
      [STACK, 1, 2],
      [OTHER_STACK, 0, 0],
    ]);
    expect(list[0]?.lock).toEqual(await ctx.store.currentLock(STACK));
    expect(list[0]?.lock?.holder).toEqual(alice);
    expect(list[1]?.lock).toBeUndefined();
  });
}
