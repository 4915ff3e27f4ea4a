import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  canonicalJson,
  diffAttributes,
  diffValues,
  flattenLeaves,
  joinPath,
  pathMatches,
  pathOverlaps,
  sortKeys,
} from "./diff.js";

describe("paths", () => {
  it("dots plain keys and brackets keys that contain dots or other characters", () => {
    expect(joinPath("", "env")).toBe("env");
    expect(joinPath("env", "LOG_LEVEL")).toBe("env.LOG_LEVEL");
    expect(joinPath("labels", "apiship.io/stack")).toBe('labels["apiship.io/stack"]');
    expect(joinPath("args", 2)).toBe("args.2");
  });

  it("matches a path against itself and its ancestors only", () => {
    expect(pathMatches("secrets.A", ["secrets"])).toBe(true);
    expect(pathMatches("secrets", ["secrets"])).toBe(true);
    expect(pathMatches("secretsX", ["secrets"])).toBe(false);
    expect(pathMatches('labels["a.b"]', ["labels"])).toBe(true);
    expect(pathMatches("secrets", ["secrets.A"])).toBe(false);
    expect(pathOverlaps("secrets", ["secrets.A"])).toBe(true);
  });
});

describe("diffValues", () => {
  it("reports nested changes, additions and removals by dotted path, sorted", () => {
    const before = { memory: 512, env: { A: "1", B: "2" }, tags: ["x"] };
    const after = { memory: 1024, env: { A: "1", C: "3" }, tags: ["x"] };
    expect(diffValues(before, after)).toEqual([
      { path: "env.B", before: "2", after: undefined },
      { path: "env.C", before: undefined, after: "3" },
      { path: "memory", before: 512, after: 1024 },
    ]);
  });

  it("compares arrays whole by default and element by element on request", () => {
    const before = { args: ["a", "b"] };
    const after = { args: ["a", "c"] };
    expect(diffValues(before, after)).toEqual([{ path: "args", before: ["a", "b"], after: ["a", "c"] }]);
    expect(diffValues(before, after, { arrays: "index" })).toEqual([
      { path: "args.1", before: "b", after: "c" },
    ]);
  });

  it("ignores key order", () => {
    expect(diffValues({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toEqual([]);
  });

  it("finds no difference exactly when the canonical JSON is equal", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const same = canonicalJson(a) === canonicalJson(b);
        expect(diffValues(a, b).length === 0).toBe(same);
        expect(diffValues(a, a)).toEqual([]);
      }),
    );
  });

  it("flattens to leaves whose paths diff reports for a creation", () => {
    const v = { a: { b: 1, c: [1, 2] }, d: {} };
    expect(flattenLeaves(v)).toEqual([
      { path: "a.b", value: 1 },
      { path: "a.c", value: [1, 2] },
      { path: "d", value: {} },
    ]);
    expect(diffValues({}, v).map((c) => c.path)).toEqual(["a", "d"]);
  });
});

describe("diffAttributes", () => {
  const opts = { sensitive: ["secrets.TOKEN"], forcesReplace: ["runtime"] };

  it("creates, deletes and leaves alone", () => {
    expect(diffAttributes(null, { runtime: "node20" }, opts).action).toBe("create");
    expect(diffAttributes({ runtime: "node20" }, undefined, opts).action).toBe("delete");
    expect(diffAttributes({ runtime: "node20" }, { runtime: "node20" }, opts)).toEqual({
      action: "no-op",
      changedPaths: [],
      replacePaths: [],
      sensitivePaths: [],
    });
  });

  it("updates in place unless a forcing attribute changed", () => {
    const d = diffAttributes({ runtime: "node20", memory: 128 }, { runtime: "node20", memory: 256 }, opts);
    expect(d).toMatchObject({ action: "update", changedPaths: ["memory"], replacePaths: [] });
    const r = diffAttributes({ runtime: "node20", memory: 128 }, { runtime: "node22", memory: 256 }, opts);
    expect(r).toMatchObject({
      action: "replace",
      changedPaths: ["memory", "runtime"],
      replacePaths: ["runtime"],
    });
  });

  it("forces a replace when a forcing path appears inside an attribute that was absent", () => {
    const r = diffAttributes({ name: "x" }, { name: "x", vpc: { id: "v1" } }, { forcesReplace: ["vpc.id"] });
    expect(r.action).toBe("replace");
    expect(r.replacePaths).toEqual(["vpc.id"]);
  });

  it("lists the sensitive paths that are present, so a changed secret hash is an update", () => {
    const d = diffAttributes(
      { secrets: { TOKEN: "hmac-sha256:aa" } },
      { secrets: { TOKEN: "hmac-sha256:bb" } },
      opts,
    );
    expect(d).toMatchObject({
      action: "update",
      changedPaths: ["secrets.TOKEN"],
      sensitivePaths: ["secrets.TOKEN"],
    });
    expect(diffAttributes({ a: 1 }, { a: 2 }, opts).sensitivePaths).toEqual([]);
  });

  it("finds sensitive paths exactly as matching every leaf of both sides would", () => {
    // The reference: flatten everything, keep the paths that overlap a leaf.
    const reference = (paths: string[], values: (Record<string, unknown> | undefined)[]) => {
      const leaves = values.flatMap((v) => flattenLeaves(v, { arrays: "index" }));
      return [...new Set(paths.filter((p) => leaves.some((l) => pathOverlaps(l.path, [p]))))].sort();
    };
    const key = fc.constantFrom("secrets", "env", "a.b", "TOKEN", "x y", "0", "");
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom(1, "s", null, true),
        fc.array(tie("node"), { maxLength: 2 }),
        fc.dictionary(key, tie("node"), { maxKeys: 3 }),
      ),
    })).node;
    const side = fc.option(fc.dictionary(key, value, { maxKeys: 4 }), { nil: undefined });
    const path = fc
      .array(fc.oneof(key, fc.nat(2)), { minLength: 0, maxLength: 3 })
      .map((parts) => parts.reduce<string>((p, k) => joinPath(p, k), ""));
    fc.assert(
      fc.property(side, side, fc.array(path, { maxLength: 4 }), (before, after, sensitive) => {
        const got = diffAttributes(before, after, { sensitive, arrays: "index" }).sensitivePaths;
        expect(got).toEqual(reference(sensitive, [before, after]));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("sortKeys", () => {
  // The copying version it replaced, as the reference.
  const copySorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(copySorted);
    if (typeof v !== "object" || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = copySorted(x);
    }
    return out;
  };

  it("gives what sorting a copy gives, key order included", () => {
    const json = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom(1, "s", null, true, undefined),
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom("b", "a", "c", "0", "10", "B"), tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(json, (v) => {
        const got = sortKeys(v);
        expect(got).toStrictEqual(copySorted(v));
        expect(JSON.stringify(got)).toBe(JSON.stringify(copySorted(v)));
      }),
      { numRuns: 2000 },
    );
  });

  it("returns a value already sorted as it is, and copies only what needs sorting", () => {
    const inner = { a: 1, b: [1, { c: 2 }] };
    const sorted = { a: inner, z: "x" };
    expect(sortKeys(sorted)).toBe(sorted);
    const unsorted = { z: "x", a: inner };
    const out = sortKeys(unsorted);
    expect(out).not.toBe(unsorted);
    expect(Object.keys(out)).toEqual(["a", "z"]);
    expect(out.a).toBe(inner);
    expect(unsorted).toEqual({ z: "x", a: inner });
  });

  it("drops undefined members and turns class instances into plain objects, as JSON would not", () => {
    const withUndefined = { a: 1, b: undefined };
    expect(Object.keys(sortKeys(withUndefined))).toEqual(["a"]);
    expect(sortKeys({ at: new Date(0) })).toStrictEqual({ at: {} });
  });
});
