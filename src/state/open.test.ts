import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { StateError } from "../errors.js";
import { MemoryStateStore } from "./memory.js";
import { openStateStore, parseStateUrl, resolveStateLocation } from "./open.js";

describe("parseStateUrl", () => {
  const cwd = "/work/project";

  it("accepts the SQLite forms, resolving relative paths against cwd", () => {
    expect(parseStateUrl("sqlite:.apiship/state.db", cwd)).toEqual({
      kind: "sqlite",
      path: "/work/project/.apiship/state.db",
    });
    expect(parseStateUrl("sqlite:/var/lib/apiship.db", cwd)).toEqual({
      kind: "sqlite",
      path: "/var/lib/apiship.db",
    });
    expect(parseStateUrl("sqlite:///var/lib/apiship.db", cwd)).toEqual({
      kind: "sqlite",
      path: "/var/lib/apiship.db",
    });
    expect(parseStateUrl("ci/state.db", cwd)).toEqual({ kind: "sqlite", path: "/work/project/ci/state.db" });
  });

  it("accepts postgres:// and postgresql://, taking ?schema= out of the connection string", () => {
    expect(parseStateUrl("postgres://ci@db.internal:5432/apiship", cwd)).toEqual({
      kind: "postgres",
      connectionString: "postgres://ci@db.internal:5432/apiship",
    });
    expect(parseStateUrl("postgresql://ci:pw@db/apiship?schema=team_a&sslmode=require", cwd)).toEqual({
      kind: "postgres",
      connectionString: "postgresql://ci:pw@db/apiship?sslmode=require",
      schema: "team_a",
    });
  });

  it("accepts memory:", () => {
    expect(parseStateUrl("memory:", cwd)).toEqual({ kind: "memory" });
  });

  it.each(["s3://bucket/state", "mysql://db/x", "state.json", "sqlite:", "sqlite://relative.db"])(
    "refuses %s with a hint listing the forms",
    (raw) => {
      let error: unknown;
      try {
        parseStateUrl(raw, cwd);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StateError);
      expect((error as StateError).hint).toMatch(/sqlite:PATH.*postgres:\/\/.*memory:/);
    },
  );
});

describe("resolveStateLocation", () => {
  const base = { manifestDir: "/repo/app", cwd: "/repo" };

  it("prefers --state, then APISHIP_STATE, then the file beside the manifest", () => {
    const env = { APISHIP_STATE: "sqlite:from-env.db" };
    expect(resolveStateLocation("sqlite:flag.db", { ...base, env })).toEqual({
      kind: "sqlite",
      path: "/repo/flag.db",
    });
    expect(resolveStateLocation(undefined, { ...base, env })).toEqual({
      kind: "sqlite",
      path: "/repo/from-env.db",
    });
    expect(resolveStateLocation(undefined, { ...base, env: { APISHIP_STATE: "" } })).toEqual({
      kind: "sqlite",
      path: "/repo/app/.apiship/state.db",
    });
  });
});

describe("openStateStore", () => {
  it("opens memory: and sqlite: stores", async () => {
    const memory = await openStateStore("memory:", { manifestDir: "/nowhere", env: {} });
    expect(memory).toBeInstanceOf(MemoryStateStore);
    const dir = mkdtempSync(path.join(os.tmpdir(), "apiship-open-"));
    try {
      const file = path.join(dir, "s.db");
      const store = await openStateStore(undefined, {
        manifestDir: dir,
        env: { APISHIP_STATE: `sqlite:${file}` },
      });
      expect(store.url).toBe(`sqlite:${file}`);
      expect((await store.ensure("app/dev")).serial).toBe(0);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
