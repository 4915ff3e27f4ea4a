// `apiship logs` on Heroku: a log session (POST /apps/{app}/log-sessions) whose logplex_url
// returns the app's recent lines, `<RFC3339 time> <source>[<process>]: <message>`; the process
// (web.1, router, api) is the entry's stream.
//
// Heroku keeps only the last 1500 lines and its API takes no time bound, so --since is cut
// here by each line's time, and --tail N asks for N lines (1500 with --grep, then the newest N
// matching). --follow polls a new session every other second at the quickest (the API allows
// 4500 calls an hour) rather than holding a `tail: true` stream open, and drops the lines it has
// already printed: those at or before the newest time seen, compared whole.

import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import { snapshotLogs } from "../_shared/log-follow.js";
import type { TimedLine } from "../_shared/log-follow.js";
import type { HerokuClients } from "./clients.js";
import type { HerokuState } from "./state.js";

/** The history Heroku keeps, and the most lines a session sends. */
export const MAX_LINES = 1500;

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ([\w-]+)\[([^\]]+)\]: ?(.*)$/;

export function parseLogplex(raw: string): TimedLine {
  const m = LINE.exec(raw);
  if (!m) return { message: raw, at: Number.NaN, raw };
  const stamp = (m[1] as string).replace(/(\.\d{3})\d+/, "$1");
  const at = Date.parse(stamp);
  return { time: new Date(at).toISOString(), stream: m[3] as string, message: m[4] as string, at, raw };
}

async function session(ctx: Ctx<HerokuClients>, app: string, lines: number): Promise<TimedLine[]> {
  const s = await ctx.clients.api.createLogSession(app, { lines, tail: false }, ctx.signal);
  const text = await ctx.clients.api.readLogSession(s.logplex_url, ctx.signal);
  return text
    .split(/\r?\n/)
    .filter((l) => l !== "")
    .map(parseLogplex);
}

export async function* herokuLogs(
  ctx: Ctx<HerokuClients>,
  state: HerokuState,
  query: LogQuery,
): AsyncIterable<LogEntry> {
  const ask =
    query.tail !== undefined && !query.grep ? Math.min(Math.max(query.tail, 1), MAX_LINES) : MAX_LINES;
  // Each poll asks for all the lines Heroku keeps, whatever the first read asked for.
  yield* snapshotLogs((again) => session(ctx, state.app, again ? MAX_LINES : ask), query, {
    signal: ctx.signal,
    minMs: Math.max(1, ctx.clients.timing.pollMs * 2),
  });
}
