// doctorStack (`apiship doctor`): can this machine deploy the stack? Per target, who its
// credentials are and whether its region, project or cluster answers (the adapter's optional
// whoami()); for the stack, whether the state store opens and what it holds of the stack, and
// whether every env:/file: secret resolves. Reads only, like status.ts: no lock, no write, no
// mutating call. The state is read through its own driver in read-only mode, so a missing SQLite
// file is not created and an empty PostgreSQL database gets no tables. A platform without
// whoami() is "not checked", never passed. Secret values are never reported, only their names.

import { existsSync } from "node:fs";
import type { Identity } from "../core/provider.js";
import type { Registry } from "../core/registry.js";
import { ProviderError, StateError, toApishipError } from "../errors.js";
import { parseSecretRef } from "../manifest/secrets.js";
import type { Stack } from "../manifest/types.js";
import { isLocalRef, resolveSecret } from "../plan/secrets.js";
import { resolveStateLocation } from "../state/open.js";
import type { StateLocation } from "../state/open.js";
import { targetHandle } from "./adapters.js";
import type { RetryPolicy } from "./retry.js";
import { redactDeep, redactor } from "./secrets.js";

export type DoctorCheck = "credentials" | "reachable" | "state" | "secret";
export type DoctorOutcome = "pass" | "fail" | "not checked";

export interface DoctorRow {
  /** Absent for the stack's own checks (state, secrets). */
  target?: string;
  platform?: string;
  check: DoctorCheck;
  /** The secret's name, for a `secret` row. */
  name?: string;
  result: DoctorOutcome;
  /** What was found: an identity, what answered, or why not. Never a secret value. */
  detail: string;
  /** The error's code (CREDENTIALS, UNAUTHENTICATED, STATE_ERROR, ...), on failure. */
  code?: string;
  hint?: string;
}

export interface DoctorStackResult {
  stack: string;
  /** True when no row failed ("not checked" is not a failure, and not a pass either). */
  ok: boolean;
  rows: DoctorRow[];
}

export interface DoctorOptions {
  stack: Stack;
  registry: Registry;
  env: Record<string, string | undefined>;
  /** The folder of the stack's manifest: the default state file is beside it. */
  manifestDir: string;
  /** --state / APISHIP_STATE as given (undefined: the default). */
  stateUrl?: string | undefined;
  /** Longest time one target's checks may take. Default 60 s. */
  timeoutMs?: number;
  /** Fewer attempts than a deploy's: a doctor answers quickly, and still rides out one blip. */
  retry?: Partial<RetryPolicy>;
}

const DOCTOR_RETRY: Partial<RetryPolicy> = { maxAttempts: 3, baseMs: 200, capMs: 2000, maxWaitMs: 10_000 };

/** The row of a failed check: the error's message, code and hint (mapped by its provider). */
function failed(base: Omit<DoctorRow, "result" | "detail">, e: unknown): DoctorRow {
  const err = toApishipError(e);
  const row: DoctorRow = { ...base, result: "fail", detail: err.message, code: err.code };
  if (err.hint) row.hint = err.hint;
  return row;
}

function identityText(id: Identity): string {
  const parts = [id.principal];
  if (id.account) parts.push(`in ${id.account}`);
  if (id.detail) parts.push(`(${id.detail})`);
  return parts.join(" ");
}

function withTimeout<T>(work: Promise<T>, ms: number, target: string, abort: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(
        new ProviderError(`target ${target}: no answer within ${Math.round(ms / 1000)}s`, {
          code: "TIMEOUT",
          target,
          hint: "the endpoint may be unreachable from here (a proxy, a firewall, a wrong `endpoint`)",
        }),
      );
    }, ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The credentials and reachable rows of one target. */
async function checkTarget(opts: DoctorOptions, name: string): Promise<DoctorRow[]> {
  const spec = opts.stack.targets.find((t) => t.name === name);
  const platform = spec ? `${spec.provider}/${spec.platform}` : "";
  const cred = { target: name, platform, check: "credentials" as const };
  const reach = { target: name, platform, check: "reachable" as const };
  const abort = new AbortController();
  let id: Identity;
  try {
    const handle = await targetHandle(
      { ...opts, emit: () => undefined, retry: { ...DOCTOR_RETRY, ...opts.retry } },
      name,
      undefined,
    );
    const whoami = handle.adapter.whoami;
    if (!whoami) {
      const detail = `${handle.adapter.id} has no identity check`;
      return [
        { ...cred, result: "not checked", detail },
        { ...reach, result: "not checked", detail },
      ];
    }
    const work = handle.clients().then((c) => whoami(handle.ctx(c, abort.signal)));
    id = await withTimeout(work, opts.timeoutMs ?? 60_000, name, abort);
  } catch (e) {
    return [failed(cred, e), { ...reach, result: "not checked", detail: "the credentials check failed" }];
  }
  const rows: DoctorRow[] = [{ ...cred, result: "pass", detail: identityText(id) }];
  if (!id.reach) rows.push({ ...reach, result: "not checked", detail: "this platform has no reach check" });
  else if (id.reach.ok) rows.push({ ...reach, result: "pass", detail: id.reach.detail });
  else rows.push(failed(reach, id.reach.error));
  return rows;
}

/** One row per secret: resolves, unset: NAME, unreadable, or left to the platform. */
export async function checkSecrets(
  stack: Stack,
  env: Record<string, string | undefined>,
): Promise<DoctorRow[]> {
  return (await resolveAll(stack, env)).rows;
}

/** The secret rows, and the values that resolved: only for the redactor, never reported. */
async function resolveAll(stack: Stack, env: Record<string, string | undefined>) {
  const rows: DoctorRow[] = [];
  const values: string[] = [];
  for (const name of Object.keys(stack.service.secrets).sort()) {
    const ref = stack.service.secrets[name] ?? "";
    const base = { check: "secret" as const, name };
    const parsed = parseSecretRef(ref);
    if (!parsed.ok) {
      rows.push({ ...base, result: "fail", detail: `invalid reference: ${parsed.message}`, code: "USAGE" });
      continue;
    }
    if (!isLocalRef(parsed)) {
      const detail = `${parsed.scheme}: is read by the platform at deploy time`;
      rows.push({ ...base, result: "not checked", detail });
      continue;
    }
    try {
      // The value goes to the redactor only: that it resolved is all a row says.
      values.push(await resolveSecret(ref, env, stack.baseDir ?? "."));
      rows.push({ ...base, result: "pass", detail: `resolves (${parsed.scheme}:${parsed.id})` });
    } catch (e) {
      const err = toApishipError(e);
      const detail = parsed.scheme === "env" ? `unset: ${parsed.id}` : `unreadable: ${parsed.id}`;
      rows.push({ ...base, result: "fail", detail, code: err.code, ...(err.hint ? { hint: err.hint } : {}) });
    }
  }
  return { rows, values };
}

/** A PostgreSQL URL without its password (postgres-db.ts has the same, but loads pg with it). */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparseable URL)";
  }
}

type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** What a store holds of the stack, through read-only queries. */
async function describeStack(q: Query, stack: string, tables: boolean): Promise<string> {
  if (!tables) return "no apiship tables yet (the first deploy creates them)";
  const [row] = await q("SELECT serial FROM stacks WHERE stack = ?", [stack]);
  if (!row) return `no record of ${stack} yet`;
  const [count] = await q("SELECT count(*) AS n FROM targets WHERE stack = ?", [stack]);
  const [lock] = await q("SELECT holder FROM locks WHERE stack = ?", [stack]);
  const out = `${stack} at serial ${String(row.serial)}, ${String(count?.n ?? 0)} target(s) recorded`;
  if (!lock) return out;
  const raw = lock.holder;
  const h = (typeof raw === "string" ? JSON.parse(raw) : raw) as { user?: string; host?: string };
  return `${out}; locked by ${h.user ?? "?"}@${h.host ?? "?"}`;
}

async function sqliteState(path: string, stack: string): Promise<string> {
  if (!existsSync(path)) return `no state file yet at ${path} (the first deploy creates it)`;
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const q: Query = (sql, params) =>
      Promise.resolve(db.prepare(sql).all(...params) as Record<string, unknown>[]);
    const meta = await q("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'", []);
    return `sqlite:${path}: ${await describeStack(q, stack, meta.length > 0)}`;
  } finally {
    db.close();
  }
}

async function postgresState(loc: Extract<StateLocation, { kind: "postgres" }>, stack: string) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    connectionString: loc.connectionString,
    connectionTimeoutMillis: 10_000,
    ...(loc.schema ? { options: `-c search_path=${loc.schema}` } : {}),
  });
  client.on("error", () => undefined);
  await client.connect();
  try {
    // Each statement numbers its own placeholders: the store's SQL is written with `?`.
    const q: Query = async (sql, params) => {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      return (await client.query(text, params)).rows as Record<string, unknown>[];
    };
    await client.query("BEGIN READ ONLY");
    const [meta] = await q("SELECT to_regclass('meta')::text AS name", []);
    const text = await describeStack(q, stack, typeof meta?.name === "string");
    await client.query("COMMIT");
    return `${shownUrl(loc.connectionString)}: ${text}`;
  } finally {
    await client.end();
  }
}

/** The state row: the store opens, read-only, and what it holds of the stack. */
export async function checkState(opts: Pick<DoctorOptions, "stack" | "env" | "manifestDir" | "stateUrl">) {
  const base = { check: "state" as const };
  try {
    const loc = resolveStateLocation(opts.stateUrl, { manifestDir: opts.manifestDir, env: opts.env });
    const detail =
      loc.kind === "memory"
        ? "memory: (nothing is kept between runs)"
        : loc.kind === "sqlite"
          ? await sqliteState(loc.path, opts.stack.id)
          : await postgresState(loc, opts.stack.id);
    return { ...base, result: "pass", detail } satisfies DoctorRow;
  } catch (e) {
    const err = toApishipError(e);
    if (err.code !== "INTERNAL") return failed(base, err);
    return failed(
      base,
      new StateError(`the state store cannot be read: ${e instanceof Error ? e.message : String(e)}`, {
        hint: "check --state / APISHIP_STATE, that the file is readable or the database reachable, and the credentials in the URL",
      }),
    );
  }
}

/** Every check of one stack; targets are checked at once, each under its own timeout. */
export async function doctorStack(opts: DoctorOptions): Promise<DoctorStackResult> {
  const names = opts.stack.targets.map((t) => t.name).sort();
  const [state, secrets, ...targets] = await Promise.all([
    checkState(opts),
    resolveAll(opts.stack, opts.env),
    ...names.map((n) => checkTarget(opts, n)),
  ]);
  // As every report: a cloud that echoes a secret back in an error is scrubbed of it.
  const rows = redactDeep([...targets.flat(), state, ...secrets.rows], redactor(secrets.values));
  return { stack: opts.stack.id, ok: rows.every((r) => r.result !== "fail"), rows };
}
