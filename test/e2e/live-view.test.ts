// The live view as a person sees it (issue 22): the built CLI deploys in a pseudo-terminal of
// 130 columns, and a terminal emulator replays what it wrote. The assertions are on the final
// screen: one row per target with its mark, no spinner frame left behind, no row wider than
// the terminal, each failure reason once and one result line; after Ctrl-C (once, and twice)
// the same, with the cursor shown again. The test provider's fake cloud needs no credentials.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthServer, Project } from "./deploy-helpers.js";
import { Runs, healthServer, project } from "./deploy-helpers.js";
import { BIN, cleanup, ensureBuilt } from "./helpers.js";
import type { PtyRun, ScreenLine } from "../support/pty-screen.js";
import { runInPty } from "../support/pty-screen.js";

const COLS = 130;
const ESC = "\u001b";
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
/** A spinner frame, as a pattern pty-run.py matches against raw bytes (no character class). */
const SPINNING = "⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏";
/** Long enough that its live row, with a failing health check's text, is wider than 130. */
const LONG = "payments-reconciliation-worker-eu-west-1";

let good: HealthServer;
let bad: HealthServer;

beforeAll(async () => {
  ensureBuilt();
  good = await healthServer(200);
  bad = await healthServer(500);
}, 180_000);
afterAll(async () => {
  await good.close();
  await bad.close();
  cleanup();
});

/**
 * Deploys a saved plan in the PTY: `deploy --plan` prints no plan, so the screen holds only what
 * the run drew, and anything above the live block's record is a frame left behind.
 */
async function deployInPty(
  p: Project,
  opts: { args?: string[]; sends?: { when: RegExp; text: string }[]; env?: Record<string, string> } = {},
): Promise<PtyRun> {
  const plan = join(p.dir, "plan.json");
  const made = await new Runs(p).cli(["plan", "--out", plan]);
  expect(made.code, made.stderr).toBe(0);
  return runInPty([process.execPath, BIN, "deploy", "--plan", plan, ...(opts.args ?? [])], {
    cols: COLS,
    rows: 40,
    cwd: p.dir,
    // A person's terminal: not CI, colours on, the test provider and its cloud.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: p.dir,
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
      ...p.env,
      ...opts.env,
    },
    sends: opts.sends ?? [],
  });
}

/** Rows joined where the terminal wrapped them: the lines as they were written. */
function logical(screen: ScreenLine[]): string[] {
  const out: string[] = [];
  for (const l of screen) {
    if (l.wrapped && out.length > 0) out[out.length - 1] += l.text;
    else out.push(l.text);
  }
  return out;
}

const nonEmpty = (screen: ScreenLine[]) => screen.filter((l) => l.text.trim() !== "");

const count = (lines: string[], s: string) => lines.reduce((n, l) => n + l.split(s).length - 1, 0);

/** The cursor was hidden at some point and shown again after the last time it was hidden. */
function cursorShownAtEnd(raw: string): void {
  const hidden = raw.lastIndexOf("\u001b[?25l");
  expect(hidden).toBeGreaterThanOrEqual(0);
  expect(raw.lastIndexOf("\u001b[?25h")).toBeGreaterThan(hidden);
}

describe("the live view in a 130-column terminal", () => {
  it("leaves one row per target with its mark, each failure reason once and one result", async () => {
    const p = project({ targets: ["web", LONG], endpoint: good.url });
    const runs = new Runs(p);
    expect((await runs.cli(["deploy", "--yes"])).code).toBe(0);
    // The next release: web deploys, the long one fails its health check and is rolled back,
    // a new target fails its first create (nothing to roll back to).
    p.write({
      targets: ["web", LONG, "fresh"],
      image: "ghcr.io/acme/shop:2",
      extra: {
        web: `endpoint: "${good.url}"`,
        [LONG]: `endpoint: "${bad.url}"`,
        fresh: `endpoint: "${good.url}", failOn: "create:service"`,
      },
    });
    const run = await deployInPty(p);
    expect(run.code, run.raw).toBe(3);
    const screen = nonEmpty(run.screen);
    const text = screen.map((l) => l.text).join("\n");
    const lines = logical(screen);

    // The live block's record comes first: nothing of an earlier frame is left above it.
    expect(screen[0]?.text, text).toMatch(/^deploy shop\/dev: done in \d+\.\ds$/);
    expect(text).not.toMatch(SPINNER);
    const rows = screen.filter((l) => /^[✔✖↺!·-] /.test(l.text));
    expect(rows.map((l) => l.text.replace(/ +/g, " ").replace(/\d+\.\d/, "N"))).toEqual([
      "✖ fresh failed in Ns",
      `↺ ${LONG} rolled back in Ns`,
      "✔ web deployed in Ns",
    ]);
    // No row wrapped: none is continued on the next one, none is wider than the terminal.
    for (const r of rows) {
      expect(r.wrapped).toBe(false);
      expect(screen[screen.indexOf(r) + 1]?.wrapped).toBe(false);
      expect(r.text.length).toBeLessThanOrEqual(COLS);
    }
    // The live row of the long target was wider than the terminal while it ran, and was cut.
    expect(run.raw).toMatch(new RegExp(`${LONG} +health failed \\(GET [^\\r\\n]*…`));

    // Colour on a terminal: the marks in red, yellow and green.
    expect(run.raw).toContain("\u001b[31m✖\u001b[39m fresh");
    expect(run.raw).toContain(`\u001b[33m↺\u001b[39m ${LONG}`);
    expect(run.raw).toContain("\u001b[32m✔\u001b[39m web");

    expect(count(lines, "injected by failOn")).toBe(1);
    expect(count(lines, "(expected 200")).toBe(1);
    expect(lines.filter((l) => l.startsWith("Result: "))).toHaveLength(1);
    expect(count(lines, "(exit 3)")).toBe(1);
    expect(lines.filter((l) => l.includes("shop/dev: "))).toHaveLength(1);
    cursorShownAtEnd(run.raw);
  });

  it("Ctrl-C mid-run: no spinner frame left, the rows marked, one result, the cursor shown, NO_COLOR kept", async () => {
    // Slow calls keep targets in flight when Ctrl-C arrives; it is sent once a spinner shows.
    const targets = ["a", "b", "c", "d"];
    const p = project({
      targets,
      endpoint: good.url,
      extra: Object.fromEntries(targets.map((t) => [t, "latencyMs: 400"])),
    });
    const run = await deployInPty(p, {
      args: ["--concurrency", "2"],
      env: { NO_COLOR: "1" },
      sends: [{ when: new RegExp(`(${SPINNING}) a `), text: "\\x03" }],
    });
    expect(run.code, run.raw).toBe(130);
    const screen = nonEmpty(run.screen);
    const text = screen.map((l) => l.text).join("\n");
    const lines = logical(screen);
    expect(text).not.toMatch(SPINNER);
    expect(text).not.toMatch(/stopping|^· /m);
    // The interrupt's line, then the record: nothing of a frame drawn before Ctrl-C is left.
    expect(screen[0]?.text, text).toMatch(/^interrupted: launching nothing new/);
    expect(screen[1]?.text, text).toMatch(/^deploy shop\/dev: stopped after \d+\.\ds$/);
    expect(lines.filter((l) => l.startsWith("interrupted: "))).toHaveLength(1);
    const rows = screen.filter((l) => /^[✔✖↺!·-] /.test(l.text));
    expect(rows.map((l) => l.text.split(/ +/)[1]).sort()).toEqual(targets);
    // Calls in flight finish; nothing new starts: some target was left before its end.
    expect(
      rows.some((l) => /^[!-] /.test(l.text)),
      text,
    ).toBe(true);
    expect(lines.filter((l) => l.startsWith("Result: interrupted"))).toHaveLength(1);
    // NO_COLOR: no colour sequence at all, only the cursor's and the erase's own escapes.
    expect(run.raw).not.toMatch(new RegExp(`${ESC}\\[[0-9;]*m`));
    cursorShownAtEnd(run.raw);
  });

  it("a second Ctrl-C quits at once and still leaves the rows, not the spinner, and the cursor shown", async () => {
    // The test provider's hangRate holds every mutating call until the run aborts it, so only
    // the second Ctrl-C ends this run: the exit path draws the record.
    // Targets start in name order: at --concurrency 1, `queued` waits behind `hung`.
    const p = project({ targets: ["hung", "queued"], endpoint: good.url, extra: { hung: "hangRate: 1" } });
    const run = await deployInPty(p, {
      args: ["--concurrency", "1"],
      sends: [
        { when: new RegExp(`(${SPINNING}) hung `), text: "\\x03" },
        { when: /stopping: waiting for calls in flight/, text: "\\x03" },
      ],
    });
    expect(run.code, run.raw).toBe(130);
    const screen = nonEmpty(run.screen);
    const text = screen.map((l) => l.text).join("\n");
    expect(text).not.toMatch(SPINNER);
    expect(text).not.toMatch(/stopping/);
    expect(screen[0]?.text, text).toMatch(/^interrupted: launching nothing new/);
    expect(screen[1]?.text, text).toMatch(/^deploy shop\/dev: stopped after \d+\.\ds$/);
    const rows = screen.filter((l) => /^[✔✖↺!·-] /.test(l.text)).map((l) => l.text.replace(/ +/g, " "));
    expect(rows).toHaveLength(2);
    expect(rows).toContainEqual(expect.stringMatching(/^! hung interrupted after \d/));
    expect(rows).toContainEqual("- queued skipped");
    cursorShownAtEnd(run.raw);
  });
});
