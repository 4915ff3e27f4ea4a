import { describe, expect, it } from "vitest";
import { z } from "zod";
import { closest, didYouMean, formatPath, levenshtein, own, parseWith, toDiagnostics } from "./issues.js";

describe("formatPath", () => {
  it("joins keys with dots and indexes in brackets", () => {
    expect(formatPath(["targets", "lambda", "region"])).toBe("targets.lambda.region");
    expect(formatPath(["environments", "production", "targets", 1])).toBe(
      "environments.production.targets[1]",
    );
    expect(formatPath([])).toBe("");
  });
});

describe("suggestions", () => {
  it("measures edit distance", () => {
    expect(levenshtein("regoin", "region")).toBe(2);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("same", "same")).toBe(0);
  });

  it("suggests only plausible typos", () => {
    expect(closest("regoin", ["region", "profile"])).toBe("region");
    expect(closest("zzzzzz", ["region", "profile"])).toBeUndefined();
    expect(didYouMean("Region", ["region"])).toBe(' (did you mean "region"?)');
    expect(didYouMean("x", [])).toBe("");
  });
});

describe("toDiagnostics", () => {
  const schema = z.strictObject({
    port: z.number().int().min(1),
    mode: z.enum(["a", "b"]),
    tag: z.string().regex(/^v\d+$/, own("must look like v1", 'e.g. "v2"')),
    nested: z.strictObject({ keep: z.boolean() }),
  });
  const locate = (p: readonly (string | number)[]) => ["service", ...p];

  it("rewrites each issue as a sentence with a hint, at the located path", () => {
    const r = parseWith(schema, { port: 0, mode: "c", tag: "1", nested: { keep: true, kep: 1 }, extra: 1 });
    expect(r.ok).toBe(false);
    const diags = toDiagnostics(r.issues, { file: "f.yaml", locate });
    const byPath = Object.fromEntries(diags.map((d) => [d.path, d]));
    expect(byPath["service.port"]?.message).toBe("service.port must be at least 1 (it is 0)");
    expect(byPath["service.mode"]?.message).toBe('service.mode "c" is not one of a, b');
    expect(byPath["service.tag"]).toMatchObject({
      message: 'service.tag "1" must look like v1',
      hint: 'e.g. "v2"',
    });
    expect(byPath["service.nested.kep"]?.message).toBe(
      'unknown key "kep" in service.nested (did you mean "keep"?)',
    );
    expect(byPath["service.extra"]?.hint).toBe("service takes: port, mode, tag, nested");
    for (const d of diags) {
      expect(d).toMatchObject({ severity: "error", file: "f.yaml" });
      expect(d.message).not.toMatch(/Invalid input|expected .* received/);
      expect(d.hint).toBeTruthy();
    }
  });

  it("never prints values under env or secrets", () => {
    const env = z.strictObject({ env: z.record(z.string(), z.enum(["x"])) });
    const r = parseWith(env, { env: { TOKEN: "supersecretvalue" } });
    const [d] = toDiagnostics(r.issues, { file: "f", locate: (p) => [...p] });
    expect(d?.path).toBe("env.TOKEN");
    expect(d?.message).not.toContain("supersecretvalue");
  });
});
