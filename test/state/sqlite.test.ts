import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateError } from "../../src/errors.js";
import { openStateStore } from "../../src/state/open.js";
import { SqliteStateStore } from "../../src/state/sqlite.js";
import type { StateStore } from "../../src/state/store.js";
import { MINUTE, STACK, alice, record } from "./harness.js";
import { describeStateStore } from "./store-suite.js";

/** The file and anything SQLite keeps beside it, so "untouched" covers -wal/-shm too. */
function fingerprintDir(dir: string): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(dir).sort()) hash.update(name).update(readFileSync(path.join(dir, name)));
  return hash.digest("hex");
}

describeStateStore("sqlite", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "apiship-state-"));
  const file = path.join(dir, ".apiship", "state.db");
  const opened: StateStore[] = [];
  return {
    persistent: true,
    async open(opts) {
      const store = SqliteStateStore.open(file, opts);
      opened.push(store);
      return store;
    },
    async setSchemaVersion(version) {
      const db = new Database(file);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(version));
      db.prepare("UPDATE meta SET value = '9.9.9' WHERE key = 'apiship_version'").run();
      db.close();
    },
    fingerprint: async () => fingerprintDir(path.dirname(file)),
    async cleanup() {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("SQLite state file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "apiship-sqlite-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A real state file with one recorded stack, closed (so its WAL is checkpointed away). */
  async function realStateFile(): Promise<string> {
    const file = path.join(dir, "real.db");
    const store = SqliteStateStore.open(file);
    const { lock } = await store.acquireLock(STACK, alice, { ttlMs: MINUTE });
    await store.write(STACK, lock.id, { expectedSerial: 0, targets: { web: record("web", "v1") } });
    await store.close();
    return file;
  }

  async function expectRefusedUntouched(file: string, message: RegExp): Promise<void> {
    const before = fingerprintDir(dir);
    const opening = openStateStore(`sqlite:${file}`, { manifestDir: dir, env: {} });
    await expect(opening).rejects.toBeInstanceOf(StateError);
    const error = (await opening.catch((e: unknown) => e)) as StateError;
    expect(error.message).toContain(file);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/left the file untouched/);
    expect(fingerprintDir(dir)).toBe(before);
  }

  it("creates the directory and a 0600 file in WAL mode", async () => {
    const file = path.join(dir, "nested", ".apiship", "state.db");
    const store = SqliteStateStore.open(file);
    await store.ensure(STACK);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const db = new Database(file, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe("1");
    db.close();
    await store.close();
  });

  it("refuses a file of random bytes, leaving it untouched", async () => {
    const file = path.join(dir, "state.db");
    writeFileSync(file, randomBytes(4096));
    await expectRefusedUntouched(file, /not an SQLite database/);
  });

  it("refuses a truncated state file (its first 100 bytes), leaving it untouched", async () => {
    const real = await realStateFile();
    const file = path.join(dir, "truncated.db");
    writeFileSync(file, readFileSync(real).subarray(0, 100));
    rmSync(real);
    await expectRefusedUntouched(file, /truncated/);
  });

  it("refuses a file whose pages are damaged, leaving it untouched", async () => {
    const file = await realStateFile();
    const bytes = readFileSync(file);
    // Keep the header valid, scramble every page after the first.
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 131) & 0xff;
    writeFileSync(file, bytes);
    await expectRefusedUntouched(file, /not a readable apiship state/);
  });

  it("refuses an SQLite database that is not an apiship state", async () => {
    const file = path.join(dir, "other.db");
    const db = new Database(file);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY)");
    db.close();
    await expectRefusedUntouched(file, /not an apiship state/);
  });

  it("opens the default file beside the manifest", async () => {
    const store = await openStateStore(undefined, { manifestDir: dir, env: {} });
    await store.ensure(STACK);
    await store.close();
    expect(store.url).toBe(`sqlite:${path.join(dir, ".apiship", "state.db")}`);
    expect(existsSync(path.join(dir, ".apiship", "state.db"))).toBe(true);
  });
});
