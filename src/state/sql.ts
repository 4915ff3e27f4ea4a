// SQL shared by the SQLite and PostgreSQL stores. The statements are written once with `?`
// placeholders (PostgreSQL's store numbers them) and use only syntax both accept; the row
// mappers absorb the type differences (PostgreSQL returns Date and parsed JSONB, SQLite text).

import { newIntent, parseColumn } from "./common.js";
import type { Intent, LockHolder, LockInfo, StackSummary, TargetRecord } from "./store.js";

export const SQL = {
  stack: "SELECT stack, serial, secret_key, updated_at FROM stacks WHERE stack = ?",
  targets: "SELECT target, record FROM targets WHERE stack = ? ORDER BY target",
  ensureStack:
    "INSERT INTO stacks (stack, serial, secret_key, created_at, updated_at) VALUES (?, 0, ?, ?, ?) " +
    "ON CONFLICT (stack) DO NOTHING",
  listStacks:
    "SELECT s.stack, s.serial, s.updated_at, (SELECT count(*) FROM targets t WHERE t.stack = s.stack) AS n, " +
    "l.id AS lock_id, l.holder, l.acquired_at, l.heartbeat_at, l.expires_at " +
    "FROM stacks s LEFT JOIN locks l ON l.stack = s.stack",
  upsertTarget:
    "INSERT INTO targets (stack, target, record) VALUES (?, ?, ?) " +
    "ON CONFLICT (stack, target) DO UPDATE SET record = excluded.record",
  deleteTarget: "DELETE FROM targets WHERE stack = ? AND target = ?",
  bumpSerial: "UPDATE stacks SET serial = serial + 1, updated_at = ? WHERE stack = ?",
  deleteStack: "DELETE FROM stacks WHERE stack = ?",
  lock: "SELECT id AS lock_id, holder, acquired_at, heartbeat_at, expires_at FROM locks WHERE stack = ?",
  putLock:
    "INSERT INTO locks (stack, id, holder, acquired_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) " +
    "ON CONFLICT (stack) DO UPDATE SET id = excluded.id, holder = excluded.holder, " +
    "acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at",
  deleteLock: "DELETE FROM locks WHERE stack = ?",
  releaseLock: "DELETE FROM locks WHERE stack = ? AND id = ?",
  lastRelease: "SELECT max(id) AS id FROM releases WHERE stack = ?",
  insertRelease: "INSERT INTO releases (stack, id, created_at, result, record) VALUES (?, ?, ?, ?, ?)",
  releases: "SELECT id, record FROM releases WHERE stack = ? ORDER BY id",
  insertIntent:
    "INSERT INTO intents (id, stack, target, action, resource_type, physical_name, created_at) " +
    "VALUES (?, ?, ?, ?, ?, ?, ?)",
  intent: "SELECT resolved_at FROM intents WHERE stack = ? AND id = ?",
  resolveIntent: "UPDATE intents SET resolved_at = ? WHERE stack = ? AND id = ? AND resolved_at IS NULL",
  openIntents:
    "SELECT id, target, action, resource_type, physical_name, created_at FROM intents " +
    "WHERE stack = ? AND resolved_at IS NULL ORDER BY seq",
} as const;

type Time = string | Date;
/** A JSON column: text in SQLite, already parsed in PostgreSQL's JSONB. */
type Json = string | object;

export interface StackRow {
  stack: string;
  serial: number | string;
  secret_key: string;
  updated_at: Time;
}
export interface LockRow {
  lock_id: string;
  holder: Json;
  acquired_at: Time;
  heartbeat_at: Time;
  expires_at: Time;
}
export interface SummaryRow extends StackRow, Partial<LockRow> {
  n: number | string;
}
export interface IntentRow {
  id: string;
  target: string;
  action: Intent["action"];
  resource_type: string;
  physical_name: string;
  created_at: Time;
}

export function iso(t: Time): string {
  return typeof t === "string" ? t : t.toISOString();
}

export function json<T>(v: Json, where: string, url: string): T {
  return typeof v === "string" ? parseColumn<T>(v, where, url) : (v as T);
}

export function lockFromRow(stack: string, r: LockRow, url: string): LockInfo {
  return {
    id: r.lock_id,
    stack,
    holder: json<LockHolder>(r.holder, `lock of ${stack}`, url),
    acquiredAt: iso(r.acquired_at),
    heartbeatAt: iso(r.heartbeat_at),
    expiresAt: iso(r.expires_at),
  };
}

export function lockParams(lock: LockInfo): unknown[] {
  return [
    lock.stack,
    lock.id,
    JSON.stringify(lock.holder),
    lock.acquiredAt,
    lock.heartbeatAt,
    lock.expiresAt,
  ];
}

export function intentFromRow(r: IntentRow): Intent {
  const { target, action } = r;
  return newIntent(r.id, iso(r.created_at), {
    target,
    action,
    resourceType: r.resource_type,
    physicalName: r.physical_name,
  });
}

export function intentParams(stack: string, i: Intent): unknown[] {
  return [i.id, stack, i.target, i.action, i.resourceType, i.physicalName, i.createdAt];
}

export function targetsFromRows(
  stack: string,
  rows: { target: string; record: Json }[],
  url: string,
): Record<string, TargetRecord> {
  const targets: Record<string, TargetRecord> = {};
  for (const t of rows)
    targets[t.target] = json<TargetRecord>(t.record, `target ${t.target} of ${stack}`, url);
  return targets;
}

/** Summaries in code-unit order of stack id, whatever the database's collation. */
export function summariesFromRows(rows: SummaryRow[], url: string): StackSummary[] {
  return rows
    .map((r) => summaryFromRow(r, url))
    .sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
}

function summaryFromRow(r: SummaryRow, url: string): StackSummary {
  const base = {
    stack: r.stack,
    serial: Number(r.serial),
    targets: Number(r.n),
    updatedAt: iso(r.updated_at),
  };
  const { lock_id, holder, acquired_at, heartbeat_at, expires_at } = r;
  if (
    lock_id == null ||
    holder == null ||
    acquired_at == null ||
    heartbeat_at == null ||
    expires_at == null
  ) {
    return base;
  }
  return {
    ...base,
    lock: lockFromRow(r.stack, { lock_id, holder, acquired_at, heartbeat_at, expires_at }, url),
  };
}
