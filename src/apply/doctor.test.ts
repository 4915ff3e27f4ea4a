// The doctor engine: per-target rows from whoami() (pass, a failure with the adapter's code and
// hint, a reach failure kept apart, "not checked" for a platform without it, a timeout), the
// state read without writing (a missing SQLite file stays missing, a present one is left byte
// for byte), and secrets reported by name only.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineProvider, defineTarget } from "../core/provider.js";
import type { Identity, TargetAdapter } from "../core/provider.js";
import { Registry } from "../core/registry.js";
import { ProviderError } from "../errors.js";
import type { ServiceSpec, Stack } from "../manifest/types.js";
import { SqliteStateStore } from "../state/sqlite.js";
import { checkSecrets, checkState, doctorStack } from "./doctor.js";

const SECRET = "s3cret-value-9f1e";
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "apiship-doctor-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function platform(name: string, whoami?: TargetAdapter["whoami"]): TargetAdapter {
  return defineTarget({
    id: `t/${name}`,
    provider: "t",
    platform: name,
    summary: name,
    kinds: ["container"],
    options: z.object({}),
    limits: {},
    capabilities: { nativeRollback: null, coldStart: "none", scalesToZero: false },
    naming: { resource: "thing", maxLength: 63, lowercase: true, extraChars: "-", startsWithLetter: true },
    createClients: () => ({}),
    read: async () => undefined,
    plan: () => ({ changes: [] }),
    apply: async () => ({ state: {}, outputs: {} }),
    destroy: async () => undefined,
    status: async () => ({ health: "unknown" }),
    ...(whoami ? { whoami } : {}),
  });
}

const denied = new ProviderError("the token was rejected", {
  code: "UNAUTHENTICATED",
  fault: "user",
  hint: "log in again",
});

const registry = new Registry({
  t: async () =>
    defineProvider({
      id: "t",
      summary: "test",
      targets: [
        platform("ok", async () => ({
          principal: "dev@example.com",
          account: "account 42",
          detail: "from T_TOKEN",
          reach: { ok: true, detail: "region x answered" },
        })),
        platform("rejected", () => Promise.reject(denied)),
        platform("far", async (): Promise<Identity> => ({
          principal: "dev",
          reach: { ok: false, error: denied },
        })),
        platform("slow", () => new Promise<Identity>(() => undefined)),
        platform("plain"),
        platform("echo", () =>
          Promise.reject(new ProviderError(`the cloud refused ${SECRET}`, { code: "X" })),
        ),
      ],
    }),
});

const service: ServiceSpec = {
  kind: "container",
  container: { image: "img:1", port: 8080 },
  env: {},
  secrets: {
    API_KEY: "env:API_KEY",
    DB_URL: "env:DATABASE_URL",
    CERT: "file:cert.pem",
    VAULT: "aws-sm:prod/x",
  },
  resources: { memory: 512 },
  scaling: { min: 1, max: 1 },
  health: { path: "/", status: 200, timeoutMs: 1000, attempts: 1, intervalMs: 10 },
  access: "public",
  timeoutMs: 30_000,
};

function stackOf(platforms: string[]): Stack {
  const targets = platforms.map((p) => ({ name: `${p}-target`, provider: "t", platform: p, options: {} }));
  return { id: "shop/dev", app: "shop", environment: "dev", service, targets, baseDir: dir };
}

describe("doctorStack", () => {
  it("gives each target a credentials and a reachable row, with codes and hints on failure", async () => {
    const stack = stackOf(["ok", "rejected", "far", "plain"]);
    const r = await doctorStack({ stack, registry, env: { API_KEY: SECRET }, manifestDir: dir });
    const rows = r.rows
      .filter((x) => x.target !== undefined)
      .map((x) => [x.target, x.check, x.result, x.detail, x.code]);
    expect(rows).toEqual([
      ["far-target", "credentials", "pass", "dev", undefined],
      ["far-target", "reachable", "fail", "the token was rejected", "UNAUTHENTICATED"],
      ["ok-target", "credentials", "pass", "dev@example.com in account 42 (from T_TOKEN)", undefined],
      ["ok-target", "reachable", "pass", "region x answered", undefined],
      ["plain-target", "credentials", "not checked", "t/plain has no identity check", undefined],
      ["plain-target", "reachable", "not checked", "t/plain has no identity check", undefined],
      ["rejected-target", "credentials", "fail", "the token was rejected", "UNAUTHENTICATED"],
      ["rejected-target", "reachable", "not checked", "the credentials check failed", undefined],
    ]);
    expect(r.rows.find((x) => x.target === "rejected-target")?.hint).toBe("log in again");
    expect(r.ok).toBe(false);
    expect(
      r.rows.every((x) => x.target === undefined || x.platform === `t/${x.target.replace(/-target$/, "")}`),
    ).toBe(true);
  });

  it("passes as a whole only when nothing failed; not checked is not a failure", async () => {
    writeFileSync(join(dir, "cert.pem"), "PEM\n");
    const env = { API_KEY: SECRET, DATABASE_URL: "postgres://x" };
    const r = await doctorStack({ stack: stackOf(["ok", "plain"]), registry, env, manifestDir: dir });
    expect(r.rows.filter((x) => x.result === "fail")).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it("scrubs a resolved secret a cloud echoes back in an error", async () => {
    const r = await doctorStack({
      stack: stackOf(["echo"]),
      registry,
      env: { API_KEY: SECRET },
      manifestDir: dir,
    });
    expect(r.rows[0]).toMatchObject({ result: "fail", detail: "the cloud refused (sensitive)" });
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it("a target that does not answer in time fails with TIMEOUT", async () => {
    const r = await doctorStack({
      stack: stackOf(["slow"]),
      registry,
      env: {},
      manifestDir: dir,
      timeoutMs: 50,
    });
    expect(r.rows[0]).toMatchObject({ check: "credentials", result: "fail", code: "TIMEOUT" });
  });
});

describe("checkSecrets", () => {
  it("names what does not resolve and never a value", async () => {
    writeFileSync(join(dir, "cert.pem"), "-----BEGIN CERT-----\n");
    const rows = await checkSecrets(stackOf([]), { API_KEY: SECRET });
    expect(rows.map((r) => [r.name, r.result, r.detail])).toEqual([
      ["API_KEY", "pass", "resolves (env:API_KEY)"],
      ["CERT", "pass", "resolves (file:cert.pem)"],
      ["DB_URL", "fail", "unset: DATABASE_URL"],
      ["VAULT", "not checked", "aws-sm: is read by the platform at deploy time"],
    ]);
    expect(rows.find((r) => r.name === "DB_URL")?.hint).toMatch(/export DATABASE_URL/);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    expect(JSON.stringify(rows)).not.toContain("BEGIN CERT");
    const missing = await checkSecrets(
      { ...stackOf([]), baseDir: join(dir, "elsewhere") },
      { API_KEY: SECRET },
    );
    expect(missing.find((r) => r.name === "CERT")).toMatchObject({
      result: "fail",
      detail: "unreadable: cert.pem",
    });
  });
});

describe("checkState", () => {
  const stack = stackOf([]);
  const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

  it("a SQLite file that does not exist yet passes and is not created", async () => {
    const row = await checkState({ stack, env: {}, manifestDir: dir });
    const file = join(dir, ".apiship", "state.db");
    expect(row).toEqual({
      check: "state",
      result: "pass",
      detail: `no state file yet at ${file} (the first deploy creates it)`,
    });
    expect(existsSync(join(dir, ".apiship"))).toBe(false);
  });

  it("reads what the store holds of the stack, the lock included, and leaves the file as it was", async () => {
    const file = join(dir, "state.db");
    const store = SqliteStateStore.open(file);
    const s = await store.ensure(stack.id);
    const { lock } = await store.acquireLock(
      stack.id,
      { user: "ann", host: "ci-1", pid: 1, command: "deploy" },
      { ttlMs: 60_000 },
    );
    const record = {
      target: "web",
      platform: "t/ok",
      name: "shop-dev-web",
      state: {},
      outputs: {},
      deployedAt: "2024-01-01T00:00:00Z",
    };
    await store.write(stack.id, lock.id, { expectedSerial: s.serial, targets: { web: record } });
    await store.close();
    const before = sha(file);
    const row = await checkState({ stack, env: {}, manifestDir: dir, stateUrl: `sqlite:${file}` });
    expect(row).toEqual({
      check: "state",
      result: "pass",
      detail: `sqlite:${file}: shop/dev at serial 1, 1 target(s) recorded; locked by ann@ci-1`,
    });
    expect(sha(file)).toBe(before);
    const other = await checkState({
      stack: { ...stack, id: "shop/prod" },
      env: {},
      manifestDir: dir,
      stateUrl: file,
    });
    expect(other.detail).toBe(`sqlite:${file}: no record of shop/prod yet`);
  });

  it("a file that is not a state fails with STATE_ERROR and a hint", async () => {
    const file = join(dir, "broken.db");
    writeFileSync(file, "not a database at all, just text that is long enough to have a header");
    const row = await checkState({ stack, env: {}, manifestDir: dir, stateUrl: file });
    expect(row).toMatchObject({
      result: "fail",
      code: "STATE_ERROR",
      hint: expect.stringMatching(/--state/),
    });
    expect(readFileSync(file, "utf8")).toMatch(/^not a database/);
  });

  it("an unreachable PostgreSQL fails with the password hidden", async () => {
    const row = await checkState({
      stack,
      env: {},
      manifestDir: dir,
      stateUrl: "postgres://u:hunter2@127.0.0.1:9/db",
    });
    expect(row).toMatchObject({ result: "fail", code: "STATE_ERROR" });
    expect(JSON.stringify(row)).not.toContain("hunter2");
  });

  const pgUrl = process.env.APISHIP_TEST_POSTGRES_URL;
  it.skipIf(!pgUrl)("PostgreSQL: an empty schema is read without creating tables", async () => {
    const schema = `doctor_${process.pid}`;
    const row = await checkState({
      stack,
      env: {},
      manifestDir: dir,
      stateUrl: `${pgUrl ?? ""}?schema=${schema}`,
    });
    expect(row).toMatchObject({ result: "pass", detail: expect.stringMatching(/no apiship tables yet/) });
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const found = await client.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [
        schema,
      ]);
      expect(found.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it.skipIf(!pgUrl)("PostgreSQL: a stack the store wrote is described", async () => {
    const { PostgresStateStore } = await import("../state/postgres.js");
    const schema = `doctor_w_${process.pid}`;
    const store = await PostgresStateStore.connect(pgUrl ?? "", { schema });
    const id = `shop/doctor-${Date.now()}`;
    try {
      await store.ensure(id);
    } finally {
      await store.close();
    }
    const row = await checkState({
      stack: { ...stack, id },
      env: {},
      manifestDir: dir,
      stateUrl: `${pgUrl ?? ""}?schema=${schema}`,
    });
    expect(row).toMatchObject({
      result: "pass",
      detail: expect.stringContaining(`${id} at serial 0, 0 target(s) recorded`),
    });
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
  });
});
