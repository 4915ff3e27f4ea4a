import { afterEach, describe, expect, it, vi } from "vitest";
import { printJson } from "./output.js";

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
