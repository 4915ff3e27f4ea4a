import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManifestError } from "../errors.js";
import type { Diagnostic } from "../errors.js";
import {
  MAX_ALIAS_COUNT,
  MAX_MANIFEST_BYTES,
  MAX_NESTING,
  invalidUtf8Offset,
  parseManifestText,
  readManifestFile,
} from "./yaml.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apiship-yaml-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<ManifestError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return e as ManifestError;
  }
  throw new Error("expected a ManifestError");
}

function only(e: ManifestError): Diagnostic {
  const errors = e.diagnostics.filter((d) => d.severity === "error");
  expect(errors).toHaveLength(1);
  return errors[0] as Diagnostic;
}

describe("readManifestFile", () => {
  it("reads a UTF-8 file and drops a BOM", async () => {
    const file = join(dir, "bom.yaml");
    await writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("name: café\n")]));
    const { text, bytes } = await readManifestFile(file);
    expect(text).toBe("name: café\n");
    expect(bytes).toHaveLength(3 + Buffer.byteLength("name: café\n"));
    expect(parseManifestText(text, file).value).toEqual({ name: "café" });
  });

  it("accepts a file of exactly the limit and refuses one byte more, saying both sizes", async () => {
    const ok = join(dir, "limit.yaml");
    await writeFile(ok, "a: " + "x".repeat(MAX_MANIFEST_BYTES - 4) + "\n");
    expect((await readManifestFile(ok)).text).toHaveLength(MAX_MANIFEST_BYTES);
    const big = join(dir, "big.yaml");
    await writeFile(big, "a: " + "x".repeat(MAX_MANIFEST_BYTES - 3) + "\n");
    const d = only(await rejection(readManifestFile(big)));
    expect(d.code).toBe("file-too-large");
    expect(d.message).toContain(String(MAX_MANIFEST_BYTES + 1));
    expect(d.message).toContain(String(MAX_MANIFEST_BYTES));
    expect(d.file).toBe(big);
  });

  it("refuses bad UTF-8 naming the byte, its offset and its line, and suggests re-saving", async () => {
    const file = join(dir, "latin1.yaml");
    await writeFile(
      file,
      Buffer.concat([Buffer.from("name: api\ndescription: caf"), Buffer.from([0xe9]), Buffer.from("\n")]),
    );
    const d = only(await rejection(readManifestFile(file)));
    expect(d.code).toBe("not-utf8");
    expect(d.message).toContain("0xE9");
    expect(d.message).toContain("byte offset 26");
    expect(d.line).toBe(2);
    expect(d.column).toBe(17);
    expect(d.hint).toMatch(/UTF-8/);
  });

  it("refuses a missing file and a directory with a hint", async () => {
    const missing = only(await rejection(readManifestFile(join(dir, "nope.yaml"))));
    expect(missing.code).toBe("file-not-found");
    expect(missing.hint).toMatch(/-f FILE/);
    const sub = join(dir, "sub");
    await mkdir(sub);
    expect(only(await rejection(readManifestFile(sub))).code).toBe("not-a-file");
  });
});

describe("invalidUtf8Offset", () => {
  const cases: [number[], number][] = [
    [[0x61, 0x62], -1],
    [[0xc3, 0xa9], -1],
    [[0xf0, 0x9f, 0x98, 0x80], -1],
    [[0x61, 0xc0, 0xaf], 1], // overlong "/"
    [[0xed, 0xa0, 0x80], 0], // UTF-16 surrogate
    [[0x61, 0x62, 0xe2, 0x82], 2], // truncated at end of input
    [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    [[0x61, 0x80], 1], // lone continuation byte
  ];
  it.each(cases)("%j → %i", (bytes, offset) => {
    expect(invalidUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
    // The scanner must agree with the platform's decoder on what is valid.
    const valid = (() => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
        return true;
      } catch {
        return false;
      }
    })();
    expect(valid).toBe(offset === -1);
  });
});

describe("parseManifestText", () => {
  it("reports a duplicate key at the second occurrence, naming the first", async () => {
    const e = await rejection(() => parseManifestText("name: a\nservice:\n  env: {}\n  env: {}\n", "m.yaml"));
    const d = only(e);
    expect(d).toMatchObject({ code: "duplicate-key", line: 4, column: 3, file: "m.yaml" });
    expect(d.message).toBe('duplicate key "env" (first defined on line 3)');
  });

  it("refuses the billion-laughs alias bomb quickly with a clear message", async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, cur] of [..."abcdefgh"].map((c, i) => [c, "bcdefghi"[i]])) {
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const d = only(await rejection(() => parseManifestText(lines.join("\n") + "\n", "bomb.yaml")));
    expect(d.code).toBe("alias-limit");
    expect(d.message).toContain(String(MAX_ALIAS_COUNT));
    expect(d).toMatchObject({ line: 2, column: 8 });
  });

  it("allows aliases within bounds and expands them", () => {
    const text = "base: &base { memory: 512 }\na: *base\nb: *base\nlist: &l [1, 2]\nc: *l\n";
    const { value, positions } = parseManifestText(text, "m.yaml");
    expect(value).toEqual({
      base: { memory: 512 },
      a: { memory: 512 },
      b: { memory: 512 },
      list: [1, 2],
      c: [1, 2],
    });
    expect(positions.get("b")?.kind).toBe("alias");
    expect(positions.nearest("b.memory")?.path).toBe("b");
  });

  it("supports merge keys, with keys of the mapping winning", () => {
    const text =
      "targets:\n  us: &us { provider: aws, region: us-east-1 }\n  eu:\n    <<: *us\n    region: eu-west-1\n";
    const { value } = parseManifestText(text, "m.yaml");
    expect(value).toEqual({
      targets: { us: { provider: "aws", region: "us-east-1" }, eu: { provider: "aws", region: "eu-west-1" } },
    });
  });

  it("reports unresolved and circular aliases at the alias", async () => {
    const e = await rejection(() => parseManifestText("a: *nope\nb: &b { c: *b }\n", "m.yaml"));
    expect(e.diagnostics.map((d) => [d.code, d.line, d.column, d.path])).toEqual([
      ["unresolved-alias", 1, 4, "a"],
      ["circular-alias", 2, 12, "b.c"],
    ]);
  });

  it("refuses several documents in one file", async () => {
    const d = only(await rejection(() => parseManifestText("name: a\n---\nname: b\n", "m.yaml")));
    expect(d).toMatchObject({ code: "multi-document", line: 2, column: 1 });
    expect(d.hint).toMatch(/---/);
  });

  it("positions syntax errors and strips yaml's own excerpt from the message", async () => {
    const e = await rejection(() => parseManifestText("name: a\nservice:\n\tenv: {}\n", "m.yaml"));
    const d = e.diagnostics[0] as Diagnostic;
    expect(d).toMatchObject({ code: "yaml-syntax", line: 3, column: 1 });
    expect(d.message).not.toMatch(/at line|\n/);
    expect(d.hint).toMatch(/tabs/);
    const flow = only(await rejection(() => parseManifestText("a: [1, 2\nb: 3\n", "m.yaml")));
    expect(flow).toMatchObject({ code: "yaml-syntax", line: 2, column: 1 });
  });

  it("refuses an empty document and a non-mapping top level", async () => {
    expect(only(await rejection(() => parseManifestText("# nothing\n", "m.yaml"))).code).toBe(
      "empty-document",
    );
    const list = only(await rejection(() => parseManifestText("- a\n- b\n", "m.yaml")));
    expect(list.code).toBe("not-a-mapping");
    expect(list.message).toContain("a list");
    expect(only(await rejection(() => parseManifestText("hello\n", "m.yaml"))).code).toBe("not-a-mapping");
  });

  it("refuses collection keys instead of stringifying them", async () => {
    const d = only(await rejection(() => parseManifestText("targets:\n  ? [a, b]\n  : x\n", "m.yaml")));
    expect(d).toMatchObject({ code: "complex-key", path: "targets", line: 2, column: 5 });
  });

  it("refuses nesting too deep before yaml's recursive composer sees it", async () => {
    // A few KiB of compact sequences aborted the whole process in yaml's composer.
    const deep = "a:\n  " + "- ".repeat(2000) + "x\n";
    const d = only(await rejection(() => parseManifestText(deep, "m.yaml")));
    expect(d.code).toBe("nesting-too-deep");
    expect(d).toMatchObject({ line: 2, column: 3 + 2 * (MAX_NESTING - 1) });
    const flow = only(
      await rejection(() => parseManifestText("a: " + "[".repeat(5000) + "]".repeat(5000), "m.yaml")),
    );
    expect(flow.code).toBe("nesting-too-deep");
    const ok = "a: " + "[".repeat(MAX_NESTING - 1) + "]".repeat(MAX_NESTING - 1) + "\n";
    expect(() => parseManifestText(ok, "m.yaml")).not.toThrow();
    // Block mappings nested by indentation alone, one space per level (the cheap pre-check's bound).
    const byIndent =
      Array.from({ length: MAX_NESTING + 2 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " x\n";
    expect(only(await rejection(() => parseManifestText(byIndent, "m.yaml"))).code).toBe("nesting-too-deep");
    // And a sequence under each key at the same indentation, two levels per step.
    const seqs = Array.from({ length: 40 }, (_, i) => `${" ".repeat(2 * i)}- k${i}:`).join("\n") + " x\n";
    expect(only(await rejection(() => parseManifestText(seqs, "m.yaml"))).code).toBe("nesting-too-deep");
  });

  it("turns unknown tags into warnings, not errors", () => {
    const { value, warnings } = parseManifestText("name: !Ref api\n", "m.yaml");
    expect(value).toEqual({ name: "api" });
    expect(warnings).toEqual([
      expect.objectContaining({ severity: "warning", code: "unknown-tag", line: 1, column: 7 }),
    ]);
  });

  it("keeps a __proto__ key as data", () => {
    const { value } = parseManifestText("__proto__: { polluted: true }\n", "m.yaml");
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("position index", () => {
  const text = [
    "name: api", // 1
    "service:", // 2
    "  container:", // 3
    '    image: "ghcr.io/acme/api:1"', // 4
    "    port: 8000", // 5
    "targets:", // 6
    "  lambda: { provider: aws, region: us-east-1 }", // 7
    "environments:", // 8
    "  production:", // 9
    "    targets:", // 10
    "      - lambda", // 11
    "      - fargate", // 12
    "    service:", // 13
    "", // 14
  ].join("\n");
  const { positions } = parseManifestText(text, "m.yaml");

  it("records values and keys of nested mappings", () => {
    expect(positions.get("service.container.image")).toEqual({
      value: { line: 4, column: 12 },
      key: { line: 4, column: 5 },
      kind: "scalar",
      plain: false,
    });
    expect(positions.get("service.container.port")?.plain).toBe(true);
    expect(positions.get("service.container")).toMatchObject({
      key: { line: 3, column: 3 },
      value: { line: 4, column: 5 },
      kind: "map",
    });
    expect(positions.get("targets.lambda.region")).toMatchObject({
      value: { line: 7, column: 36 },
      key: { line: 7, column: 28 },
    });
  });

  it("records sequence items with [i]", () => {
    expect(positions.get("environments.production.targets[1]")).toEqual({
      value: { line: 12, column: 9 },
      kind: "scalar",
      plain: true,
    });
    expect(positions.get("environments.production.targets")?.kind).toBe("seq");
  });

  it("places an empty value at its key, and finds the nearest ancestor of a missing path", () => {
    expect(positions.get("environments.production.service")?.value).toEqual({ line: 13, column: 5 });
    expect(positions.nearest("targets.lambda.memory")?.path).toBe("targets.lambda");
    expect(positions.nearest("environments.production.targets[7]")?.path).toBe(
      "environments.production.targets",
    );
    expect(positions.nearest("nothing.here")?.path).toBe("");
  });
});
