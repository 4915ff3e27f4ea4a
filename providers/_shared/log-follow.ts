// `apiship logs --follow` on a cloud: no log API apiship reads pushes entries, so following is
// polling. The pause doubles while nothing arrives (a quiet service is asked less and less
// often, up to a few seconds) and drops back to the shortest as soon as something does, so a
// burst is shown promptly. The run's signal ends it at once, mid-pause included.

import { grepFilter } from "../../src/core/log-grep.js";
import type { LogEntry, LogQuery } from "../../src/core/provider.js";

export interface FollowOptions {
  signal: AbortSignal;
  /** First and shortest pause, in milliseconds (default 1000). */
  minMs?: number;
  /** Longest pause (default 5000). */
  maxMs?: number;
  /** Injected for tests: resolves after `ms`, or at once when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Resolves after `ms`, or as soon as the signal aborts (never rejects: an abort is the end). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The pauses the loop takes: doubling from min to max while `got` is 0, back to min when not. */
export function nextPause(current: number, got: number, minMs: number, maxMs: number): number {
  return got > 0 ? minMs : Math.min(current * 2, maxMs);
}

/**
 * Calls `next()` after each pause and yields what it returns, until the signal aborts. `next`
 * keeps its own cursor (a last timestamp, a page token) and returns only entries not yet seen.
 */
export async function* followLogs(
  next: () => Promise<LogEntry[]>,
  opts: FollowOptions,
): AsyncIterable<LogEntry> {
  const minMs = opts.minMs ?? 1000;
  const maxMs = Math.max(opts.maxMs ?? 5000, minMs);
  const wait = opts.sleep ?? pause;
  let ms = minMs;
  for (;;) {
    await wait(ms, opts.signal);
    if (opts.signal.aborted) return;
    const entries = await next();
    yield* entries;
    ms = nextPause(ms, entries.length, minMs, maxMs);
  }
}

/** The newest `tail` entries of an oldest-first list (all of them without a tail). */
export function newest<T>(entries: T[], tail: number | undefined): T[] {
  return tail === undefined ? entries : tail === 0 ? [] : entries.slice(-tail);
}

/** A parsed log line with what `snapshotLogs` compares: its time and the line as read. */
export interface TimedLine extends LogEntry {
  /** Milliseconds since the epoch (NaN, or a reader's stand-in, for a line without a time). */
  at: number;
  /** The line as read, to tell apart lines of the same time. */
  raw: string;
}

const entry = ({ at: _at, raw: _raw, ...e }: TimedLine): LogEntry => e;

/**
 * `apiship logs` from an API that answers the whole recent log (oldest first) on every read,
 * with no time bound or cursor of its own: --since, --grep and --tail are cut here from the
 * first read (`read(false)`). With --follow, each poll reads again (`read(true)`) and drops what
 * was printed: the lines before the newest time seen, and those at that time already seen,
 * compared whole (several lines can share a time, and a later read may bring more of them).
 */
export async function* snapshotLogs(
  read: (again: boolean) => Promise<TimedLine[]>,
  query: LogQuery,
  opts: FollowOptions,
): AsyncIterable<LogEntry> {
  const matches = grepFilter(query.grep);
  const since = query.since?.getTime();
  const after = (l: TimedLine) => since === undefined || !(l.at < since);
  const first = await read(false);
  yield* newest(
    first.filter((l) => after(l) && matches(l)),
    query.tail,
  ).map(entry);
  if (!query.follow) return;

  let cursor = first.reduce((t, l) => (l.at > t ? l.at : t), since ?? 0);
  let atCursor = new Set(first.filter((l) => l.at === cursor).map((l) => l.raw));
  yield* followLogs(async () => {
    const fresh = (await read(true)).filter(
      (l) => l.at > cursor || (l.at === cursor && !atCursor.has(l.raw)),
    );
    for (const l of fresh) {
      if (l.at > cursor) {
        cursor = l.at;
        atCursor = new Set();
      }
      if (l.at === cursor) atCursor.add(l.raw);
    }
    return fresh.filter((l) => after(l) && matches(l)).map(entry);
  }, opts);
}
