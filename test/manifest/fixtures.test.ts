// Every fixture manifest through the real loader, validator and built-in providers. Valid ones
// (and the examples) must load; each invalid one must produce exactly its golden diagnostics.
// UPDATE_GOLDEN=1 rewrites the goldens from the current output: review the diff, never in CI.

import { readFile, readdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createBuiltinRegistry } from "../../providers/index.js";
import { ManifestError } from "../../src/errors.js";
import type { Diagnostic } from "../../src/errors.js";
import { loadManifest } from "../../src/manifest/load.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const fixtures = join(root, "fixtures/manifests");
const update = process.env.UPDATE_GOLDEN === "1" && !process.env.CI;

/** A fixed environment, so fixtures never depend on the machine running them. */
const FIXTURE_ENV: Record<string, string> = { GIT_SHA: "0123abc", HOME: "/home/test" };

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
}

const valid = await yamlFiles(join(fixtures, "valid"));
const invalid = await yamlFiles(join(fixtures, "invalid"));
const examples = ["sentiment-api", "hello-fn", "hono-fn", "py-fn"].map((e) =>
  join(root, "examples", e, "apiship.yaml"),
);

/** What a golden records: no file (it differs per checkout), fields in a fixed order. */
function golden(d: Diagnostic): Record<string, unknown> {
  return {
    severity: d.severity,
    code: d.code,
    path: d.path,
    line: d.line,
    column: d.column,
    message: d.message,
    hint: d.hint,
  };
}

async function diagnosticsOf(file: string): Promise<Diagnostic[]> {
  try {
    const r = await loadManifest(file, { registry: createBuiltinRegistry(), environ: FIXTURE_ENV });
    return r.warnings;
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    return e.diagnostics;
  }
}

describe("valid fixtures", () => {
  it("has enough of them", () => {
    expect(valid.length).toBeGreaterThanOrEqual(8);
  });

  it.each([...valid.map((f) => join(fixtures, "valid", f)), ...examples])("%s loads", async (file) => {
    // Diagnostics first, so a failure shows what is wrong rather than "N problems".
    expect((await diagnosticsOf(file)).map(golden)).toEqual([]);
    const { manifest } = await loadManifest(file, {
      registry: createBuiltinRegistry(),
      environ: FIXTURE_ENV,
    });
    expect(manifest.file).toBe(file);
    expect(manifest.stacks.length).toBeGreaterThan(0);
    for (const stack of manifest.stacks) expect(stack.targets.length).toBeGreaterThan(0);
  });

  it("cover every platform of every built-in provider, and both kinds", async () => {
    const used = new Set<string>();
    const kinds = new Set<string>();
    for (const f of valid) {
      const { manifest } = await loadManifest(join(fixtures, "valid", f), {
        registry: createBuiltinRegistry(),
        environ: FIXTURE_ENV,
      });
      for (const t of Object.values(manifest.targets)) used.add(`${t.provider}/${t.platform}`);
      for (const s of manifest.stacks) kinds.add(s.service.kind);
    }
    const all = (await createBuiltinRegistry().all()).flatMap((m) =>
      Object.keys(m.targets).map((p) => `${m.id}/${p}`),
    );
    expect(all.filter((p) => !used.has(p))).toEqual([]);
    expect([...kinds].sort()).toEqual(["container", "function"]);
  });
});

describe("interpolation through the real validator", () => {
  it("keeps a plain number a number, applies defaults and honours $${", async () => {
    const file = join(fixtures, "valid", "anchors-and-defaults.yaml");
    const { manifest } = await loadManifest(file, {
      registry: createBuiltinRegistry(),
      environ: { PORT: "9090" },
    });
    const production = manifest.stacks.find((s) => s.environment === "production");
    expect(production?.service.container).toMatchObject({
      image: "ghcr.io/acme/anchors-api:latest",
      port: 9090,
    });
    expect(production?.service.env).toEqual({
      LOG_LEVEL: "info",
      GREETING: "costs $$5, literally ${not-interpolated}",
    });
    expect(production?.service.scaling).toMatchObject({ min: 2, max: 8 });
    expect(manifest.targets.west?.options).toMatchObject({ region: "us-west-2" });
  });
});

describe("invalid fixtures", () => {
  it("has enough of them", () => {
    expect(invalid.length).toBeGreaterThanOrEqual(15);
  });

  it.each(invalid)("%s gives its golden diagnostics", async (name) => {
    const file = join(fixtures, "invalid", name);
    const goldenFile = join(fixtures, "invalid", `${basename(name).replace(/\.ya?ml$/, "")}.golden.json`);
    const actual = (await diagnosticsOf(file)).map(golden);
    // A fixture that produced nothing would make a vacuous golden.
    expect(actual.length).toBeGreaterThan(0);
    if (update) await writeFile(goldenFile, JSON.stringify(actual, null, 2) + "\n");
    const expected = JSON.parse(await readFile(goldenFile, "utf8")) as unknown;
    expect(actual).toEqual(expected);
    for (const d of actual) {
      expect(d.line, `${String(d.code)} has a line`).toBeTypeOf("number");
      expect(d.hint, `${String(d.code)} has a hint`).toBeTruthy();
    }
  });
});
