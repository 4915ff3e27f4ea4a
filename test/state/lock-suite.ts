// Lock behaviour of the suite: contention, takeover of dead or silent holders, heartbeats,
// release and force-unlock, and races between two clients.

import { expect, it } from "vitest";
import { LockError } from "../../src/errors.js";
import type { AcquiredLock } from "../../src/state/store.js";
import type { HarnessFactory } from "./harness.js";
import { MINUTE, STACK, alice, bob, deadPid, liveLocalHolder, race, useStore } from "./harness.js";

export function describeLockBehaviour(factory: HarnessFactory): void {
  const ctx = useStore(factory);
  const ttl = { ttlMs: 10 * MINUTE };

  it("acquires a free lock, recording holder, times and no warning", async () => {
    const { lock, warnings } = await ctx.store.acquireLock(STACK, bob, ttl);
    const now = ctx.clock.now();
    expect(warnings).toEqual([]);
    expect(lock).toMatchObject({ stack: STACK, holder: bob });
    expect(lock.acquiredAt).toBe(new Date(now).toISOString());
    expect(lock.heartbeatAt).toBe(lock.acquiredAt);
    expect(lock.expiresAt).toBe(new Date(now + 10 * MINUTE).toISOString());
    expect(await ctx.store.currentLock(STACK)).toEqual(lock);
  });

  it("refuses a second holder with a LockError naming the holder and how long it held", async () => {
    const first = await ctx.store.acquireLock(STACK, alice, ttl);
    ctx.clock.advance(3 * MINUTE + 12_000);
    const second = ctx.store.acquireLock(STACK, bob, ttl);
    await expect(second).rejects.toBeInstanceOf(LockError);
    const error = (await second.catch((e: unknown) => e)) as LockError;
    expect(error.message).toBe(
      `stack "${STACK}" is locked by alice@build-7.example (pid 123, "apiship deploy") for 3m12s`,
    );
    expect(error.hint).toContain(`--lock-id ${first.lock.id}`);
    expect(error.hint).toMatch(/taken over automatically/);
    expect(error.holder).toMatchObject({ user: "alice", host: "build-7.example", pid: 123 });
    expect((await ctx.store.currentLock(STACK))?.id).toBe(first.lock.id);
  });

  it("names the CI run of a holder running in CI", async () => {
    await ctx.store.acquireLock(STACK, bob, ttl);
    await expect(ctx.store.acquireLock(STACK, alice, ttl)).rejects.toThrow(
      /bob@laptop-bob\.example .* for 0s, CI run https:\/\/github\.com\/acme\/shop\/actions\/runs\/42/,
    );
  });

  it("takes over a lock whose heartbeat expired, with a warning", async () => {
    const old = await ctx.store.acquireLock(STACK, alice, { ttlMs: MINUTE });
    ctx.clock.advance(MINUTE + 5000);
    const taken = await ctx.store.acquireLock(STACK, bob, ttl);
    expect(taken.lock.id).not.toBe(old.lock.id);
    expect(taken.warnings).toHaveLength(1);
    expect(taken.warnings[0]).toMatch(
      /took over the lock of stack "shop-api\/production" from alice@build-7/,
    );
    expect(taken.warnings[0]).toMatch(/heartbeat expired 5s ago/);
    expect((await ctx.store.currentLock(STACK))?.holder).toEqual(bob);
    await expect(
      ctx.store.write(STACK, old.lock.id, { expectedSerial: 0, targets: {} }),
    ).rejects.toBeInstanceOf(LockError);
  });

  it("takes over a lock whose holder is a dead process on this host, with a warning", async () => {
    const dead = { ...liveLocalHolder(), user: "dave", pid: await deadPid() };
    await ctx.store.acquireLock(STACK, dead, ttl);
    const taken = await ctx.store.acquireLock(STACK, bob, ttl);
    expect(taken.warnings).toHaveLength(1);
    expect(taken.warnings[0]).toContain(`from dave@${dead.host} (pid ${dead.pid}`);
    expect(taken.warnings[0]).toMatch(/no longer running on this host/);
    expect((await ctx.store.currentLock(STACK))?.id).toBe(taken.lock.id);
  });

  it("refuses while the holder is a live process on this host with a fresh heartbeat", async () => {
    const live = liveLocalHolder();
    await ctx.store.acquireLock(STACK, live, ttl);
    await expect(ctx.store.acquireLock(STACK, bob, ttl)).rejects.toThrow(
      new RegExp(`locked by carol@${live.host.replace(/\./g, "\\.")} \\(pid ${process.pid}`),
    );
  });

  it("refuses a holder on another host with a fresh heartbeat, whatever its pid", async () => {
    // The pid is dead here, but it names a process on another machine, which we cannot see.
    const remote = { ...alice, pid: await deadPid() };
    await ctx.store.acquireLock(STACK, remote, ttl);
    await expect(ctx.store.acquireLock(STACK, bob, ttl)).rejects.toBeInstanceOf(LockError);
  });

  it("heartbeat extends the expiry, only for the holder", async () => {
    const { lock } = await ctx.store.acquireLock(STACK, alice, { ttlMs: MINUTE });
    ctx.clock.advance(50_000);
    await ctx.store.heartbeat(STACK, lock.id, { ttlMs: MINUTE });
    const beaten = await ctx.store.currentLock(STACK);
    expect(beaten?.heartbeatAt).toBe(new Date(ctx.clock.now()).toISOString());
    expect(beaten?.expiresAt).toBe(new Date(ctx.clock.now() + MINUTE).toISOString());
    expect(beaten?.acquiredAt).toBe(lock.acquiredAt);
    ctx.clock.advance(30_000); // past the first expiry, within the renewed one
    await expect(ctx.store.acquireLock(STACK, bob, ttl)).rejects.toBeInstanceOf(LockError);
    await expect(ctx.store.heartbeat(STACK, "not-the-lock", ttl)).rejects.toBeInstanceOf(LockError);
    expect((await ctx.store.currentLock(STACK))?.expiresAt).toBe(beaten?.expiresAt);
  });

  it("release by a non-holder is a no-op; by the holder frees the lock", async () => {
    const { lock } = await ctx.store.acquireLock(STACK, alice, ttl);
    await ctx.store.releaseLock(STACK, "someone-else");
    expect((await ctx.store.currentLock(STACK))?.id).toBe(lock.id);
    await ctx.store.releaseLock(STACK, lock.id);
    expect(await ctx.store.currentLock(STACK)).toBeUndefined();
    const next = await ctx.store.acquireLock(STACK, bob, ttl);
    expect(next.warnings).toEqual([]);
    await ctx.store.releaseLock(STACK, lock.id); // the old id no longer frees anything
    expect((await ctx.store.currentLock(STACK))?.id).toBe(next.lock.id);
  });

  it("forceUnlock removes the lock only when given its id", async () => {
    await ctx.store.forceUnlock(STACK, "anything"); // nothing locked: nothing to do
    const { lock } = await ctx.store.acquireLock(STACK, alice, ttl);
    const wrong = ctx.store.forceUnlock(STACK, "wrong-id");
    await expect(wrong).rejects.toBeInstanceOf(LockError);
    await expect(wrong).rejects.toThrow(/does not name the current lock.*alice@build-7/);
    expect((await ctx.store.currentLock(STACK))?.id).toBe(lock.id);
    await ctx.store.forceUnlock(STACK, lock.id);
    expect(await ctx.store.currentLock(STACK)).toBeUndefined();
  });

  it("two concurrent acquires on one client: exactly one wins", async () => {
    const { won, lost } = await race([
      ctx.store.acquireLock(STACK, alice, ttl),
      ctx.store.acquireLock(STACK, bob, ttl),
    ]);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(LockError);
    expect((await ctx.store.currentLock(STACK))?.id).toBe(won[0]?.lock.id);
  });

  it("two clients racing for the lock, round after round: exactly one wins each time", async () => {
    const second = await ctx.h.open({ now: ctx.clock.now });
    for (let round = 0; round < 5; round++) {
      const { won, lost } = await race<AcquiredLock>([
        ctx.store.acquireLock(STACK, alice, ttl),
        second.acquireLock(STACK, bob, ttl),
      ]);
      expect(won).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(LockError);
      const winner = won[0] as AcquiredLock;
      expect(winner.warnings).toEqual([]);
      expect((await second.currentLock(STACK))?.id).toBe(winner.lock.id);
      await ctx.store.releaseLock(STACK, winner.lock.id);
    }
  });
}
