// The live view of a deploy, destroy or rollback on a terminal (issue 22): a block of one row
// per target under a header, redrawn in place, then left on screen once as the run's record.
// Redrawing in place only works when the view knows exactly how many screen rows it drew, so
// every row is cut to the terminal's width by display width (a wide character takes two
// columns, an ANSI escape none) and never wraps; the erase starts from column 0 (`\r`), as a
// `^C` echoed by the terminal leaves the cursor mid-line. The cursor is hidden while drawing
// and shown again on close, on `exit` (the second Ctrl-C exits at once) and when the run ends.
// The failure reasons and the result line are the CLI's (run-view.ts): the final rows carry a
// mark, the status and the time, and no error text, so each reason is on screen once.

import { describe } from "./describe-event.js";
import { displayWidth, truncate } from "./text-width.js";
import type { ProgressSink, StampedEvent } from "./types.js";

export { displayWidth, truncate } from "./text-width.js";

export interface LiveStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  on?(event: "resize", listener: () => void): unknown;
  off?(event: "resize", listener: () => void): unknown;
}

export interface LiveViewOptions {
  now?: () => number;
  /** SGR colours; the CLI decides (NO_COLOR, FORCE_COLOR, a TTY). */
  color?: boolean;
  /** Where `exit` is heard; default process. Tests pass an EventEmitter. */
  exitTarget?: Pick<NodeJS.Process, "on" | "off">;
  /** Shown in the header after the first interrupt, e.g. "Ctrl-C again to quit now". */
  stopHint?: string;
  /** Redraw period for the spinner and the clocks; 0 draws only on events (tests). */
  tickMs?: number;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const ESC = "\u001b";
const HIDE_CURSOR = `${ESC}[?25l`;
const SHOW_CURSOR = `${ESC}[?25h`;
type Tone = "green" | "red" | "yellow" | "dim";
const SGR: Record<Tone, [number, number]> = {
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  dim: [2, 22],
};

/** Mark and colour per final status; the marks are one column wide in every terminal. */
const STATES: Record<string, { mark: string; tone: Tone; word?: string }> = {
  deployed: { mark: "✔", tone: "green" },
  destroyed: { mark: "✔", tone: "green" },
  unchanged: { mark: "✔", tone: "dim" },
  failed: { mark: "✖", tone: "red" },
  "rolled-back": { mark: "↺", tone: "yellow", word: "rolled back" },
  interrupted: { mark: "!", tone: "yellow" },
  skipped: { mark: "-", tone: "dim" },
};

interface Row {
  target: string;
  /** The current step while running; empty while waiting. */
  text: string;
  /** First event of the target: its clock starts there, not at run-start (it may queue). */
  started?: number;
  ended?: number;
  status?: string;
}

/** "0.4s", "12.3s", "2m05s". */
export function elapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.floor(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
}

/** Live view: see the file's header. */
export class LiveView implements ProgressSink {
  private readonly rows = new Map<string, Row>();
  private header: { command: string; stack: string; started: number } | undefined;
  private stopping = false;
  /** The run's summary arrived: it ran to its end (else close() or exit cut it short). */
  private finished = false;
  /** Widths of the lines now drawn, to know how many screen rows to erase (after a resize too). */
  private drawn: number[] = [];
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Between run-start and the end: the block is on screen. */
  private live = false;
  private closed = false;
  private readonly now: () => number;
  private readonly onResize = () => this.redraw(false);
  // The second Ctrl-C exits at once (signals.ts): the record is left as far as it went.
  private readonly onExit = () => {
    this.stopping = true;
    this.finish();
  };

  constructor(
    private readonly stream: LiveStream,
    private readonly opts: LiveViewOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  emit(e: StampedEvent): void {
    if (this.closed) return;
    switch (e.type) {
      case "run-start":
        this.header = { command: e.command, stack: e.stack, started: this.now() };
        for (const t of e.targets) this.row(t);
        this.start();
        break;
      case "step-start":
      case "retry":
      case "rollback":
      case "health":
      case "smoke": {
        const row = this.row(e.target);
        row.started ??= this.now();
        row.text = describe(e).slice(e.target.length + 2);
        break;
      }
      case "target-end": {
        const row = this.row(e.target);
        row.status = e.status;
        row.ended = this.now();
        break;
      }
      case "warning":
        this.above(describe(e));
        return;
      case "interrupt":
        this.stopping = true;
        this.above(describe(e));
        return;
      case "summary":
        // The run is over: its record stays on screen once; the result is the CLI's to print.
        this.finished = true;
        this.finish();
        return;
      case "step-end":
        break;
    }
    if (this.live) this.redraw(true);
  }

  close(): void {
    this.finish();
  }

  private row(target: string): Row {
    let r = this.rows.get(target);
    if (!r) this.rows.set(target, (r = { target, text: "" }));
    return r;
  }

  private start(): void {
    if (this.live) return;
    this.live = true;
    const tick = this.opts.tickMs ?? 100;
    if (tick > 0 && !this.timer) {
      this.timer = setInterval(() => this.redraw(true), tick);
      this.timer.unref();
    }
    this.stream.on?.("resize", this.onResize);
    (this.opts.exitTarget ?? process).on("exit", this.onExit);
  }

  /** Erases the block, draws the final rows once, shows the cursor, and stops listening. */
  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stream.off?.("resize", this.onResize);
    (this.opts.exitTarget ?? process).off("exit", this.onExit);
    if (!this.live) return;
    this.live = false;
    // Whole, not cut: nothing redraws these lines, so one that wraps costs nothing.
    const lines = [this.headerLine(true), ...[...this.rows.values()].map((r) => this.finalRow(r))];
    this.stream.write(`${this.erase()}${lines.join("\n")}\n${SHOW_CURSOR}`);
    this.drawn = [];
  }

  /** A permanent line above the block (a warning, the interrupt): erase, print, draw again. */
  private above(line: string): void {
    const body = this.live ? this.block() : undefined;
    this.stream.write(`${this.erase()}${line}\n${body?.text ?? ""}`);
    this.drawn = body?.widths ?? [];
  }

  private redraw(advance: boolean): void {
    if (!this.live) return;
    if (advance) this.frame = (this.frame + 1) % FRAMES.length;
    const body = this.block();
    this.stream.write(`${this.erase()}${body.text}`);
    this.drawn = body.widths;
  }

  /** Back to column 0, up over every screen row drawn, erase to the end of the screen. */
  private erase(): string {
    const cols = this.stream.columns ?? 80;
    // A line wider than the terminal (after it narrowed) was reflowed onto several rows.
    const rows = this.drawn.reduce((n, w) => n + Math.max(1, Math.ceil(w / Math.max(1, cols))), 0);
    return rows > 0 ? `\r${ESC}[${rows}A${ESC}[0J` : "";
  }

  /** The live block, cut to the width, and no taller than the terminal (what scrolled off cannot be erased). */
  private block(): { text: string; widths: number[] } {
    const width = this.width();
    let rows = [...this.rows.values()];
    const room = this.stream.rows !== undefined ? Math.max(1, this.stream.rows - 2) : Infinity;
    let more = "";
    if (rows.length > room) {
      // Running rows first: they are what changes; the rest is counted on one line.
      const order = (r: Row) => (r.status !== undefined ? 2 : r.started !== undefined ? 0 : 1);
      const shown = [...rows].sort((a, b) => order(a) - order(b)).slice(0, Math.max(0, room - 1));
      more = `… ${rows.length - shown.length} more`;
      rows = rows.filter((r) => shown.includes(r));
    }
    const pad = this.padWidth();
    const lines = [this.headerLine(false), ...rows.map((r) => this.liveRow(r, pad, width))];
    if (more) lines.push(this.paint("dim", more));
    const cut = lines.map((l) => truncate(l, width));
    return { text: `${HIDE_CURSOR}${cut.join("\n")}\n`, widths: cut.map(displayWidth) };
  }

  /** One column short of the terminal: a row that fills the last column wraps on some terminals. */
  private width(): number {
    return Math.max(1, (this.stream.columns ?? 80) - 1);
  }

  private padWidth(): number {
    return Math.max(0, ...[...this.rows.keys()].map(displayWidth));
  }

  private pad(target: string, to: number): string {
    return target + " ".repeat(Math.max(0, to - displayWidth(target)));
  }

  private headerLine(final: boolean): string {
    const h = this.header;
    const name = h ? `${h.command} ${h.stack}` : "";
    const took = h ? elapsed(this.now() - h.started) : "";
    if (final)
      return this.stopping || !this.finished ? `${name}: stopped after ${took}` : `${name}: done in ${took}`;
    const all = this.rows.size;
    const done = [...this.rows.values()].filter((r) => r.status !== undefined).length;
    const state = this.stopping
      ? `stopping: waiting for calls in flight${this.opts.stopHint ? `; ${this.opts.stopHint}` : ""}`
      : `${done}/${all} done`;
    return `${name}  ${this.paint("dim", `${state}  ${took}`)}`;
  }

  private liveRow(r: Row, pad: number, width: number): string {
    if (r.status !== undefined) return this.finalRow(r, pad);
    const name = this.pad(r.target, pad);
    if (r.started === undefined) return `${this.paint("dim", "·")} ${name}  ${this.paint("dim", "waiting")}`;
    const clock = `  ${elapsed(this.now() - r.started)}`;
    // The step text gives way to the width; the clock stays at the end of the row.
    const head = `${FRAMES[this.frame] ?? ""} ${name}  `;
    const room = Math.max(1, width - displayWidth(head) - clock.length);
    return `${head}${truncate(r.text, room)}${this.paint("dim", clock)}`;
  }

  private finalRow(r: Row, pad = this.padWidth()): string {
    const name = this.pad(r.target, pad);
    // A target the run never finished: interrupted once started, else never started.
    const status = r.status ?? (r.started !== undefined ? "interrupted" : "skipped");
    const look = STATES[status] ?? { mark: "•", tone: "dim" as const };
    const word = look.word ?? status;
    const time =
      r.started === undefined
        ? ""
        : ` ${r.status === undefined ? "after" : "in"} ${elapsed((r.ended ?? this.now()) - r.started)}`;
    return `${this.paint(look.tone, look.mark)} ${name}  ${this.paint(look.tone, word)}${time}`;
  }

  private paint(tone: Tone, s: string): string {
    if (!this.opts.color) return s;
    const [on, off] = SGR[tone];
    return `${ESC}[${on}m${s}${ESC}[${off}m`;
  }
}
