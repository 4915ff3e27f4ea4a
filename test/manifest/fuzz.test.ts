// Manifest fuzzing (DESIGN.md §8): whatever bytes a user feeds the loader, it resolves with a
// Manifest or rejects with a ManifestError carrying positioned diagnostics. Any other error
// (a TypeError in a walker, a RangeError from recursion, a crash) is a bug.
// Reproduce a failure with the seed and path fast-check prints, e.g. FUZZ_SEED=<seed>.

import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBuiltinRegistry } from "../../providers/index.js";
import { Registry, type ProviderLoader } from "../../src/core/registry.js";
import { ManifestError } from "../../src/errors.js";
import { loadManifest } from "../../src/manifest/load.js";
import { parseManifestText } from "../../src/manifest/yaml.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20250607);
const RUNS = 300;
const params = { seed: SEED, numRuns: RUNS, endOnFailure: true };

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const validDir = join(root, "fixtures/manifests/valid");

/** The built-in providers, but plugins are never imported: a fuzzed `plugins:` could name any module. */
class FuzzRegistry extends Registry {
  override async addPlugins(specifiers: readonly string[]): Promise<void> {
    const message = `plugin ${specifiers.join(", ")} is not loaded while fuzzing`;
    throw new ManifestError(message, [{ severity: "error", code: "plugin-load", message, path: "plugins" }]);
  }
}
const builtins: Record<string, ProviderLoader> = {};
const real = createBuiltinRegistry();
for (const id of real.ids()) builtins[id] = () => real.provider(id);

let dir: string;
let fixtures: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apiship-fuzz-"));
  const names = (await readdir(validDir)).filter((f) => f.endsWith(".yaml")).sort();
  fixtures = await Promise.all(names.map((f) => readFile(join(validDir, f), "utf8")));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
/** Loads the bytes as a manifest file; fails on anything but a Manifest or a well-formed ManifestError. */
async function loadsOrExplains(bytes: string | Uint8Array): Promise<void> {
  const file = join(dir, `m${counter++ % 8}.yaml`);
  await writeFile(file, bytes);
  try {
    const { manifest } = await loadManifest(file, {
      registry: new FuzzRegistry(builtins),
      environ: { GIT_SHA: "abc" },
    });
    expect(Array.isArray(manifest.stacks)).toBe(true);
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    const errors = e.diagnostics.filter((d) => d.severity === "error");
    expect(errors.length).toBeGreaterThan(0);
    for (const d of e.diagnostics) {
      expect(d.file).toBe(file);
      expect(typeof d.message).toBe("string");
      expect(typeof d.path).toBe("string");
    }
  }
}

/** Choices inside one mutation, drawn from the seed fast-check generated (mulberry32), so they shrink and replay. */
class Rng {
  constructor(private state: number) {}
  nextInt(min: number, max: number): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return min + Math.floor(u * (max - min + 1));
  }
}

type Mutation = (text: string, rnd: Rng) => string | Uint8Array;

const pick = <T>(items: readonly T[], rnd: Rng): T => items[rnd.nextInt(0, items.length - 1)] as T;

/** Every path to a value inside a plain JSON-ish value. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function edit(
  text: string,
  rnd: Rng,
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
): string {
  const value = parseManifestText(text, "fixture.yaml").value;
  const candidates = paths(value).filter((p) => p.length > 0);
  const path = pick(candidates, rnd);
  let parent: unknown = value;
  for (const seg of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[seg];
  change(parent as Record<string | number, unknown>, path[path.length - 1] as string | number);
  return stringify(value);
}

const SCALARS: unknown[] = [null, true, 0, -1, 1.5, 1e9, "", "text", "${env:NOPE}", [], {}, ["a"], { k: 1 }];

const mutations: Record<string, Mutation> = {
  deleteKey: (t, rnd) =>
    edit(t, rnd, (parent, key) => {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    }),
  changeType: (t, rnd) =>
    edit(t, rnd, (parent, key) => {
      parent[key] = pick(SCALARS, rnd);
    }),
  duplicateLine: (t, rnd) => {
    const lines = t.split("\n");
    const i = rnd.nextInt(0, lines.length - 1);
    lines.splice(i, 0, lines[i] ?? "");
    return lines.join("\n");
  },
  truncate: (t, rnd) => t.slice(0, rnd.nextInt(0, t.length)),
  insertBytes: (t, rnd) => {
    const bytes = Buffer.from(t, "utf8");
    const at = rnd.nextInt(0, bytes.length);
    const noise = Buffer.from(Array.from({ length: rnd.nextInt(1, 8) }, () => rnd.nextInt(0, 255)));
    return Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)]);
  },
};

describe("manifest fuzzing", () => {
  it("arbitrary text", async () => {
    const yamlish = fc.stringMatching(/^[\t\n -~]{0,200}$/);
    const text = fc.oneof(
      fc.string({ maxLength: 300, unit: "grapheme" }),
      yamlish,
      fc.string({ unit: "binary" }),
    );
    await fc.assert(fc.asyncProperty(text, loadsOrExplains), params);
  });

  it("YAML made from random JSON values", async () => {
    const asManifest = fc.record(
      {
        apiVersion: fc.constantFrom("apiship/v1", "apiship/v2", 1),
        name: fc.oneof(fc.constantFrom("api", "Bad Name"), fc.string()),
        service: fc.jsonValue(),
        targets: fc.jsonValue(),
        environments: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const doc = fc.oneof(fc.jsonValue(), asManifest);
    await fc.assert(
      fc.asyncProperty(doc, (v) => loadsOrExplains(stringify(v))),
      params,
    );
  });

  it("mutations of the valid fixtures", async () => {
    const mutation = fc.constantFrom(...Object.keys(mutations));
    const arb = fc.tuple(fc.nat(), mutation, fc.integer(), fc.integer({ min: 1, max: 3 }));
    await fc.assert(
      fc.asyncProperty(arb, async ([fixture, name, seed, times]) => {
        let out: string | Uint8Array = fixtures[fixture % fixtures.length] as string;
        const rnd = new Rng(seed);
        for (let i = 0; i < times && typeof out === "string"; i++) {
          const m = mutations[name] as Mutation;
          // A mutation that edits the parsed value needs text that still parses.
          try {
            out = m(out, rnd);
          } catch (e) {
            if (!(e instanceof ManifestError)) throw e;
          }
        }
        await loadsOrExplains(out);
      }),
      params,
    );
  });
});
