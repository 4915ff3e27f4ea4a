import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RawJson, writeChunked, writeJsonCompact } from "./json-out.js";

function written(value: unknown): { text: string; writes: string[] } {
  const writes: string[] = [];
  writeJsonCompact({ write: (s: string) => writes.push(s) }, value);
  return { text: writes.join(""), writes };
}

describe("writeJsonCompact", () => {
  it("writes exactly JSON.stringify's bytes for any JSON-like value", () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(() => 1),
      fc.date({ noInvalidDate: true }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(written(v).text).toBe(String(JSON.stringify(v)));
      }),
      { numRuns: 3000 },
    );
  });

  it("asks toJSON with the member's key and leaves out members without a JSON form", () => {
    const keys: string[] = [];
    const probe = { toJSON: (k: string) => (keys.push(k), k === "skip" ? undefined : { k }) };
    const doc = { a: probe, skip: probe, list: [probe, undefined, Symbol("s")], f: () => 1 };
    const ours = written(doc).text;
    expect(keys.splice(0)).toEqual(["a", "skip", "0"]);
    expect(ours).toBe(JSON.stringify(doc));
    expect(keys).toEqual(["a", "skip", "0"]);
  });

  it("writes a RawJson's text as it is, at any depth, and JSON.stringify sees its value", () => {
    const plan = { stack: "api/prod", changes: [{ after: { env: { A: "1" } }, gone: undefined }] };
    const text = JSON.stringify(plan);
    const raw = new RawJson(text);
    // The text is written verbatim: a marker in it proves no re-serialization happened.
    const marked = new RawJson(text.replace('"A"', '"A" '));
    for (const doc of [
      { status: "ok", result: { plans: [raw, raw] } },
      raw,
      { a: { b: { c: { d: raw } } } },
    ]) {
      expect(written(doc).text).toBe(JSON.stringify(doc));
    }
    expect(written({ result: { plans: [marked] } }).text).toContain('"A" :');
    expect(JSON.parse(JSON.stringify({ plans: [raw] }, null, 2))).toEqual({ plans: [JSON.parse(text)] });
  });

  it("writes a large envelope in pieces no larger than about 64 KiB, each value whole below the top levels", () => {
    const plan = (i: number) => ({
      stack: `svc-${i}/prod`,
      changes: [{ after: { image: "x".repeat(20_000) } }],
    });
    const envelope = { status: "ok", result: { plans: Array.from({ length: 40 }, (_, i) => plan(i)) } };
    const { text, writes } = written(envelope);
    expect(text).toBe(JSON.stringify(envelope));
    expect(writes.length).toBeGreaterThan(5);
    expect(Math.max(...writes.map((w) => w.length))).toBeLessThanOrEqual(65536);
  });

  it("still refuses a cycle, as JSON.stringify does", () => {
    const a: Record<string, unknown> = {};
    a.self = { back: a };
    expect(() => written({ result: { list: [a] } })).toThrow(TypeError);
  });
});

describe("writeChunked", () => {
  function slices(text: string): string[] {
    const out: string[] = [];
    writeChunked({ write: (s: string) => out.push(s) }, text);
    return out;
  }

  it("writes a long text in 64 KiB slices that join back to it", () => {
    const text = "x".repeat(3 * 65536 + 5);
    const parts = slices(text);
    expect(parts.map((p) => p.length)).toEqual([65536, 65536, 65536, 5]);
    expect(parts.join("")).toBe(text);
  });

  it("never splits a surrogate pair, so each slice encodes to the same UTF-8", () => {
    // "😀" is two UTF-16 units; placed so its first half is the last unit of a 64 KiB slice.
    const text = `${"a".repeat(65535)}😀${"b".repeat(10)}`;
    const parts = slices(text);
    expect(parts[0]).toHaveLength(65535);
    expect(parts.join("")).toBe(text);
    expect(Buffer.concat(parts.map((p) => Buffer.from(p))).toString()).toBe(text);
  });

  it("writes nothing for an empty text", () => {
    expect(slices("")).toEqual([]);
  });
});
