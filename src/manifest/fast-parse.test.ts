import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { createBuiltinRegistry } from "../../providers/index.js";
import { BAIL, fastParser, INVALID } from "./fast-parse.js";
import { parseWith } from "./issues.js";
import { deepMerge, isPlainObject } from "./merge.js";
import { documentSchema, targetBaseSchema, validationEnvironmentSchema } from "./schema.js";
import { resourcesSchema, scalingSchema, serviceSchema } from "./service-schema.js";
import { fastParse } from "./yaml-fast.js";

const root = join(import.meta.dirname, "..", "..");

type Verdict = "output" | "invalid" | "bail";

/**
 * Runs the fast path and zod on one value and holds them to agree: an output is zod's success
 * with the same output (keys, undefined members and prototypes included), INVALID is zod's
 * failure. BAIL leaves the value to zod and asserts nothing.
 */
function agree(schema: z.ZodType, value: unknown): Verdict {
  const fast = fastParser(schema);
  if (!fast) throw new Error("no fast path for this schema");
  const zod = schema.safeParse(value, { jitless: true });
  let out: unknown;
  try {
    out = fast(value);
  } catch {
    return "bail";
  }
  if (out === BAIL) return "bail";
  if (out === INVALID) {
    expect(zod.success, `zod accepts what the fast path refuses: ${show(value)}`).toBe(false);
    return "invalid";
  }
  expect(zod.success, `zod refuses what the fast path accepts: ${show(value)}`).toBe(true);
  expect(out).toStrictEqual(zod.data);
  return "output";
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function shippedDocuments(): Record<string, unknown>[] {
  const dirs = ["fixtures/manifests/valid", "fixtures/manifests/invalid"];
  const files = [
    ...readdirSync(join(root, "examples")).map((d) => join(root, "examples", d, "apiship.yaml")),
    ...dirs.flatMap((d) =>
      readdirSync(join(root, d))
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => join(root, d, f)),
    ),
  ];
  const docs: Record<string, unknown>[] = [];
  for (const file of files) {
    try {
      const doc = fastParse(readFileSync(file, "utf8"));
      if (isPlainObject(doc)) docs.push(doc);
    } catch {
      // A fixture that is not YAML (or not a mapping) has no sections to parse.
    }
  }
  return docs;
}

const registry = createBuiltinRegistry();
const platformOptions = async (): Promise<Map<string, z.ZodType>> => {
  const out = new Map<string, z.ZodType>();
  for (const mod of await registry.all()) {
    for (const [name, t] of Object.entries(mod.targets)) out.set(`${mod.id}/${name}`, t.options as z.ZodType);
  }
  return out;
};

/** Every section validate.ts parses, from every shipped manifest, with the schema it goes to. */
async function shippedCases(): Promise<{ schema: z.ZodType; value: unknown; valid: boolean }[]> {
  const options = await platformOptions();
  const cases: { schema: z.ZodType; value: unknown; valid: boolean }[] = [];
  for (const doc of shippedDocuments()) {
    const add = (schema: z.ZodType, value: unknown) =>
      cases.push({ schema, value, valid: schema.safeParse(value).success });
    add(documentSchema, doc);
    const services = [doc.service];
    for (const env of isPlainObject(doc.environments) ? Object.values(doc.environments) : []) {
      add(validationEnvironmentSchema, env);
      if (isPlainObject(env) && env.service !== undefined) services.push(deepMerge(doc.service, env.service));
    }
    for (const service of services) {
      add(serviceSchema, service);
      if (isPlainObject(service)) {
        add(scalingSchema, service.scaling);
        add(resourcesSchema, service.resources);
        add(serviceSchema.shape.timeout, service.timeout);
      }
    }
    for (const target of isPlainObject(doc.targets) ? Object.values(doc.targets) : []) {
      add(targetBaseSchema, target);
      if (!isPlainObject(target)) continue;
      const { provider: _p, platform: _t, health: _h, ...rest } = target;
      // Every platform's options, not only its own: most of those are failures to agree on.
      for (const schema of options.values()) add(schema, rest);
    }
  }
  return cases;
}

describe("fastParser on the manifest's schemas", () => {
  it("has a fast path for every schema validation parses", async () => {
    const schemas = [
      documentSchema,
      targetBaseSchema,
      validationEnvironmentSchema,
      serviceSchema,
      scalingSchema,
    ];
    for (const s of [...schemas, ...(await platformOptions()).values()]) expect(fastParser(s)).toBeDefined();
  });

  it("agrees with zod on every section of every shipped manifest, and serves each valid one", async () => {
    const cases = await shippedCases();
    const verdicts = { output: 0, invalid: 0, bail: 0 };
    for (const c of cases) {
      const v = agree(c.schema, c.value);
      verdicts[v]++;
      // A valid section zod accepts must not fall back to zod: that is the whole point.
      if (c.valid) expect(v, JSON.stringify(c.value)).toBe("output");
    }
    expect(verdicts.output).toBeGreaterThan(200);
    expect(verdicts.invalid).toBeGreaterThan(200);
  });

  it("agrees with zod on mutated sections", async () => {
    const cases = (await shippedCases()).filter((c) => c.valid && isPlainObject(c.value));
    const leaf = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer({ min: -2, max: 70000 }),
      fc.double({ noNaN: false }),
      fc.boolean(),
      fc.constantFrom("", " x ", "5s", "-1", "/healthz", "us-east-1", "ghcr.io/a/b:1", "env:TOKEN", "A B"),
      fc.constant([]),
      fc.constant({}),
      fc.array(fc.string(), { maxLength: 2 }),
    );
    const mutation = fc.record({
      at: fc.array(fc.nat(), { maxLength: 3 }),
      kind: fc.constantFrom("set", "delete", "add"),
      value: leaf,
      key: fc.constantFrom("extra", "__proto__", "min", "image", "TOKEN", "constructor"),
    });
    const verdicts = { output: 0, invalid: 0, bail: 0 };
    fc.assert(
      fc.property(
        fc.nat({ max: cases.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (i, ms) => {
          const c = cases[i];
          if (!c) return;
          const value = structuredClone(c.value) as Record<string, unknown>;
          // Fresh copies: fast-check hands the same constant objects to every run.
          for (const m of ms) mutate(value, { ...m, value: structuredClone(m.value) });
          verdicts[agree(c.schema, value)]++;
        },
      ),
      { numRuns: 1500 },
    );
    expect(verdicts.output).toBeGreaterThan(100);
    expect(verdicts.invalid).toBeGreaterThan(100);
  });

  it("gives parseWith zod's output for a valid value and zod's issues for an invalid one", () => {
    const ok = parseWith(scalingSchema, { min: 1 });
    expect(ok).toEqual({ ok: true, data: { min: 1, max: 10 }, issues: [] });
    const bad = parseWith(scalingSchema, { min: -1, extra: 1 });
    expect(bad.ok).toBe(false);
    expect(bad.issues.map((i) => i.code).sort()).toEqual(["too_small", "unrecognized_keys"]);
  });
});

/** Walks `at` (indexes into each level's keys) as far as it goes, then sets, deletes or adds a key there. */
function mutate(
  value: Record<string, unknown>,
  m: { at: number[]; kind: string; value: unknown; key: string },
): void {
  let node: Record<string, unknown> = value;
  let key: string | undefined;
  for (const n of m.at) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    key = keys[n % keys.length] as string;
    const next = node[key];
    if (!isPlainObject(next)) break;
    node = next;
    key = undefined;
  }
  const target = key ?? Object.keys(node)[0];
  if (m.kind === "add")
    Object.defineProperty(node, m.key, {
      value: m.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else if (target !== undefined && m.kind === "delete") delete node[target];
  else if (target !== undefined) node[target] = m.value;
}

describe("fastParser follows zod, type by type", () => {
  const cases: [string, z.ZodType, unknown[]][] = [
    ["string with a trim and a length", z.string().trim().min(2), ["ab", " ab ", " a ", 1, undefined]],
    ["a string format", z.url(), ["https://a.example/x", "nope", 3]],
    ["number", z.number(), [1.5, Infinity, -Infinity, Number.NaN, "1"]],
    ["int", z.number().int().min(0), [0, 1.5, -1, "1"]],
    ["boolean", z.boolean(), [true, "true", 0]],
    ["enum and literal", z.union([z.enum(["a", "b"]), z.literal(3)]), ["a", "c", 3, 4]],
    ["array with a length", z.array(z.string()).min(1), [[], ["a"], ["a", 1], "a"]],
    [
      "optional, default and prefault fields",
      z.strictObject({
        o: z.string().optional(),
        d: z.number().default(5),
        p: z.strictObject({ x: z.number().default(1) }).prefault({}),
        od: z.number().default(2).optional(),
        u: z.unknown(),
      }),
      [
        {},
        { o: undefined },
        { o: "x", d: undefined },
        { p: undefined, od: undefined },
        { u: undefined },
        { d: "x" },
        { extra: 1 },
        [],
      ],
    ],
    [
      "strip, loose and strict objects",
      z.union([
        z.strictObject({ a: z.literal(1) }),
        z.looseObject({ b: z.literal(2) }),
        z.object({ c: z.literal(3) }),
      ]),
      [{ a: 1 }, { a: 1, z: 0 }, { b: 2, z: 0 }, { c: 3, z: 0 }, { z: 0 }],
    ],
    ["nullable", z.number().nullable(), [null, 1, undefined]],
    [
      "a union takes its first success",
      z.union([z.string().transform((s) => s.length), z.string()]),
      ["abc", 1],
    ],
    [
      "pipe and transform",
      z
        .string()
        .pipe(z.string().min(2))
        .transform((s) => `<${s}>`),
      ["ab", "a", 1],
    ],
    [
      "a transform that adds an issue",
      z.string().transform((s, ctx) => (s === "x" ? (ctx.addIssue("no"), s) : s)),
      ["x", "y"],
    ],
    [
      "refine and superRefine",
      z
        .number()
        .refine((n) => n % 2 === 0)
        .superRefine((n, ctx) => void (n > 10 && ctx.addIssue({ code: "custom", message: "big" }))),
      [2, 3, 12],
    ],
    ["record", z.record(z.string().regex(/^[a-z]+$/), z.number()), [{ a: 1 }, { a: "x" }, {}, { A: 1 }, []]],
    [
      "object-level refine",
      z.strictObject({ a: z.number(), b: z.number() }).refine((o) => o.a < o.b),
      [
        { a: 1, b: 2 },
        { a: 2, b: 1 },
      ],
    ],
  ];
  const shared = z.number().int().min(1);
  cases.push([
    "one schema in two places",
    z.strictObject({ a: shared, b: z.array(shared).optional() }),
    [{ a: 1, b: [2, 3] }, { a: 1, b: [0] }, { a: 1.5 }],
  ]);
  for (const [name, schema, values] of cases) {
    it(name, () => {
      const verdicts = values.map((v) => agree(schema, v));
      // Each case has values of both kinds, so both sides of the comparison ran.
      expect(verdicts).toContain("output");
      expect(verdicts.some((v) => v !== "output")).toBe(true);
    });
  }

  it("leaves a record key zod might still accept to zod", () => {
    expect(agree(z.record(z.string().regex(/^[a-z]+$/), z.number()), { A: 1 })).toBe("bail");
  });

  it("follows a lazy, recursive schema", () => {
    type Tree = { name: string; children?: Tree[] };
    const tree: z.ZodType<Tree> = z.strictObject({
      name: z.string(),
      children: z.array(z.lazy(() => tree)).optional(),
    });
    expect(agree(tree, { name: "a", children: [{ name: "b" }, { name: "c", children: [] }] })).toBe("output");
    expect(agree(tree, { name: "a", children: [{ name: 1 }] })).toBe("invalid");
  });

  it("has no fast path for a type it does not follow", () => {
    expect(fastParser(z.date())).toBeUndefined();
    expect(fastParser(z.strictObject({ when: z.date() }))).toBeUndefined();
    expect(fastParser(z.discriminatedUnion("k", [z.object({ k: z.literal("a") })]))).toBeUndefined();
    expect(fastParser(z.string().catch("x"))).toBeUndefined();
    expect(fastParser(z.coerce.number())).toBeUndefined();
  });
});
