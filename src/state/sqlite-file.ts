// Opening the SQLite state file safely. A file is validated before anything may write to it:
// header first (no SQLite call at all), then a read-only connection for `quick_check` and the
// schema version. Only then is it opened read-write and migrated, so a corrupt, truncated or
// newer file is reported and left byte-for-byte as it was.

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { StateError } from "../errors.js";
import {
  apishipVersion,
  checkNotNewer,
  latestVersion,
  parseSchemaVersion,
  pendingSteps,
} from "./migrations/index.js";
import { sqliteMigrations } from "./migrations/sqlite.js";

type Db = Database.Database;

const MAGIC = Buffer.from("SQLite format 3\0", "latin1");
const LATEST = latestVersion(sqliteMigrations);

function corrupt(file: string, detail: string, cause?: unknown): StateError {
  return new StateError(`state file ${file} is not a readable apiship state: ${detail}`, {
    cause,
    hint:
      "apiship left the file untouched. Restore it from a backup, or move it away to start a new " +
      "state (resources already deployed can then be adopted by their apiship:stack tags)",
  });
}

/** Creates the file (mode 0600: it holds the stacks' HMAC keys) and its directory when missing. */
function createIfMissing(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, "wx", 0o600));
  } catch (e) {
    // Another run created it between our check and now: that file is validated like any other.
    if (!(e instanceof Error && "code" in e && e.code === "EEXIST")) throw e;
  }
}

/** Checks the 100-byte header against the file size, without asking SQLite to open anything. */
function checkHeader(file: string): void {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return; // SQLite treats an empty file as an empty database.
    const head = Buffer.alloc(100);
    const got = readSync(fd, head, 0, 100, 0);
    const prefix = Math.min(got, MAGIC.length);
    if (!head.subarray(0, prefix).equals(MAGIC.subarray(0, prefix))) {
      throw corrupt(file, "it is not an SQLite database");
    }
    if (got < 100) throw corrupt(file, `it is truncated (${size} bytes)`);
    const raw = head.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw corrupt(file, "its header is damaged");
    // The in-header page count is only meaningful when "version-valid-for" matches the change counter.
    const pages = head.readUInt32BE(24) === head.readUInt32BE(92) ? head.readUInt32BE(28) : 1;
    if (size % pageSize !== 0 || size < pageSize * Math.max(1, pages)) {
      throw corrupt(file, `it is truncated (${size} bytes, expected ${pageSize * Math.max(1, pages)})`);
    }
  } finally {
    closeSync(fd);
  }
}

/** The schema version recorded in the file: 0 for a new file, refusing foreign databases. */
function readVersion(db: Db, file: string): { version: number; writtenBy: string | undefined } {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.length === 0) return { version: 0, writtenBy: undefined };
  if (!tables.includes("meta")) throw corrupt(file, "it is an SQLite database, but not an apiship state");
  const rows = db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[];
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  return {
    version: parseSchemaVersion(`sqlite:${file}`, meta.get("schema_version")),
    writtenBy: meta.get("apiship_version"),
  };
}

/** Read-only validation; removes the -wal/-shm files a failed read-only open leaves beside the file. */
function validate(file: string): void {
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw corrupt(file, `SQLite integrity check failed: ${String(check)}`);
    const { version, writtenBy } = readVersion(db, file);
    checkNotNewer(`sqlite:${file}`, version, LATEST, writtenBy);
  } catch (e) {
    db?.close();
    db = undefined;
    for (const f of sidecars) rmSync(f, { force: true });
    if (e instanceof StateError) throw e;
    throw corrupt(file, e instanceof Error ? e.message : String(e), e);
  } finally {
    db?.close();
  }
}

function migrate(db: Db, file: string): void {
  db.transaction(() => {
    // Read again inside the write lock: another run may have migrated since we validated.
    const { version } = readVersion(db, file);
    checkNotNewer(`sqlite:${file}`, version, LATEST, undefined);
    const steps = pendingSteps(sqliteMigrations, version);
    if (steps.length === 0) return;
    for (const step of steps) for (const sql of step.up) db.exec(sql);
    const set = db.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    set.run("schema_version", String(LATEST));
    set.run("apiship_version", apishipVersion());
  }).immediate();
}

/** Opens (creating when missing), validates and migrates the state file. */
export function openSqliteFile(file: string): Db {
  const abs = path.resolve(file);
  if (!existsSync(abs)) createIfMissing(abs);
  checkHeader(abs);
  validate(abs);
  let db: Db | undefined;
  try {
    db = new Database(abs, { fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    migrate(db, abs);
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof StateError) throw e;
    throw new StateError(`cannot open state file ${abs}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
      hint: "check that the file and its directory are writable, and that no other program holds it locked",
    });
  }
}
