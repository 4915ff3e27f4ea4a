import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { StateError } from "../../src/errors.js";
import { openStateStore } from "../../src/state/open.js";
import { PostgresStateStore } from "../../src/state/postgres.js";
import type { StateStore } from "../../src/state/store.js";
import { describeStateStore } from "./store-suite.js";

const url = process.env.APISHIP_TEST_POSTGRES_URL;

if (!url) {
  console.warn(
    "PostgreSQL state tests skipped: set APISHIP_TEST_POSTGRES_URL=postgres://... (CI starts one: .ci/postgres.sh)",
  );
  describe.skip("PostgreSQL state store (APISHIP_TEST_POSTGRES_URL unset)", () => {
    it("runs against a real server", () => undefined);
  });
} else {
  const dbUrl = url;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  // Each test gets its own schema, so tests (and concurrent CI runs) never see each other.
  describeStateStore("postgres", async () => {
    const schema = `apiship_t_${randomBytes(6).toString("hex")}`;
    const opened: StateStore[] = [];
    return {
      persistent: true,
      async open(opts) {
        const store = await PostgresStateStore.connect(dbUrl, { ...opts, schema });
        opened.push(store);
        return store;
      },
      async setSchemaVersion(version) {
        await admin((c) =>
          c.query(`UPDATE ${schema}.meta SET value = $1 WHERE key = 'schema_version'`, [String(version)]),
        );
      },
      fingerprint: () =>
        admin(async (c) => {
          const tables = ["meta", "stacks", "targets", "releases", "intents", "locks"];
          const parts: string[] = [];
          for (const t of tables) {
            const r = await c.query(
              `SELECT coalesce(json_agg(x ORDER BY x::text), '[]')::text AS j FROM ${schema}.${t} x`,
            );
            parts.push(`${t}=${String(r.rows[0]?.j)}`);
          }
          return parts.join("\n");
        }),
      async cleanup() {
        for (const s of opened) await s.close();
        await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
      },
    };
  });

  describe("PostgreSQL state location", () => {
    it("opens through openStateStore with ?schema=, creating its tables there", async () => {
      const schema = `apiship_t_${randomBytes(6).toString("hex")}`;
      const store = await openStateStore(`${dbUrl}?schema=${schema}`, {
        manifestDir: "/nonexistent",
        env: {},
      });
      try {
        expect((await store.ensure("app/dev")).serial).toBe(0);
        const tables = await admin((c) =>
          c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [
            schema,
          ]),
        );
        expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toEqual([
          "intents",
          "locks",
          "meta",
          "releases",
          "stacks",
          "targets",
        ]);
      } finally {
        await store.close();
        await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
      }
    });
  });
}

// Needs no server: nothing listens on port 1 of the loopback address.
describe("PostgreSQL state errors", () => {
  it("reports an unreachable server as a StateError without the password", async () => {
    const opening = PostgresStateStore.connect("postgres://alice:s3cret@127.0.0.1:1/nope");
    await expect(opening).rejects.toBeInstanceOf(StateError);
    const error = (await opening.catch((e: unknown) => e)) as StateError;
    expect(error.message).not.toContain("s3cret");
    expect(error.message).toContain("127.0.0.1:1");
    expect(error.hint).toMatch(/PostgreSQL is running/);
  });

  it("refuses a schema name it would have to quote", async () => {
    await expect(
      PostgresStateStore.connect("postgres://127.0.0.1:1/x", { schema: "a; DROP" }),
    ).rejects.toThrow(/invalid PostgreSQL schema name/);
  });
});
