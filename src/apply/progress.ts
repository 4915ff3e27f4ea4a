// Progress output for deploy, destroy and rollback (DESIGN.md §6): the engine emits events,
// a sink renders them. `tty` keeps one live line per target (spinner, current step, elapsed
// time) and redraws with ANSI only on a TTY; `plain` writes one timestamped line per event for
// CI logs; `ndjson` writes each event as one JSON line for `--json`; `silent` drops them.
// Sinks write only to the stream they are given: this is part of the CLI's output layer.

import type { ProgressEvent, ProgressSink, StampedEvent } from "./types.js";

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export type SinkKind = "tty" | "plain" | "ndjson" | "silent";

/** `tty` when the stream is a terminal and not CI, else `plain`; `--json` picks ndjson itself. */
export function defaultSinkKind(stream: ProgressStream, env: Record<string, string | undefined>): SinkKind {
  return stream.isTTY === true && !env.CI ? "tty" : "plain";
}

export function createSink(
  kind: SinkKind,
  stream: ProgressStream,
  opts: { now?: () => number } = {},
): ProgressSink {
  switch (kind) {
    case "ndjson":
      return { emit: (e) => void stream.write(`${JSON.stringify(e)}\n`), close: () => undefined };
    case "plain":
      return { emit: (e) => void stream.write(`${e.at} ${describe(e)}\n`), close: () => undefined };
    case "tty":
      return new TtySink(stream, opts.now ?? Date.now);
    case "silent":
      return { emit: () => undefined, close: () => undefined };
  }
}

/** Collects events in memory: for tests and for the CLI's `--json` result. */
export function memorySink(): ProgressSink & { events: StampedEvent[] } {
  const events: StampedEvent[] = [];
  return { events, emit: (e) => void events.push(e), close: () => undefined };
}

/** Sends each event to every sink. */
export function teeSink(...sinks: ProgressSink[]): ProgressSink {
  return { emit: (e) => sinks.forEach((s) => s.emit(e)), close: () => sinks.forEach((s) => s.close()) };
}

/** One human line per event (plain sink, and the final lines of the tty sink). */
export function describe(e: ProgressEvent): string {
  switch (e.type) {
    case "run-start":
      return `${e.command} ${e.stack}: ${e.targets.length} target(s): ${e.targets.join(", ")}`;
    case "step-start":
      return `${e.target}: ${e.step}...`;
    case "step-end":
      return `${e.target}: ${e.step} ${e.ok ? "done" : `failed: ${e.error?.message ?? ""}`}`;
    case "retry":
      return `${e.target}: ${e.step} failed (${e.code}), attempt ${e.attempt + 1} in ${e.delayMs} ms`;
    case "health": {
      if (e.via === "platform")
        return `${e.target}: health ${e.ok ? "ok" : "not yet"} (${e.url}: ${e.ok ? "ready" : (e.error ?? "unknown")}, attempt ${e.attempts})`;
      const got = e.status !== undefined ? `HTTP ${e.status}` : (e.error ?? "no response");
      const body = !e.ok && e.body ? ` body ${JSON.stringify(e.body)}` : "";
      return `${e.target}: health ${e.ok ? "ok" : "failed"} (GET ${e.url}: ${got}, ${e.latencyMs} ms, attempt ${e.attempts})${body}`;
    }
    case "rollback":
      return e.phase === "start"
        ? `${e.target}: rolling back (${e.method}) to release ${e.toRelease ?? "?"}`
        : `${e.target}: rollback ${e.ok ? "done" : `failed: ${e.error?.message ?? ""}`}`;
    case "target-end":
      return `${e.target}: ${e.status}${e.attempts > 1 ? ` after ${e.attempts} attempts` : ""}${e.error ? `: ${e.error.message}` : ""}`;
    case "warning":
      return `warning: ${e.target ? `${e.target}: ` : ""}${e.message}`;
    case "interrupt":
      return `interrupted: ${e.message}`;
    case "summary":
      return [`${e.stack}: ${e.result} (exit ${e.exitCode})`, ...e.lines.map((l) => `  ${l}`)].join("\n");
  }
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

interface Line {
  target: string;
  text: string;
  started: number;
  done: boolean;
  /** When the target finished: its elapsed time stops there. */
  ended?: number;
}

/** Live view: one line per target, redrawn in place; other events print above it. */
class TtySink implements ProgressSink {
  private readonly lines = new Map<string, Line>();
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number,
  ) {}

  emit(e: StampedEvent): void {
    if (e.type === "run-start") {
      for (const t of e.targets)
        this.lines.set(t, { target: t, text: "waiting", started: this.now(), done: false });
      this.timer ??= setInterval(() => this.redraw(), 100);
      this.timer.unref();
    } else if (
      e.type === "step-start" ||
      e.type === "retry" ||
      e.type === "rollback" ||
      e.type === "health"
    ) {
      this.line(e.target).text = describe(e).slice(e.target.length + 2);
    } else if (e.type === "target-end") {
      Object.assign(this.line(e.target), {
        text: describe(e).slice(e.target.length + 2),
        done: true,
        ended: this.now(),
      });
    } else if (e.type === "summary") {
      // The run is over: leave the final lines in place, once, and the summary under them.
      this.redraw();
      this.drawn = 0;
      this.close();
      this.stream.write(`${describe(e)}\n`);
      return;
    } else if (e.type === "warning" || e.type === "interrupt") {
      this.clear();
      this.stream.write(`${describe(e)}\n`);
    }
    if (this.timer) this.redraw();
  }

  private line(target: string): Line {
    let l = this.lines.get(target);
    if (!l) this.lines.set(target, (l = { target, text: "", started: this.now(), done: false }));
    return l;
  }

  private clear(): void {
    if (this.drawn > 0) this.stream.write(`\u001b[${this.drawn}A\u001b[0J`);
    this.drawn = 0;
  }

  private redraw(): void {
    this.clear();
    this.frame = (this.frame + 1) % FRAMES.length;
    const width = Math.max(0, ...[...this.lines.keys()].map((k) => k.length));
    const rows = [...this.lines.values()].map((l) => {
      const mark = l.done ? "•" : FRAMES[this.frame];
      const secs = (((l.ended ?? this.now()) - l.started) / 1000).toFixed(1);
      return `${mark} ${l.target.padEnd(width)}  ${l.text}  ${secs}s`;
    });
    if (rows.length > 0) this.stream.write(`${rows.join("\n")}\n`);
    this.drawn = rows.length;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
