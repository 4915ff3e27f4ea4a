// `apiship logs` on Heroku: a log session (POST /apps/{app}/log-sessions) whose logplex_url
// returns the app's recent lines, `<RFC3339 time> <source>[<process>]: <message>`; the process
// (web.1, router, api) is the entry's stream.
//
// Heroku keeps only the last 1500 lines and its API takes no time bound, so --since is cut
// here by each line's time, and --tail N asks for N lines (1500 with --grep, then the newest N
// matching). --follow polls a new session every other second at the quickest (the API allows
// 4500 calls an hour) rather than holding a `tail: true` stream open, and drops the lines it has
// already printed: those at or before the newest time seen, compared whole.

import { grepFilter } from "../../src/core/log-grep.js";
import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import { followLogs, newest } from "../_shared/log-follow.js";
import type { HerokuClients } from "./clients.js";
import type { HerokuState } from "./state.js";

/** The history Heroku keeps, and the most lines a session sends. */
export const MAX_LINES = 1500;

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ([\w-]+)\[([^\]]+)\]: ?(.*)$/;

interface Line extends LogEntry {
  at: number;
  raw: string;
}

export function parseLogplex(raw: string): Line {
  const m = LINE.exec(raw);
  if (!m) return { message: raw, at: Number.NaN, raw };
  const stamp = (m[1] as string).replace(/(\.\d{3})\d+/, "$1");
  const at = Date.parse(stamp);
  return { time: new Date(at).toISOString(), stream: m[3] as string, message: m[4] as string, at, raw };
}

async function session(ctx: Ctx<HerokuClients>, app: string, lines: number): Promise<Line[]> {
  const s = await ctx.clients.api.createLogSession(app, { lines, tail: false }, ctx.signal);
  const text = await ctx.clients.api.readLogSession(s.logplex_url, ctx.signal);
  return text
    .split(/\r?\n/)
    .filter((l) => l !== "")
    .map(parseLogplex);
}

const entry = ({ at: _at, raw: _raw, ...e }: Line): LogEntry => e;

export async function* herokuLogs(
  ctx: Ctx<HerokuClients>,
  state: HerokuState,
  query: LogQuery,
): AsyncIterable<LogEntry> {
  const matches = grepFilter(query.grep);
  const since = query.since?.getTime();
  const after = (l: Line) => since === undefined || !(l.at < since);
  const ask =
    query.tail !== undefined && !query.grep ? Math.min(Math.max(query.tail, 1), MAX_LINES) : MAX_LINES;
  const first = await session(ctx, state.app, ask);
  yield* newest(
    first.filter((l) => after(l) && matches(l)),
    query.tail,
  ).map(entry);
  if (!query.follow) return;

  let cursor = first.reduce((t, l) => (l.at > t ? l.at : t), since ?? 0);
  let atCursor = new Set(first.filter((l) => l.at === cursor).map((l) => l.raw));
  yield* followLogs(
    async () => {
      const fresh = (await session(ctx, state.app, MAX_LINES)).filter(
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
    },
    { signal: ctx.signal, minMs: Math.max(1, ctx.clients.timing.pollMs * 2) },
  );
}
