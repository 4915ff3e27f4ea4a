// The fake's log sessions: POST /apps/{app}/log-sessions (body checked against the schema's
// log-session link like every other) answers a logplex_url on this server, and GET of that URL
// (no Accept, no API key: the URL is the credential, as logplex's is) returns the app's last
// `lines` lines (default 100; Heroku keeps the last 1500, so asking more gets those) as
// `<time> <source>[<process>]: <text>`. Each session is read once (Heroku's stay readable for
// about five minutes; apiship reads each once); a `tail: true` session answers what there is
// and ends (the fake holds no stream open). What the app printed is written by tests with writeAppLog().

import { randomUUID } from "node:crypto";
import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { findApp } from "./apps.js";
import type { Handler } from "./apps.js";
import type { HerokuWorld } from "./world.js";

export interface AppLogLine {
  at: number;
  /** "app" or "heroku". */
  source: string;
  /** The process: web.1, router, api. */
  dyno: string;
  text: string;
}

const KEPT = 1500;
const books = new WeakMap<
  HerokuWorld,
  { lines: Map<string, AppLogLine[]>; sessions: Map<string, { app: string; lines: number }> }
>();
const book = (w: HerokuWorld) => {
  let b = books.get(w);
  if (!b) books.set(w, (b = { lines: new Map(), sessions: new Map() }));
  return b;
};

/** Appends lines to an app's log; Heroku keeps the newest 1500. */
export function writeAppLog(w: HerokuWorld, app: string, lines: AppLogLine[]): void {
  const all = [...(book(w).lines.get(app) ?? []), ...lines].sort((a, b) => a.at - b.at);
  book(w).lines.set(app, all.slice(-KEPT));
}

// logplex stamps to the microsecond with an offset: 2026-12-07T10:00:00.123456+00:00.
const stamp = (at: number) => new Date(at).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");

const createSession: Handler = (w, req, m) => {
  const fa = findApp(w, m[1] as string);
  if (!("app" in fa)) return fa;
  const body = (req.json ?? {}) as { lines?: number };
  // The schema checked it is an integer; logplex holds no more than 1500 lines to send.
  const lines = Math.min(Math.max(body.lines ?? 100, 0), KEPT);
  const id = randomUUID();
  book(w).sessions.set(id, { app: fa.app.name, lines });
  const now = new Date().toISOString();
  return {
    status: 201,
    body: {
      id,
      logplex_url: `${w.baseUrl}/__logplex/sessions/${id}?srv=1325419200`,
      created_at: now,
      updated_at: now,
    },
  };
};

export const LOG_ROUTES: [string, RegExp, Handler][] = [
  ["POST", /^\/apps\/([^/]+)\/log-sessions$/, createSession],
];

/** GET of a logplex_url; undefined for any other path. */
export function handleLogplex(w: HerokuWorld, req: FakeRequest): FakeResponse | undefined {
  const m = /^\/__logplex\/sessions\/([^/]+)$/.exec(req.path);
  if (!m) return undefined;
  const s = book(w).sessions.get(m[1] as string);
  if (!s || req.method !== "GET") return { status: 404, body: "Not Found" };
  book(w).sessions.delete(m[1] as string);
  const lines = (book(w).lines.get(s.app) ?? []).slice(-s.lines);
  return {
    status: 200,
    headers: { "content-type": "text/plain" },
    body: lines.map((l) => `${stamp(l.at)} ${l.source}[${l.dyno}]: ${l.text}\n`).join(""),
  };
}
