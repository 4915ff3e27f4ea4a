import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseManifestText } from "./yaml.js";
import { fastParse } from "./yaml-fast.js";

// What the `yaml` path makes of the text (yaml.ts's options, without the diagnostics).
const slow = (text: string): unknown => parse(text, { merge: true, uniqueKeys: true, logLevel: "silent" });

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(e.name) ? [path] : [];
  });
}

describe("fastParse reads plain YAML exactly as the yaml library does", () => {
  it("agrees on every YAML file of the repository it accepts", () => {
    const files = ["examples", "test", "fixtures"].flatMap((d) => yamlFiles(d));
    expect(files.length).toBeGreaterThan(20);
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const fast = fastParse(text);
      if (fast === undefined) continue;
      compared++;
      expect(fast, file).toEqual(slow(text));
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("types plain scalars with the YAML 1.2 core schema of the yaml library", () => {
    const forms = [
      "1_000",
      "0b101",
      "0o17",
      "017",
      "0x1F",
      "0X1F",
      "+12",
      "-0",
      "1e3",
      "1E3",
      ".5",
      "5.",
      "+.5",
      "-.5",
      "+0o7",
      ".inf",
      "-.Inf",
      "+.INF",
      ".NaN",
      "~",
      "null",
      "Null",
      "NULL",
      "",
      "true",
      "True",
      "TRUE",
      "yes",
      "no",
      "on",
      "off",
      "2024-01-01",
      "12:30:00",
      "1:20",
      "0.10",
      "1.0",
      "08",
      "1e",
      "12e03",
      "=",
      "'x'",
      '"x\\ty"',
      '"\\u00e9"',
      "a b  c",
      "|\n  x\n  y",
      ">-\n  x\n  y",
      "'it''s'",
      "x #c",
      "x#c",
      "[1, 2,]",
      "{b: 1,}",
      "[]",
      "{}",
    ];
    for (const f of forms) {
      const text = `k: ${f}\n`;
      const fast = fastParse(text);
      expect(fast, text).toBeDefined();
      expect(fast, text).toEqual(slow(text));
    }
  });

  it("leaves anchors, aliases, tags, directives, merge keys, complex and null keys, errors to the yaml path", () => {
    const slowOnes = [
      "a: &x 1\nb: *x\n",
      "a: !foo x\n",
      "%YAML 1.1\n---\na: 1\n",
      "<<: {a: 1}\nb: 2\n",
      "? a\n: 1\n",
      "[a]: 1\n",
      "{[a]: 1}\n",
      "null: x\n",
      "~: x\n",
      "a: 1\na: 2\n",
      "a: 1\n---\nb: 2\n",
      "a:\n\tb: 1\n",
      "- a\n- b\n",
      "just a string\n",
      "",
      "__proto__: {a: 1}\n",
    ];
    for (const text of slowOnes) expect(fastParse(text), JSON.stringify(text)).toBeUndefined();
  });

  it("agrees with the yaml library on generated documents in every scalar and collection style", () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.constantFrom("0b1", "+.5", "0o7", "0x1f", "1e3", "~", "TRUE", "yes", "1_0", ".nan", "-.inf", "08"),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const key = fc.string({ minLength: 1 }).filter((k) => !/^(?:~|null|Null|NULL)$/.test(k));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, scalar, tie("list"), tie("map")),
      list: fc.array(tie("node"), { maxLength: 4 }),
      map: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
    }));
    const doc = fc.dictionary(key, value.node, { minKeys: 1, maxKeys: 5 });
    const style = fc.record({
      collectionStyle: fc.constantFrom("any", "block", "flow") as fc.Arbitrary<"any" | "block" | "flow">,
      defaultStringType: fc.constantFrom(
        "PLAIN",
        "QUOTE_DOUBLE",
        "QUOTE_SINGLE",
        "BLOCK_LITERAL",
      ) as fc.Arbitrary<"PLAIN" | "QUOTE_DOUBLE" | "QUOTE_SINGLE" | "BLOCK_LITERAL">,
    });
    fc.assert(
      fc.property(doc, style, (d, s) => {
        const text = stringify(d, s);
        const fast = fastParse(text);
        if (fast !== undefined) expect(fast).toEqual(slow(text));
      }),
      { numRuns: 400 },
    );
  });
});

describe("parseManifestText on the fast path", () => {
  it("still reports positions, parsing again only when one is asked for", () => {
    const text = "apiVersion: apiship/v1\nname: demo\nservice:\n  container:\n    port: '8080'\n";
    const parsed = parseManifestText(text, "apiship.yaml");
    expect(parsed.value).toEqual(slow(text));
    expect(parsed.positions.get("service.container.port")).toEqual({
      value: { line: 5, column: 11 },
      key: { line: 5, column: 5 },
      kind: "scalar",
      plain: false,
    });
    expect(parsed.positions.nearest("service.container.image")?.path).toBe("service.container");
  });
});
