import { afterEach, describe, expect, it, vi } from "vitest";
import { printJson, writeChunked } from "./output.js";

describe("printJson", () => {
  afterEach(() => vi.restoreAllMocks());

  function printed(...args: Parameters<typeof printJson>): string {
    let text = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      text += String(chunk);
      return true;
    });
    printJson(...args);
    vi.restoreAllMocks();
    return text;
  }

  it("indents for a terminal and writes one line for a pipe, the same document either way", () => {
    const doc = { status: "ok", result: { plans: [{ target: "api" }] } };
    const tty = printed(doc, false, true);
    const pipe = printed(doc, false, false);
    expect(tty).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(pipe).toBe(`${JSON.stringify(doc)}\n`);
    expect(JSON.parse(pipe)).toEqual(JSON.parse(tty));
  });

  it("writes one line on a terminal too when events stream before it (JSON Lines)", () => {
    expect(printed({ a: [1, 2] }, true, true)).toBe('{"a":[1,2]}\n');
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
