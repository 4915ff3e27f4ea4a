// One locked session on a stack: the lock held for the whole command with a heartbeat, and
// every state write funnelled through one queue. Targets finish in parallel but the store
// wants each write to name the serial it follows, so writes are applied one at a time, each
// after the previous one returned its new serial.

import type { Intent, LockHolder, Release, StackState, StateStore, TargetRecord } from "../state/store.js";
import { toApishipError } from "../errors.js";
import type { ApishipError } from "../errors.js";

export const DEFAULT_LOCK_TTL_MS = 60_000;

export interface SessionOptions {
  store: StateStore;
  stack: string;
  holder: LockHolder;
  ttlMs?: number;
  /** Heartbeat period; default a third of the ttl, so two can be missed before the lock expires. */
  heartbeatMs?: number;
  /** Called once when a heartbeat fails: the run should stop launching work. */
  onLost?: (error: ApishipError) => void;
}

export class StackSession {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  lost: ApishipError | undefined;

  private constructor(
    private readonly opts: SessionOptions,
    readonly lockId: string,
    readonly warnings: string[],
    public state: StackState,
  ) {}

  /** Takes the lock (LockError naming the holder when taken) and starts the heartbeat. */
  static async open(opts: SessionOptions): Promise<StackSession> {
    const ttlMs = opts.ttlMs ?? DEFAULT_LOCK_TTL_MS;
    const acquired = await opts.store.acquireLock(opts.stack, opts.holder, { ttlMs });
    let state: StackState;
    try {
      state = await opts.store.ensure(opts.stack);
    } catch (e) {
      await opts.store.releaseLock(opts.stack, acquired.lock.id);
      throw e;
    }
    const session = new StackSession({ ...opts, ttlMs }, acquired.lock.id, acquired.warnings, state);
    session.startHeartbeat(opts.heartbeatMs ?? Math.max(1, Math.floor(ttlMs / 3)));
    return session;
  }

  get stack(): string {
    return this.opts.stack;
  }

  private startHeartbeat(everyMs: number): void {
    this.timer = setInterval(() => {
      this.opts.store
        .heartbeat(this.opts.stack, this.lockId, { ttlMs: this.opts.ttlMs ?? DEFAULT_LOCK_TTL_MS })
        .catch((e: unknown) => {
          if (this.lost || this.closed) return;
          this.lost = toApishipError(e);
          this.opts.onLost?.(this.lost);
        });
    }, everyMs);
    // The heartbeat alone must not keep a finished CLI alive.
    this.timer.unref();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Upserts (record) or removes (null) targets in one transaction after the previous write. */
  write(targets: Record<string, TargetRecord | null>): Promise<StackState> {
    return this.serial(async () => {
      this.state = await this.opts.store.write(this.opts.stack, this.lockId, {
        expectedSerial: this.state.serial,
        targets,
      });
      return this.state;
    });
  }

  addIntent(intent: Omit<Intent, "id" | "createdAt">): Promise<Intent> {
    return this.serial(() => this.opts.store.addIntent(this.opts.stack, this.lockId, intent));
  }

  openIntents(): Promise<Intent[]> {
    return this.serial(() => this.opts.store.openIntents(this.opts.stack));
  }

  listReleases(): Promise<Release[]> {
    return this.opts.store.listReleases(this.opts.stack);
  }

  resolveIntent(id: string): Promise<void> {
    return this.serial(() => this.opts.store.resolveIntent(this.opts.stack, this.lockId, id));
  }

  appendRelease(release: Omit<Release, "id">): Promise<Release> {
    return this.serial(() => this.opts.store.appendRelease(this.opts.stack, this.lockId, release));
  }

  /** Stops the heartbeat and releases the lock; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.queue;
    await this.opts.store.releaseLock(this.opts.stack, this.lockId);
  }
}

/** Runs `fn` inside a session, releasing the lock in every exit path. */
export async function withSession<T>(opts: SessionOptions, fn: (s: StackSession) => Promise<T>): Promise<T> {
  const session = await StackSession.open(opts);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
