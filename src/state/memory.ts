// The in-memory store for tests. Every method runs synchronously to completion, so each call
// is as atomic as a transaction; values are cloned in and out so callers cannot alias them.
// Two MemoryStateStore instances over one MemoryData behave like two clients of one database.

import { randomUUID } from "node:crypto";
import type { StoreOptions } from "./common.js";
import { applyTargets, checkSerial, checkStackId, intentNotFound, newIntent, withId } from "./common.js";
import { decideAcquire, renewed, requireHeld, wrongLockIdError } from "./locks.js";
import { newSecretKey } from "./secret-key.js";
import { StoreBase } from "./store-base.js";
import type {
  AcquiredLock,
  Intent,
  LockHolder,
  LockInfo,
  LockOptions,
  Release,
  StackState,
  StackSummary,
  StackWrite,
  StateStore,
} from "./store.js";

interface StoredIntent extends Intent {
  resolved: boolean;
}

export interface MemoryData {
  stacks: Map<string, StackState>;
  releases: Map<string, Release[]>;
  intents: Map<string, StoredIntent[]>;
  locks: Map<string, LockInfo>;
}

export function newMemoryData(): MemoryData {
  return { stacks: new Map(), releases: new Map(), intents: new Map(), locks: new Map() };
}

export class MemoryStateStore extends StoreBase implements StateStore {
  readonly url = "memory:";
  private readonly data: MemoryData;

  constructor(opts: StoreOptions & { data?: MemoryData } = {}) {
    super(opts);
    this.data = opts.data ?? newMemoryData();
  }

  private row(stack: string): StackState {
    checkStackId(stack);
    let state = this.data.stacks.get(stack);
    if (!state) {
      const now = this.iso();
      state = { stack, serial: 0, secretKey: newSecretKey(), targets: {}, updatedAt: now };
      this.data.stacks.set(stack, state);
    }
    return state;
  }

  private held(stack: string, lockId: string): LockInfo {
    checkStackId(stack);
    return requireHeld(stack, this.data.locks.get(stack), lockId);
  }

  async listStacks(): Promise<StackSummary[]> {
    return [...this.data.stacks.values()]
      .sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0))
      .map((s) => {
        const summary: StackSummary = {
          stack: s.stack,
          serial: s.serial,
          targets: Object.keys(s.targets).length,
          updatedAt: s.updatedAt,
        };
        const lock = this.data.locks.get(s.stack);
        if (lock) summary.lock = structuredClone(lock);
        return summary;
      });
  }

  async read(stack: string): Promise<StackState | undefined> {
    checkStackId(stack);
    const state = this.data.stacks.get(stack);
    return state && structuredClone(state);
  }

  async ensure(stack: string): Promise<StackState> {
    return structuredClone(this.row(stack));
  }

  async ensureAll(stacks: readonly string[]): Promise<void> {
    // Every id checked before any row is made, as the SQL stores' single transaction does.
    stacks.forEach(checkStackId);
    for (const stack of stacks) this.row(stack);
  }

  async write(stack: string, lockId: string, change: StackWrite): Promise<StackState> {
    this.held(stack, lockId);
    const current = this.row(stack);
    checkSerial(stack, current.serial, change);
    const next: StackState = {
      ...current,
      serial: current.serial + 1,
      targets: applyTargets(current.targets, change),
      updatedAt: this.iso(),
    };
    this.data.stacks.set(stack, next);
    return structuredClone(next);
  }

  async remove(stack: string): Promise<void> {
    checkStackId(stack);
    this.refuseLiveLock(stack, this.data.locks.get(stack));
    for (const table of [this.data.stacks, this.data.releases, this.data.intents, this.data.locks]) {
      table.delete(stack);
    }
  }

  async acquireLock(stack: string, holder: LockHolder, opts: LockOptions): Promise<AcquiredLock> {
    checkStackId(stack);
    const acquired = decideAcquire(stack, this.data.locks.get(stack), holder, opts, this.now(), this.probe);
    this.data.locks.set(stack, acquired.lock);
    return structuredClone(acquired);
  }

  async heartbeat(stack: string, lockId: string, opts: LockOptions): Promise<void> {
    const current = this.held(stack, lockId);
    this.data.locks.set(stack, renewed(current, opts, this.now()));
  }

  async releaseLock(stack: string, lockId: string): Promise<void> {
    checkStackId(stack);
    if (this.data.locks.get(stack)?.id === lockId) this.data.locks.delete(stack);
  }

  async forceUnlock(stack: string, lockId: string): Promise<void> {
    checkStackId(stack);
    const current = this.data.locks.get(stack);
    if (!current) return;
    if (current.id !== lockId) throw wrongLockIdError(stack, current, lockId);
    this.data.locks.delete(stack);
  }

  async currentLock(stack: string): Promise<LockInfo | undefined> {
    checkStackId(stack);
    const lock = this.data.locks.get(stack);
    return lock && structuredClone(lock);
  }

  async appendRelease(stack: string, lockId: string, release: Omit<Release, "id">): Promise<Release> {
    this.held(stack, lockId);
    this.row(stack);
    const list = this.data.releases.get(stack) ?? [];
    const stored = withId((list.at(-1)?.id ?? 0) + 1, release);
    this.data.releases.set(stack, [...list, stored]);
    return structuredClone(stored);
  }

  async listReleases(stack: string): Promise<Release[]> {
    checkStackId(stack);
    return structuredClone(this.data.releases.get(stack) ?? []);
  }

  async addIntent(stack: string, lockId: string, intent: Omit<Intent, "id" | "createdAt">): Promise<Intent> {
    this.held(stack, lockId);
    this.row(stack);
    const stored = newIntent(randomUUID(), this.iso(), intent);
    this.data.intents.set(stack, [...(this.data.intents.get(stack) ?? []), { ...stored, resolved: false }]);
    return stored;
  }

  async resolveIntent(stack: string, lockId: string, intentId: string): Promise<void> {
    this.held(stack, lockId);
    const found = this.data.intents.get(stack)?.find((i) => i.id === intentId);
    if (!found) throw intentNotFound(stack, intentId);
    found.resolved = true;
  }

  async openIntents(stack: string): Promise<Intent[]> {
    checkStackId(stack);
    const open = (this.data.intents.get(stack) ?? []).filter((i) => !i.resolved);
    return open.map(({ resolved: _resolved, ...intent }) => structuredClone(intent));
  }

  async close(): Promise<void> {
    // Nothing to release; present so tests treat every store alike. Later calls still work,
    // which keeps a test's second "client" usable after the first closes.
  }
}
