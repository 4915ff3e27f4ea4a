// `apiship logs --follow` on a cloud: no log API apiship reads pushes entries, so following is
// polling. The pause doubles while nothing arrives (a quiet service is asked less and less
// often, up to a few seconds) and drops back to the shortest as soon as something does, so a
// burst is shown promptly. The run's signal ends it at once, mid-pause included.

import type { LogEntry } from "../../src/core/provider.js";

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
