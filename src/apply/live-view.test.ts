import { EventEmitter } from "node:events";
import xterm from "@xterm/headless";
import { describe, expect, it } from "vitest";
import { LiveView, displayWidth, elapsed, truncate } from "./live-view.js";
import type { ProgressEvent } from "./types.js";

const at = "2025-06-01T12:00:00.000Z";
const ESC = "\u001b";
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

/** A terminal's stderr as the view sees it; `cut` marks where the terminal was resized. */
class FakeTty extends EventEmitter {
  readonly isTTY = true;
  chunks: string[] = [];
  constructor(
    public columns: number,
    public rows = 30,
  ) {
    super();
  }
  write(s: string): boolean {
    this.chunks.push(s);
    return true;
  }
  get text(): string {
    return this.chunks.join("");
  }
  resize(columns: number): void {
    this.columns = columns;
    this.chunks.push(RESIZE);
    this.emit("resize");
  }
}
const RESIZE = "\u0000resize\u0000";

/** The screen after the bytes, through a terminal emulator that reflows on resize as tmux does. */
async function screen(tty: FakeTty, startCols = tty.columns): Promise<{ text: string; wrapped: boolean }[]> {
  // convertEol: the terminal driver's ONLCR, which turns each "\n" into "\r\n" on a real TTY.
  const term = new xterm.Terminal({
    cols: startCols,
    rows: tty.rows,
    scrollback: 1000,
    convertEol: true,
    allowProposedApi: true,
  });
  const parts = tty.text.split(RESIZE);
  for (const [i, chunk] of parts.entries()) {
    if (i > 0) term.resize(tty.columns, tty.rows);
    await new Promise<void>((resolve) => term.write(chunk, resolve));
  }
  const buf = term.buffer.active;
  const lines: { text: string; wrapped: boolean }[] = [];
  for (let i = 0; i < buf.length; i++) {
    const l = buf.getLine(i);
    if (l) lines.push({ text: l.translateToString(true), wrapped: l.isWrapped });
  }
  term.dispose();
  while (lines.at(-1)?.text === "") lines.pop();
  return lines;
}

/** Rows joined where the terminal wrapped them. */
function logical(rows: { text: string; wrapped: boolean }[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.wrapped && out.length > 0) out[out.length - 1] += r.text;
    else out.push(r.text);
  }
  return out;
}

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function view(tty: FakeTty, opts: { color?: boolean; now?: () => number } = {}) {
  const exit = new EventEmitter();
  const v = new LiveView(tty, { tickMs: 0, exitTarget: exit as unknown as NodeJS.Process, ...opts });
  return { v, exit, emit: (e: ProgressEvent) => v.emit({ ...e, at }) };
}

const runStart = (targets: string[]): ProgressEvent => ({
  type: "run-start",
  stack: "shop/dev",
  command: "deploy",
  targets,
});

describe("display width", () => {
  it("counts columns: escapes none, East Asian wide and emoji two, combining marks none", () => {
    expect(displayWidth("web")).toBe(3);
    expect(displayWidth("\u001b[31mfailed\u001b[39m")).toBe(6);
    expect(displayWidth("\u001b]8;;https://x.test\u0007link\u001b]8;;\u0007")).toBe(4);
    expect(displayWidth("漢字")).toBe(4);
    expect(displayWidth("ｗｅｂ")).toBe(6);
    expect(displayWidth("🚀")).toBe(2);
    expect(displayWidth("👩‍👩‍👧")).toBe(2);
    expect(displayWidth("🇫🇷")).toBe(2);
    expect(displayWidth("e\u0301")).toBe(1);
    expect(displayWidth("✔✖↺")).toBe(3);
  });

  it("truncates to a width with an ellipsis, never splitting a wide character, keeping escapes", () => {
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("abcdefghij", 5)).toBe("abcd…");
    expect(displayWidth(truncate("ab漢字cd", 4))).toBeLessThanOrEqual(4);
    expect(truncate("ab漢字cd", 4)).toBe("ab…");
    const red = truncate("\u001b[31mfailed: a long reason\u001b[39m", 8);
    expect(red).toBe("\u001b[31mfailed:…\u001b[39m");
    expect(displayWidth(red)).toBe(8);
  });

  it("formats elapsed time", () => {
    expect(elapsed(0)).toBe("0.0s");
    expect(elapsed(12_340)).toBe("12.3s");
    expect(elapsed(125_000)).toBe("2m05s");
  });
});

describe("live view", () => {
  it("leaves one row per target with a mark, the status and its time; no error text, no summary", async () => {
    const tty = new FakeTty(80);
    const c = clock();
    const { v, emit } = view(tty, { now: c.now });
    emit(runStart(["api", "web", "worker"]));
    emit({ type: "step-start", target: "web", step: "create service" });
    emit({ type: "step-start", target: "api", step: "create service" });
    c.advance(1500);
    emit({ type: "target-end", target: "web", status: "deployed", attempts: 1 });
    const error = { code: "E", message: "the reason api failed" };
    emit({ type: "target-end", target: "api", status: "failed", attempts: 1, error });
    emit({ type: "step-start", target: "worker", step: "update service" });
    c.advance(2000);
    emit({ type: "target-end", target: "worker", status: "rolled-back", attempts: 1, error });
    emit({
      type: "summary",
      stack: "shop/dev",
      result: "partial",
      exitCode: 3,
      counts: {},
      lines: ["api: create → failed: the reason api failed"],
    });
    v.close();
    const lines = (await screen(tty)).map((l) => l.text);
    expect(lines).toEqual([
      "deploy shop/dev: done in 3.5s",
      "✖ api     failed in 1.5s",
      "✔ web     deployed in 1.5s",
      "↺ worker  rolled back in 2.0s",
    ]);
    expect(tty.text).not.toContain("(exit 3)");
  });

  it("shows a smoke call of the contract on the target's row while it runs", () => {
    const tty = new FakeTty(120);
    const { emit } = view(tty);
    emit(runStart(["api"]));
    emit({
      type: "smoke",
      target: "api",
      method: "GET",
      path: "/stats",
      operationId: "getStats",
      url: "http://127.0.0.1:8080/stats",
      ok: true,
      status: 200,
      documented: ["200"],
      latencyMs: 3,
    });
    const last = tty.text.split("\u001b[0J").at(-1) ?? "";
    expect(last).toMatch(/api .*GET \/stats/);
  });

  it("colours the marks and states when asked: green, red, yellow, dim waiting; none otherwise", () => {
    const coloured = new FakeTty(80);
    const a = view(coloured, { color: true });
    a.emit(runStart(["a", "b", "c", "d"]));
    a.emit({ type: "target-end", target: "a", status: "deployed", attempts: 1 });
    a.emit({ type: "target-end", target: "b", status: "failed", attempts: 1 });
    a.emit({ type: "target-end", target: "c", status: "rolled-back", attempts: 1 });
    expect(coloured.text).toContain("\u001b[2m·\u001b[22m d  \u001b[2mwaiting\u001b[22m");
    a.v.close();
    expect(coloured.text).toContain("\u001b[32m✔\u001b[39m a  \u001b[32mdeployed\u001b[39m");
    expect(coloured.text).toContain("\u001b[31m✖\u001b[39m b  \u001b[31mfailed\u001b[39m");
    expect(coloured.text).toContain("\u001b[33m↺\u001b[39m c  \u001b[33mrolled back\u001b[39m");
    expect(coloured.text).toContain("\u001b[2m-\u001b[22m d  \u001b[2mskipped\u001b[22m");

    const plain = new FakeTty(80);
    const b = view(plain, { color: false });
    b.emit(runStart(["a"]));
    b.emit({ type: "target-end", target: "a", status: "failed", attempts: 1 });
    b.v.close();
    // No SGR (colour) sequence: only the cursor's own escapes.
    expect(plain.text).not.toMatch(new RegExp(`${ESC}\\[\\d+m`));
  });

  it("cuts every live row to the terminal's width, wide characters included: no row wraps", async () => {
    const tty = new FakeTty(40);
    const { v, emit } = view(tty, { color: true });
    emit(runStart(["短い名前のターゲット", "web"]));
    emit({ type: "step-start", target: "web", step: "create service ".repeat(10) });
    emit({ type: "step-start", target: "短い名前のターゲット", step: "ステップ".repeat(20) });
    emit({ type: "warning", message: "a warning line is printed whole, above the rows" });
    const live = await screen(tty);
    // Only the warning, a permanent line, may wrap: no live row does.
    expect(live.filter((l) => l.wrapped)).toHaveLength(1);
    expect(logical(live).filter((l) => l.includes("a warning line"))).toHaveLength(1);
    for (const chunk of tty.chunks) {
      for (const row of chunk.split("\n").filter((r) => !r.includes("warning")))
        expect(displayWidth(row)).toBeLessThan(40);
    }
    expect(tty.text).toContain("…");
    v.close();
    const lines = logical(await screen(tty));
    expect(lines.filter((l) => SPINNER.test(l))).toEqual([]);
    expect(lines.filter((l) => l.includes("a warning line"))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("· "))).toEqual([]);
  });

  it("returns to column 0 before erasing: a ^C echoed after the rows leaves nothing behind", async () => {
    const tty = new FakeTty(80);
    const { v, emit } = view(tty);
    emit(runStart(["web"]));
    emit({ type: "step-start", target: "web", step: "create service" });
    tty.write("^C"); // the terminal's echo of Ctrl-C, where the cursor was
    emit({ type: "interrupt", message: "launching nothing new; waiting for calls in flight" });
    expect(tty.chunks.at(-1)?.startsWith("\r\u001b[2A\u001b[0J")).toBe(true);
    emit({ type: "target-end", target: "web", status: "interrupted", attempts: 1 });
    v.close();
    expect((await screen(tty)).map((l) => l.text)).toEqual([
      "interrupted: launching nothing new; waiting for calls in flight",
      "deploy shop/dev: stopped after 0.0s",
      "! web  interrupted in 0.0s",
    ]);
  });

  it("says in its header that it is stopping after an interrupt, with the hint it was given", () => {
    const tty = new FakeTty(120);
    const exit = new EventEmitter();
    const v = new LiveView(tty, {
      tickMs: 0,
      exitTarget: exit as unknown as NodeJS.Process,
      stopHint: "Ctrl-C again to quit now",
    });
    v.emit({ ...runStart(["web"]), at });
    v.emit({ type: "interrupt", message: "launching nothing new", at });
    expect(tty.chunks.at(-1)).toContain("stopping: waiting for calls in flight; Ctrl-C again to quit now");
    v.close();
  });

  it("hides the cursor while drawing and shows it after the final rows, once", () => {
    const tty = new FakeTty(80);
    const { v, emit } = view(tty);
    emit(runStart(["web"]));
    expect(tty.text).toContain("\u001b[?25l");
    expect(tty.text).not.toContain("\u001b[?25h");
    emit({ type: "summary", stack: "shop/dev", result: "no changes", exitCode: 0, counts: {}, lines: [] });
    v.close();
    v.close();
    expect(tty.text.lastIndexOf("\u001b[?25h")).toBeGreaterThan(tty.text.lastIndexOf("\u001b[?25l"));
    expect(tty.text.split("\u001b[?25h")).toHaveLength(2);
    expect(tty.text.split("deploy shop/dev: done")).toHaveLength(2);
  });

  it("on exit (the second Ctrl-C) erases the block, leaves the rows as far as they got and shows the cursor", async () => {
    const tty = new FakeTty(80);
    const c = clock();
    const { exit, emit } = view(tty, { now: c.now });
    emit(runStart(["hung", "queued", "done"]));
    emit({ type: "step-start", target: "done", step: "create service" });
    emit({ type: "target-end", target: "done", status: "deployed", attempts: 1 });
    emit({ type: "step-start", target: "hung", step: "create service" });
    c.advance(2000);
    exit.emit("exit", 130);
    const lines = (await screen(tty)).map((l) => l.text);
    expect(lines).toEqual([
      "deploy shop/dev: stopped after 2.0s",
      "! hung    interrupted after 2.0s",
      "- queued  skipped",
      "✔ done    deployed in 0.0s",
    ]);
    expect(tty.text.endsWith("\u001b[?25h")).toBe(true);
    // Nothing is drawn after that, and the exit listener is gone.
    const before = tty.text;
    emit({ type: "step-start", target: "queued", step: "create service" });
    expect(tty.text).toBe(before);
    expect(exit.listenerCount("exit")).toBe(0);
    expect(tty.listenerCount("resize")).toBe(0);
  });

  it("redraws on resize, erasing the rows the narrower terminal reflowed onto several lines", async () => {
    const tty = new FakeTty(100);
    const { v, emit } = view(tty);
    const target = "a-rather-long-target-name";
    emit(runStart([target, "web"]));
    emit({ type: "step-start", target, step: "x".repeat(90) });
    emit({ type: "step-start", target: "web", step: "create service" });
    expect(tty.listenerCount("resize")).toBe(1);
    tty.resize(40);
    // The redraw after the resize fits the new width.
    const last = tty.chunks.at(-1) ?? "";
    for (const row of last.split("\n")) expect(displayWidth(row)).toBeLessThan(40);
    const live = await screen(tty, 100);
    expect(live.filter((l) => l.text.includes(target))).toHaveLength(1);
    expect(live.some((l) => l.wrapped)).toBe(false);
    v.close();
    // The record is printed whole (nothing redraws it): at 40 columns its rows wrap.
    const lines = logical(await screen(tty, 100));
    expect(lines).toEqual([
      "deploy shop/dev: stopped after 0.0s",
      `! ${target}  interrupted after 0.0s`,
      `! ${"web".padEnd(target.length)}  interrupted after 0.0s`,
    ]);
  });

  it("keeps the block shorter than the terminal and prints every row at the end", async () => {
    const tty = new FakeTty(80, 6);
    const { v, emit } = view(tty);
    const targets = Array.from({ length: 10 }, (_, i) => `t${i}`);
    emit(runStart(targets));
    emit({ type: "step-start", target: "t7", step: "create service" });
    const live = await screen(tty);
    expect(live.length).toBeLessThan(6);
    expect(live.map((l) => l.text)).toContainEqual(
      expect.stringMatching(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] t7 {2}create service/),
    );
    expect(live.at(-1)?.text).toMatch(/^… \d+ more$/);
    for (const t of targets) emit({ type: "target-end", target: t, status: "deployed", attempts: 1 });
    v.close();
    const lines = (await screen(tty)).map((l) => l.text);
    expect(lines.filter((l) => l.startsWith("✔ "))).toHaveLength(10);
    expect(lines.join("\n")).not.toMatch(/more/);
    expect(lines.join("\n")).not.toMatch(SPINNER);
  });
});
