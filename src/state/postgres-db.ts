// The PostgreSQL connection layer: a pool, transactions that serialize per stack with an
// advisory lock, numbered migrations, and driver errors mapped to StateError.

import pg from "pg";
import { StateError, isApishipError } from "../errors.js";
import {
  apishipVersion,
  checkNotNewer,
  latestVersion,
  parseSchemaVersion,
  pendingSteps,
} from "./migrations/index.js";
import { postgresMigrations } from "./migrations/postgres.js";

const LATEST = latestVersion(postgresMigrations);
/** First key of every advisory lock we take, so ours never collide with another application's. */
const NAMESPACE = "apiship";

/** Queries inside one transaction, with `?` placeholders. */
export interface Query {
  get<T>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  run(sql: string, ...params: unknown[]): Promise<number>;
}

const numbered = new Map<string, string>();
function toPg(sql: string): string {
  let out = numbered.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, out);
  }
  return out;
}

function query(client: pg.PoolClient): Query {
  const rows = async <T>(sql: string, params: unknown[]) =>
    (await client.query(toPg(sql), params)).rows as T[];
  return {
    get: async <T>(sql: string, ...params: unknown[]) => (await rows<T>(sql, params))[0],
    all: <T>(sql: string, ...params: unknown[]) => rows<T>(sql, params),
    run: async (sql, ...params) => (await client.query(toPg(sql), params)).rowCount ?? 0,
  };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    // Not parseable as a URL: show only the scheme rather than risk printing a password.
    return "postgres://(unparseable URL)";
  }
}

export function dbError(url: string, e: unknown): StateError {
  const code = e instanceof Error && "code" in e ? String(e.code) : "";
  const unreachable = /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|28P01|28000|3D000)$/.test(
    code,
  );
  return new StateError(`state ${url} failed: ${e instanceof Error ? e.message : String(e)}`, {
    cause: e,
    hint: unreachable
      ? "check that PostgreSQL is running and reachable, and the user, password and database in --state / APISHIP_STATE"
      : "the PostgreSQL state store reported an error; run again, and check the server's log if it persists",
  });
}

export class PgDatabase {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    readonly url: string,
  ) {}

  /** Connects, creates the schema when asked, and migrates: refusing a newer schema untouched. */
  static async open(connectionString: string, url: string, schema: string | undefined, max: number) {
    const pool = new pg.Pool({
      connectionString,
      max,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle connection dropped by the server is discarded by the pool and replaced on the next
    // query, which reports any lasting failure itself; without a listener the process would exit.
    pool.on("error", () => undefined);
    const db = new PgDatabase(pool, url);
    try {
      await db.migrate(schema);
    } catch (e) {
      await pool.end();
      throw e;
    }
    return db;
  }

  /**
   * One transaction. With `stack`, it first takes `pg_advisory_xact_lock(apiship, stack)`, so
   * every read-decide-write on one stack runs alone across all clients until COMMIT.
   */
  async tx<T>(stack: string | undefined, fn: (q: Query) => Promise<T>, readOnly = false): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw dbError(this.url, e);
    }
    try {
      await client.query(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
      if (stack !== undefined) {
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [NAMESPACE, stack]);
      }
      const result = await fn(query(client));
      await client.query("COMMIT");
      client.release();
      return result;
    } catch (e) {
      await this.abort(client);
      throw isApishipError(e) ? e : dbError(this.url, e);
    }
  }

  private async abort(client: pg.PoolClient): Promise<void> {
    try {
      await client.query("ROLLBACK");
      client.release();
    } catch {
      // The connection is unusable; destroying it rolls the transaction back server-side.
      // The caller reports the original failure, which is what the user can act on.
      client.release(true);
    }
  }

  private async migrate(schema: string | undefined): Promise<void> {
    await this.tx(undefined, async (q) => {
      // Concurrent first runs against one database must not race to create the tables.
      await q.run("SELECT pg_advisory_xact_lock(hashtext(?), 0)", NAMESPACE);
      if (schema) await q.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      const version = await this.currentVersion(q);
      for (const step of pendingSteps(postgresMigrations, version)) {
        for (const sql of step.up) await q.run(sql);
      }
      if (version < LATEST) {
        const set =
          "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        await q.run(set, "schema_version", String(LATEST));
        await q.run(set, "apiship_version", apishipVersion());
      }
    });
  }

  private async currentVersion(q: Query): Promise<number> {
    const found = await q.get<{ meta: string | null; stacks: string | null }>(
      "SELECT to_regclass('meta')::text AS meta, to_regclass('stacks')::text AS stacks",
    );
    if (!found?.meta) {
      if (found?.stacks) {
        throw new StateError(`state ${this.url} has apiship tables but no meta table`, {
          hint: "the schema was edited outside apiship, or belongs to another program; point --state at another schema",
        });
      }
      return 0;
    }
    const rows = await q.all<{ key: string; value: string }>("SELECT key, value FROM meta");
    const meta = new Map(rows.map((r) => [r.key, r.value]));
    const version = parseSchemaVersion(this.url, meta.get("schema_version"));
    checkNotNewer(this.url, version, LATEST, meta.get("apiship_version"));
    return version;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
