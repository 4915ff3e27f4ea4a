import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { grepFilter, grepParts, grepSubstring } from "./log-grep.js";

const msgs = ["GET /a 200", "GET /b 503 Timeout", "error: timeout", "/x/ literal"];
const keep = (p: string) => msgs.filter((m) => grepFilter(p)({ message: m }));

describe("--grep", () => {
  it("is a case-sensitive substring by default, regex metacharacters included", () => {
    expect(keep("timeout")).toEqual(["error: timeout"]);
    expect(keep("/a 2")).toEqual(["GET /a 200"]);
    expect(grepSubstring("a.b")).toBe("a.b");
  });

  it("is a regular expression in slashes, with flags", () => {
    expect(keep("/timeout/i")).toEqual(["GET /b 503 Timeout", "error: timeout"]);
    expect(keep("/ 5\\d\\d /")).toEqual(["GET /b 503 Timeout"]);
    expect(grepSubstring("/x/")).toBeUndefined();
    expect(grepParts("/x/").kind).toBe("regex");
  });

  it("ignores g and y, which would make matching depend on the previous entry", () => {
    const f = grepFilter("/GET/g");
    expect([f({ message: "GET" }), f({ message: "GET" })]).toEqual([true, true]);
  });

  it("keeps everything without a pattern, and refuses a regex that does not compile", () => {
    expect(keep("")).toEqual(msgs);
    expect(() => grepParts("/(/")).toThrow(UsageError);
    expect(() => grepParts("/(/")).toThrow(/--grep \/\(\//);
  });
});
