// Picks and opens the state store: `--state URL`, else APISHIP_STATE, else the SQLite file
// beside the manifest. Drivers load with import() here, so commands that never touch the
// state (--help, validate, schema) never load better-sqlite3 or pg.

import path from "node:path";
import { StateError } from "../errors.js";
import type { StoreOptions } from "./common.js";
import type { StateStore } from "./store.js";

export type StateLocation =
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; connectionString: string; schema?: string }
  | { kind: "memory" };

export interface OpenStateOptions extends StoreOptions {
  /** Directory of apiship.yaml: the default state lives in `<manifestDir>/.apiship/state.db`. */
  manifestDir: string;
  env: Record<string, string | undefined>;
  /** Base of relative `sqlite:` paths given by flag or environment; default process.cwd(). */
  cwd?: string;
}

const FORMS =
  "use sqlite:PATH (e.g. sqlite:.apiship/state.db), sqlite:///absolute/path.db, a path ending in .db, " +
  "postgres://user@host:5432/db (optionally ?schema=name), or memory: (tests only)";

function unknownForm(raw: string): StateError {
  return new StateError(`unsupported state location ${JSON.stringify(raw)}`, { hint: FORMS });
}

function postgresLocation(raw: string): StateLocation {
  let u: URL;
  try {
    u = new URL(raw);
  } catch (e) {
    throw new StateError("the PostgreSQL state URL cannot be parsed", { cause: e, hint: FORMS });
  }
  // `schema` is ours, not libpq's: take it out before pg sees the URL.
  const schema = u.searchParams.get("schema") ?? undefined;
  u.searchParams.delete("schema");
  const loc: StateLocation = { kind: "postgres", connectionString: u.toString() };
  if (schema) loc.schema = schema;
  return loc;
}

/** Parses a state location; relative SQLite paths resolve against `cwd`. */
export function parseStateUrl(raw: string, cwd: string): StateLocation {
  const value = raw.trim();
  if (/^postgres(ql)?:\/\//i.test(value)) return postgresLocation(value);
  if (/^memory:$/i.test(value)) return { kind: "memory" };
  if (/^sqlite:/i.test(value)) {
    const rest = value.slice("sqlite:".length);
    // sqlite:///abs/path (URL form) and sqlite:PATH (relative or absolute) both name a file.
    const file = rest.startsWith("//") ? rest.slice(2) : rest;
    if (file === "" || (rest.startsWith("//") && !file.startsWith("/"))) throw unknownForm(raw);
    return { kind: "sqlite", path: path.resolve(cwd, file) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || !value.endsWith(".db")) throw unknownForm(raw);
  return { kind: "sqlite", path: path.resolve(cwd, value) };
}

/** Where the state is, by precedence: flag, APISHIP_STATE, the default beside the manifest. */
export function resolveStateLocation(url: string | undefined, opts: OpenStateOptions): StateLocation {
  const cwd = opts.cwd ?? process.cwd();
  if (url !== undefined && url.trim() !== "") return parseStateUrl(url, cwd);
  const fromEnv = opts.env.APISHIP_STATE;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return parseStateUrl(fromEnv, cwd);
  return { kind: "sqlite", path: path.join(path.resolve(opts.manifestDir), ".apiship", "state.db") };
}

function driverMissing(driver: string, e: unknown): StateError {
  return new StateError(`cannot load the ${driver} driver: ${e instanceof Error ? e.message : String(e)}`, {
    cause: e,
    hint: `reinstall apiship, or run "npm rebuild ${driver}" if Node.js was upgraded since it was installed`,
  });
}

export async function openStateStore(url: string | undefined, opts: OpenStateOptions): Promise<StateStore> {
  const loc = resolveStateLocation(url, opts);
  const storeOpts: StoreOptions = {};
  if (opts.now) storeOpts.now = opts.now;
  if (opts.probe) storeOpts.probe = opts.probe;
  switch (loc.kind) {
    case "memory": {
      const { MemoryStateStore } = await import("./memory.js");
      return new MemoryStateStore(storeOpts);
    }
    case "sqlite": {
      const mod = await import("./sqlite.js").catch((e: unknown) => {
        throw driverMissing("better-sqlite3", e);
      });
      return mod.SqliteStateStore.open(loc.path, storeOpts);
    }
    case "postgres": {
      const mod = await import("./postgres.js").catch((e: unknown) => {
        throw driverMissing("pg", e);
      });
      return mod.PostgresStateStore.connect(loc.connectionString, { ...storeOpts, schema: loc.schema });
    }
  }
}
