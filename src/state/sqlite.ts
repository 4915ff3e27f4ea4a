// The embedded default store: one SQLite file (WAL, busy timeout), every write in a
// BEGIN IMMEDIATE transaction so two processes on one file serialize instead of interleaving.

import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { Statement } from "better-sqlite3";
import { StateError, isApishipError } from "../errors.js";
import type { StoreOptions } from "./common.js";
import { applyTargets, checkSerial, checkStackId, intentNotFound, newIntent, withId } from "./common.js";
import { decideAcquire, renewed, requireHeld, wrongLockIdError } from "./locks.js";
import { newSecretKey } from "./secret-key.js";
import type { IntentRow, LockRow, StackRow, SummaryRow } from "./sql.js";
import {
  SQL,
  intentFromRow,
  intentParams,
  json,
  lockFromRow,
  lockParams,
  summariesFromRows,
  targetsFromRows,
} from "./sql.js";
import { openSqliteFile } from "./sqlite-file.js";
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

export class SqliteStateStore extends StoreBase implements StateStore {
  readonly url: string;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
    opts: StoreOptions,
  ) {
    super(opts);
    this.url = `sqlite:${file}`;
  }

  /** Opens the state file, creating it (and its directory, mode 0600) when missing. */
  static open(file: string, opts: StoreOptions = {}): SqliteStateStore {
    return new SqliteStateStore(openSqliteFile(file), file, opts);
  }

  /**
   * One transaction. Writes use BEGIN IMMEDIATE so the write lock is taken before the first
   * read: a read-then-write can never be overtaken by another process between the two.
   */
  private tx<T>(fn: () => T, mode: "immediate" | "deferred" = "immediate"): T {
    if (this.closed)
      throw new StateError(`state ${this.url} is closed`, { hint: "this is a bug in apiship" });
    try {
      // One transaction function, given each body as its argument: db.transaction() builds a
      // wrapper with five variants per call, ~25 µs each for the 400 reads of a large plan.
      this.runInTx ??= this.db.transaction((body: () => unknown) => body());
      return this.runInTx[mode](fn) as T;
    } catch (e) {
      if (isApishipError(e)) throw e;
      throw new StateError(`state ${this.url} failed: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
        hint: "another process may hold the file locked for more than 5s, or the disk is full or read-only",
      });
    }
  }

  private runInTx: Database.Transaction<(body: () => unknown) => unknown> | undefined;

  /** Prepared once per connection: SQLite compiles a statement on each prepare(). */
  private readonly statements = new Map<string, Statement>();

  private statement(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  private get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  private all<T>(sql: string, ...params: unknown[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  private run(sql: string, ...params: unknown[]): void {
    this.statement(sql).run(...params);
  }

  private lockRow(stack: string): LockInfo | undefined {
    const r = this.get<LockRow>(SQL.lock, stack);
    return r && lockFromRow(stack, r, this.url);
  }

  private held(stack: string, lockId: string): LockInfo {
    return requireHeld(stack, this.lockRow(stack), lockId);
  }

  /** Inserts the empty stack (serial 0, fresh key) unless it exists; runs inside tx. */
  private ensureRow(stack: string): void {
    const now = this.iso();
    this.run(SQL.ensureStack, stack, newSecretKey(), now, now);
  }

  private readState(stack: string): StackState | undefined {
    const row = this.get<StackRow>(SQL.stack, stack);
    if (!row) return undefined;
    const targets = targetsFromRows(stack, this.all(SQL.targets, stack), this.url);
    return {
      stack,
      serial: Number(row.serial),
      secretKey: row.secret_key,
      targets,
      updatedAt: String(row.updated_at),
    };
  }

  async listStacks(): Promise<StackSummary[]> {
    const rows = this.tx(() => this.all<SummaryRow>(SQL.listStacks), "deferred");
    return summariesFromRows(rows, this.url);
  }

  async read(stack: string): Promise<StackState | undefined> {
    checkStackId(stack);
    return this.tx(() => this.readState(stack), "deferred");
  }

  async ensure(stack: string): Promise<StackState> {
    checkStackId(stack);
    return this.tx(() => {
      this.ensureRow(stack);
      return this.readState(stack) as StackState;
    });
  }

  async ensureAll(stacks: readonly string[]): Promise<void> {
    stacks.forEach(checkStackId);
    this.tx(() => stacks.forEach((stack) => this.ensureRow(stack)));
  }

  async write(stack: string, lockId: string, change: StackWrite): Promise<StackState> {
    checkStackId(stack);
    return this.tx(() => {
      this.held(stack, lockId);
      this.ensureRow(stack);
      const current = this.readState(stack) as StackState;
      checkSerial(stack, current.serial, change);
      const next = applyTargets(current.targets, change);
      for (const name of Object.keys(change.targets)) {
        const record = next[name];
        if (record) this.run(SQL.upsertTarget, stack, name, JSON.stringify(record));
        else this.run(SQL.deleteTarget, stack, name);
      }
      this.run(SQL.bumpSerial, this.iso(), stack);
      return this.readState(stack) as StackState;
    });
  }

  async remove(stack: string): Promise<void> {
    checkStackId(stack);
    this.tx(() => {
      this.refuseLiveLock(stack, this.lockRow(stack));
      // targets, releases and intents go with the stack row (ON DELETE CASCADE).
      this.run(SQL.deleteStack, stack);
      this.run(SQL.deleteLock, stack);
    });
  }

  async acquireLock(stack: string, holder: LockHolder, opts: LockOptions): Promise<AcquiredLock> {
    checkStackId(stack);
    return this.tx(() => {
      const acquired = decideAcquire(stack, this.lockRow(stack), holder, opts, this.now(), this.probe);
      this.run(SQL.putLock, ...lockParams(acquired.lock));
      return acquired;
    });
  }

  async heartbeat(stack: string, lockId: string, opts: LockOptions): Promise<void> {
    checkStackId(stack);
    this.tx(() => this.run(SQL.putLock, ...lockParams(renewed(this.held(stack, lockId), opts, this.now()))));
  }

  async releaseLock(stack: string, lockId: string): Promise<void> {
    checkStackId(stack);
    this.tx(() => this.run(SQL.releaseLock, stack, lockId));
  }

  async forceUnlock(stack: string, lockId: string): Promise<void> {
    checkStackId(stack);
    this.tx(() => {
      const current = this.lockRow(stack);
      if (!current) return;
      if (current.id !== lockId) throw wrongLockIdError(stack, current, lockId);
      this.run(SQL.releaseLock, stack, lockId);
    });
  }

  async currentLock(stack: string): Promise<LockInfo | undefined> {
    checkStackId(stack);
    return this.tx(() => this.lockRow(stack), "deferred");
  }

  async appendRelease(stack: string, lockId: string, release: Omit<Release, "id">): Promise<Release> {
    checkStackId(stack);
    return this.tx(() => {
      this.held(stack, lockId);
      this.ensureRow(stack);
      const last = this.get<{ id: number | null }>(SQL.lastRelease, stack);
      const stored = withId((last?.id ?? 0) + 1, release);
      this.run(SQL.insertRelease, stack, stored.id, stored.createdAt, stored.result, JSON.stringify(stored));
      return stored;
    });
  }

  async listReleases(stack: string): Promise<Release[]> {
    checkStackId(stack);
    const rows = this.tx(() => this.all<{ id: number; record: string }>(SQL.releases, stack), "deferred");
    return rows.map((r) => ({
      ...json<Release>(r.record, `release ${r.id} of ${stack}`, this.url),
      id: r.id,
    }));
  }

  async addIntent(stack: string, lockId: string, intent: Omit<Intent, "id" | "createdAt">): Promise<Intent> {
    checkStackId(stack);
    return this.tx(() => {
      this.held(stack, lockId);
      this.ensureRow(stack);
      const stored = newIntent(randomUUID(), this.iso(), intent);
      this.run(SQL.insertIntent, ...intentParams(stack, stored));
      return stored;
    });
  }

  async resolveIntent(stack: string, lockId: string, intentId: string): Promise<void> {
    checkStackId(stack);
    this.tx(() => {
      this.held(stack, lockId);
      if (!this.get(SQL.intent, stack, intentId)) throw intentNotFound(stack, intentId);
      this.run(SQL.resolveIntent, this.iso(), stack, intentId);
    });
  }

  async openIntents(stack: string): Promise<Intent[]> {
    checkStackId(stack);
    return this.tx(() => this.all<IntentRow>(SQL.openIntents, stack), "deferred").map(intentFromRow);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
