import { describe, expect, it } from "vitest";
import { createSink, defaultSinkKind, describe as line } from "./progress.js";
import type { StampedEvent } from "./types.js";

function stream(isTTY = false) {
  const chunks: string[] = [];
  return { chunks, isTTY, write: (s: string) => void chunks.push(s) };
}

const at = "2025-06-01T12:00:00.000Z";
const events: StampedEvent[] = [
  { type: "run-start", stack: "shop/dev", command: "deploy", targets: ["web"], at },
  { type: "step-start", target: "web", step: "create service", at },
  { type: "retry", target: "web", step: "apply", attempt: 1, delayMs: 120, code: "Throttling", at },
  {
    type: "health",
    target: "web",
    ok: false,
    url: "http://127.0.0.1:1/healthz",
    attempts: 1,
    status: 500,
    expected: 200,
    latencyMs: 3,
    body: "boom",
    at,
  },
  { type: "target-end", target: "web", status: "failed", attempts: 2, at },
  {
    type: "summary",
    stack: "shop/dev",
    result: "failed",
    exitCode: 1,
    counts: { failed: 1 },
    lines: ["web: update → failed"],
    at,
  },
];

describe("progress sinks", () => {
  it("ndjson writes one parseable event per line", () => {
    const s = stream();
    const sink = createSink("ndjson", s);
    events.forEach((e) => sink.emit(e));
    const parsed = s.chunks
      .join("")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as StampedEvent);
    expect(parsed).toEqual(events);
  });

  it("plain writes timestamped lines without ANSI", () => {
    const s = stream();
    const sink = createSink("plain", s);
    events.forEach((e) => sink.emit(e));
    const text = s.chunks.join("");
    expect(text).toContain(`${at} web: apply failed (Throttling), attempt 2 in 120 ms`);
    expect(text).toContain("HTTP 500");
    expect(text).not.toContain("\u001b[");
  });

  it("tty is the live view: redrawn in place, then one final row per target and no summary", () => {
    const s = stream(true);
    const sink = createSink("tty", s, { now: () => 0, tickMs: 0 });
    events.forEach((e) => sink.emit(e));
    sink.close();
    const text = s.chunks.join("");
    expect(text).toContain("\r\u001b[2A\u001b[0J");
    expect(text).toMatch(/web {2}create service\.\.\. {2}0\.0s/);
    expect(text).toMatch(/deploy shop\/dev: done in 0\.0s\n✖ web {2}failed in 0\.0s\n/);
    // The result line and the failure reasons are the CLI's to print (run-view.ts), once.
    expect(text).not.toContain("(exit 1)");
  });

  it("picks tty only on a terminal outside CI", () => {
    expect(defaultSinkKind({ write: () => 0, isTTY: true }, {})).toBe("tty");
    expect(defaultSinkKind({ write: () => 0, isTTY: true }, { CI: "1" })).toBe("plain");
    expect(defaultSinkKind({ write: () => 0, isTTY: true }, { TERM: "dumb" })).toBe("plain");
    expect(defaultSinkKind({ write: () => 0 }, {})).toBe("plain");
    expect(line({ type: "warning", message: "m", target: "t" })).toBe("warning: t: m");
  });
});
