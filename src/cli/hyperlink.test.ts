import { describe, expect, it } from "vitest";
import { hyperlink, hyperlinksOn, linkUrls } from "./hyperlink.js";

describe("terminal hyperlinks", () => {
  it("are on only for a terminal known to draw them, outside CI, and FORCE_HYPERLINK decides", () => {
    const tty = { isTTY: true };
    expect(hyperlinksOn(tty, { TERM_PROGRAM: "vscode" })).toBe(true);
    expect(hyperlinksOn(tty, { TERM: "xterm-kitty" })).toBe(true);
    expect(hyperlinksOn(tty, { TERM: "xterm-256color" })).toBe(false);
    expect(hyperlinksOn(tty, { TERM_PROGRAM: "vscode", CI: "true" })).toBe(false);
    expect(hyperlinksOn({ isTTY: false }, { TERM_PROGRAM: "vscode" })).toBe(false);
    expect(hyperlinksOn({ isTTY: false }, { FORCE_HYPERLINK: "1" })).toBe(true);
    expect(hyperlinksOn(tty, { TERM_PROGRAM: "vscode", FORCE_HYPERLINK: "0" })).toBe(false);
  });

  it("wrap an http(s) URL in OSC 8, and leave other text alone", () => {
    expect(hyperlink("http://127.0.0.1:8080", "api", true)).toBe(
      "\u001b]8;;http://127.0.0.1:8080\u001b\\api\u001b]8;;\u001b\\",
    );
    expect(hyperlink("http://x", "x", false)).toBe("x");
    expect(hyperlink("(no endpoint)", "(no endpoint)", true)).toBe("(no endpoint)");
    expect(linkUrls("web  https://a.example/x  release 3", true)).toBe(
      "web  \u001b]8;;https://a.example/x\u001b\\https://a.example/x\u001b]8;;\u001b\\  release 3",
    );
  });
});
