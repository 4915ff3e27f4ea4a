// Progress output for deploy, destroy and rollback (DESIGN.md §6): the engine emits events,
// a sink renders them. `tty` is the live view (live-view.ts: one row per target, redrawn in
// place on a terminal); `plain` writes one timestamped line per event for CI logs; `ndjson`
// writes each event as one JSON line for `--json`; `silent` drops them. Sinks write only to
// the stream they are given: this is part of the CLI's output layer.

import { LiveView } from "./live-view.js";
import type { LiveStream, LiveViewOptions } from "./live-view.js";
import { describe } from "./describe-event.js";
import type { ProgressSink, StampedEvent } from "./types.js";

export { describe } from "./describe-event.js";

/** What a sink writes to: process.stderr, or a test's fake (columns, rows and resize: the live view's). */
export type ProgressStream = LiveStream;

export type SinkKind = "tty" | "plain" | "ndjson" | "silent";

/**
 * `tty` when the stream is a terminal that can move its cursor and not CI, else `plain`;
 * `--json` picks ndjson itself. A `dumb` terminal cannot erase what the live view drew.
 */
export function defaultSinkKind(stream: ProgressStream, env: Record<string, string | undefined>): SinkKind {
  return stream.isTTY === true && !env.CI && env.TERM !== "dumb" ? "tty" : "plain";
}

export function createSink(kind: SinkKind, stream: ProgressStream, opts: LiveViewOptions = {}): ProgressSink {
  switch (kind) {
    case "ndjson":
      return { emit: (e) => void stream.write(`${JSON.stringify(e)}\n`), close: () => undefined };
    case "plain":
      return { emit: (e) => void stream.write(`${e.at} ${describe(e)}\n`), close: () => undefined };
    case "tty":
      return new LiveView(stream, opts);
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
