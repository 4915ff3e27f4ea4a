// The team store: PostgreSQL. Every mutating call is one transaction that first takes a
// transaction-scoped advisory lock on the stack (see PgDatabase.tx), so two clients on two
// machines racing for a lock or a write serialize, and exactly one of them wins.
//
// Times come from this client's clock, like SQLite's: lock TTLs are minutes, clock skew seconds.

import { randomUUID } from "node:crypto";
import { StateError } from "../errors.js";
import type { StoreOptions } from "./common.js";
import { applyTargets, checkSerial, checkStackId, intentNotFound, newIntent, withId } from "./common.js";
import { decideAcquire, renewed, requireHeld, wrongLockIdError } from "./locks.js";
import type { Query } from "./postgres-db.js";
import { PgDatabase, redactUrl } from "./postgres-db.js";
import { newSecretKey } from "./secret-key.js";
import { StoreBase } from "./store-base.js";
import type { IntentRow, LockRow, StackRow, SummaryRow } from "./sql.js";
import {
  SQL,
  intentFromRow,
  intentParams,
  iso,
  json,
  lockFromRow,
  lockParams,
  summariesFromRows,
  targetsFromRows,
} from "./sql.js";
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

export interface PostgresOptions extends StoreOptions {
  /** Schema holding apiship's tables (created when missing); default: the connection's search_path. */
  schema?: string;
  /** Pool size: enough for one deploy's parallel targets, small enough for a shared server. */
  maxConnections?: number;
}

export class PostgresStateStore extends StoreBase implements StateStore {
  readonly url: string;

  private constructor(
    private readonly db: PgDatabase,
    opts: PostgresOptions,
  ) {
    super(opts);
    this.url = db.url;
  }

  static async connect(connectionString: string, opts: PostgresOptions = {}): Promise<PostgresStateStore> {
    const { schema } = opts;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new StateError(`invalid PostgreSQL schema name ${JSON.stringify(schema)}`, {
        hint: "use lower-case letters, digits and underscores, starting with a letter, e.g. ?schema=apiship",
      });
    }
    const shown = redactUrl(connectionString);
    const db = await PgDatabase.open(connectionString, shown, schema, opts.maxConnections ?? 4);
    return new PostgresStateStore(db, opts);
  }

  private async lockRow(q: Query, stack: string): Promise<LockInfo | undefined> {
    const r = await q.get<LockRow>(SQL.lock, stack);
    return r && lockFromRow(stack, r, this.url);
  }

  private async held(q: Query, stack: string, lockId: string): Promise<LockInfo> {
    return requireHeld(stack, await this.lockRow(q, stack), lockId);
  }

  private async ensureRow(q: Query, stack: string): Promise<void> {
    const now = this.iso();
    await q.run(SQL.ensureStack, stack, newSecretKey(), now, now);
  }

  private async readState(q: Query, stack: string): Promise<StackState | undefined> {
    const row = await q.get<StackRow>(SQL.stack, stack);
    if (!row) return undefined;
    const targets = targetsFromRows(stack, await q.all(SQL.targets, stack), this.url);
    return {
      stack,
      serial: Number(row.serial),
      secretKey: row.secret_key,
      targets,
      updatedAt: iso(row.updated_at),
    };
  }

  /** A mutating transaction on one stack, serialized against every other client. */
  private locked<T>(stack: string, fn: (q: Query) => Promise<T>): Promise<T> {
    checkStackId(stack);
    return this.db.tx(stack, fn);
  }

  private reading<T>(stack: string | undefined, fn: (q: Query) => Promise<T>): Promise<T> {
    if (stack !== undefined) checkStackId(stack);
    return this.db.tx(undefined, fn, true);
  }

  async listStacks(): Promise<StackSummary[]> {
    const rows = await this.reading(undefined, (q) => q.all<SummaryRow>(SQL.listStacks));
    return summariesFromRows(rows, this.url);
  }

  async read(stack: string): Promise<StackState | undefined> {
    return this.reading(stack, (q) => this.readState(q, stack));
  }

  async ensure(stack: string): Promise<StackState> {
    return this.locked(stack, async (q) => {
      await this.ensureRow(q, stack);
      return (await this.readState(q, stack)) as StackState;
    });
  }

  async ensureAll(stacks: readonly string[]): Promise<void> {
    stacks.forEach(checkStackId);
    // No stack lock: each row's INSERT ... ON CONFLICT DO NOTHING is atomic on its own.
    await this.db.tx(undefined, async (q) => {
      for (const stack of stacks) await this.ensureRow(q, stack);
    });
  }

  async write(stack: string, lockId: string, change: StackWrite): Promise<StackState> {
    return this.locked(stack, async (q) => {
      await this.held(q, stack, lockId);
      await this.ensureRow(q, stack);
      const current = (await this.readState(q, stack)) as StackState;
      checkSerial(stack, current.serial, change);
      const next = applyTargets(current.targets, change);
      for (const name of Object.keys(change.targets)) {
        const record = next[name];
        if (record) await q.run(SQL.upsertTarget, stack, name, JSON.stringify(record));
        else await q.run(SQL.deleteTarget, stack, name);
      }
      await q.run(SQL.bumpSerial, this.iso(), stack);
      return (await this.readState(q, stack)) as StackState;
    });
  }

  async remove(stack: string): Promise<void> {
    await this.locked(stack, async (q) => {
      this.refuseLiveLock(stack, await this.lockRow(q, stack));
      // targets, releases and intents go with the stack row (ON DELETE CASCADE).
      await q.run(SQL.deleteStack, stack);
      await q.run(SQL.deleteLock, stack);
    });
  }

  async acquireLock(stack: string, holder: LockHolder, opts: LockOptions): Promise<AcquiredLock> {
    return this.locked(stack, async (q) => {
      const acquired = decideAcquire(
        stack,
        await this.lockRow(q, stack),
        holder,
        opts,
        this.now(),
        this.probe,
      );
      await q.run(SQL.putLock, ...lockParams(acquired.lock));
      return acquired;
    });
  }

  async heartbeat(stack: string, lockId: string, opts: LockOptions): Promise<void> {
    await this.locked(stack, async (q) => {
      const current = await this.held(q, stack, lockId);
      await q.run(SQL.putLock, ...lockParams(renewed(current, opts, this.now())));
    });
  }

  async releaseLock(stack: string, lockId: string): Promise<void> {
    await this.locked(stack, (q) => q.run(SQL.releaseLock, stack, lockId));
  }

  async forceUnlock(stack: string, lockId: string): Promise<void> {
    await this.locked(stack, async (q) => {
      const current = await this.lockRow(q, stack);
      if (!current) return;
      if (current.id !== lockId) throw wrongLockIdError(stack, current, lockId);
      await q.run(SQL.releaseLock, stack, lockId);
    });
  }

  async currentLock(stack: string): Promise<LockInfo | undefined> {
    return this.reading(stack, (q) => this.lockRow(q, stack));
  }

  async appendRelease(stack: string, lockId: string, release: Omit<Release, "id">): Promise<Release> {
    return this.locked(stack, async (q) => {
      await this.held(q, stack, lockId);
      await this.ensureRow(q, stack);
      const last = await q.get<{ id: number | null }>(SQL.lastRelease, stack);
      const stored = withId((last?.id ?? 0) + 1, release);
      await q.run(
        SQL.insertRelease,
        stack,
        stored.id,
        stored.createdAt,
        stored.result,
        JSON.stringify(stored),
      );
      return stored;
    });
  }

  async listReleases(stack: string): Promise<Release[]> {
    const rows = await this.reading(stack, (q) => q.all<{ id: number; record: object }>(SQL.releases, stack));
    return rows.map((r) => ({
      ...json<Release>(r.record, `release ${r.id} of ${stack}`, this.url),
      id: r.id,
    }));
  }

  async addIntent(stack: string, lockId: string, intent: Omit<Intent, "id" | "createdAt">): Promise<Intent> {
    return this.locked(stack, async (q) => {
      await this.held(q, stack, lockId);
      await this.ensureRow(q, stack);
      const stored = newIntent(randomUUID(), this.iso(), intent);
      await q.run(SQL.insertIntent, ...intentParams(stack, stored));
      return stored;
    });
  }

  async resolveIntent(stack: string, lockId: string, intentId: string): Promise<void> {
    await this.locked(stack, async (q) => {
      await this.held(q, stack, lockId);
      if (!(await q.get(SQL.intent, stack, intentId))) throw intentNotFound(stack, intentId);
      await q.run(SQL.resolveIntent, this.iso(), stack, intentId);
    });
  }

  async openIntents(stack: string): Promise<Intent[]> {
    const rows = await this.reading(stack, (q) => q.all<IntentRow>(SQL.openIntents, stack));
    return rows.map(intentFromRow);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
