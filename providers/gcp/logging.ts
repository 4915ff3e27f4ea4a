// `apiship logs` on Google Cloud: Cloud Logging entries.list over the target's project, filtered
// to the resource that runs it. Cloud Run services log as resource.type "cloud_run_revision"
// with labels service_name and location; Cloud Functions gen2 (what gcp/cloud-functions and
// firebase/functions deploy, through the v2 API) run on a Cloud Run service and log under it too.
//
// - --since is a `timestamp >= "..."` term; pages follow nextPageToken.
// - --tail N asks `orderBy: "timestamp desc"` and stops once N matching entries are in hand.
// - --grep as a substring is sent as `(textPayload:"…" OR jsonPayload.message:"…")`, Cloud
//   Logging's has-operator (which ignores case: a superset, narrowed by the engine's own filter);
//   a regex is filtered here only (the API's =~ is RE2, another dialect).
// - --follow polls every other second at the quickest (entries.list allows 60 calls a minute per
//   project), from the newest timestamp seen less a few seconds for late entries, dropping what
//   it has yielded by insertId.

import { grepFilter, grepSubstring } from "../../src/core/log-grep.js";
import type { LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { followLogs } from "../_shared/log-follow.js";
import type { CloudLogEntry, GcpClients, LoggingApi } from "./clients.js";

/** The most entries.list returns in a page. */
export const PAGE_SIZE = 1000;
export const LATE_ENTRIES_MS = 5000;

/** A Cloud Logging filter string literal. */
export const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The terms that select a Cloud Run service's entries (a gen2 function's included). */
export function runServiceFilter(service: string, region: string): string {
  return [
    `resource.type = "cloud_run_revision"`,
    `resource.labels.service_name = ${quote(service)}`,
    `resource.labels.location = ${quote(region)}`,
  ].join(" AND ");
}

/** The server-side form of --grep, when there is one. */
export function grepTerm(grep: string | undefined): string | undefined {
  const text = grepSubstring(grep);
  return text === undefined
    ? undefined
    : `(textPayload:${quote(text)} OR jsonPayload.message:${quote(text)})`;
}

/** One line for an entry: its text, its JSON message, a request log's request, or its JSON. */
export function messageOf(e: CloudLogEntry): string {
  if (e.textPayload !== undefined) return e.textPayload.replace(/\r?\n$/, "");
  const m = e.jsonPayload?.message;
  if (typeof m === "string") return m;
  const r = e.httpRequest;
  if (r) return [r.requestMethod, r.requestUrl, r.status, r.latency].filter((x) => x !== undefined).join(" ");
  return e.jsonPayload ? JSON.stringify(e.jsonPayload) : "";
}

const toEntry = (e: CloudLogEntry): LogEntry => ({
  ...(e.timestamp ? { time: new Date(Date.parse(e.timestamp)).toISOString() } : {}),
  // The revision serving it: what tells two releases' lines apart.
  ...(e.resource?.labels?.revision_name ? { stream: e.resource.labels.revision_name } : {}),
  message: messageOf(e),
});

export interface LoggingTarget {
  clients: GcpClients;
  target: string;
  project: string;
  /** The resource's terms (runServiceFilter). */
  resource: string;
  signal: AbortSignal;
}

async function api(t: LoggingTarget): Promise<LoggingApi> {
  if (!t.clients.logging)
    throw new ProviderError(`target ${t.target}: no Cloud Logging client`, {
      code: "INTERNAL",
      target: t.target,
    });
  return t.clients.logging();
}

async function* pages(
  logging: LoggingApi,
  t: LoggingTarget,
  filter: string,
  orderBy: "timestamp asc" | "timestamp desc",
): AsyncIterable<CloudLogEntry[]> {
  let pageToken: string | undefined;
  do {
    const out = await logging.listEntries(
      {
        resourceNames: [`projects/${t.project}`],
        filter,
        orderBy,
        pageSize: PAGE_SIZE,
        ...(pageToken ? { pageToken } : {}),
      },
      t.signal,
    );
    yield out.entries ?? [];
    pageToken = out.nextPageToken || undefined;
  } while (pageToken && !t.signal.aborted);
}

export async function* readCloudLogging(t: LoggingTarget, query: LogQuery): AsyncIterable<LogEntry> {
  const logging = await api(t);
  const matches = grepFilter(query.grep);
  const grep = grepTerm(query.grep);
  const filterFrom = (from: Date | undefined) =>
    [
      t.resource,
      ...(from ? [`timestamp >= ${quote(from.toISOString())}`] : []),
      ...(grep ? [grep] : []),
    ].join(" AND ");
  const seen = new Map<string, number>();
  let cursor = query.since?.getTime() ?? Date.now();
  const note = (e: CloudLogEntry) => {
    const at = Date.parse(e.timestamp ?? "");
    if (e.insertId) seen.set(`${e.logName ?? ""} ${e.insertId}`, at);
    if (at > cursor) cursor = at;
  };

  if (query.tail === undefined) {
    for await (const page of pages(logging, t, filterFrom(query.since), "timestamp asc"))
      for (const e of page) {
        note(e);
        const entry = toEntry(e);
        if (matches(entry)) yield entry;
      }
  } else if (query.tail > 0) {
    const newest: LogEntry[] = [];
    for await (const page of pages(logging, t, filterFrom(query.since), "timestamp desc")) {
      for (const e of page) {
        note(e);
        const entry = toEntry(e);
        if (newest.length < query.tail && matches(entry)) newest.push(entry);
      }
      if (newest.length >= query.tail) break;
    }
    yield* newest.reverse();
  }
  if (!query.follow) return;

  yield* followLogs(
    async () => {
      const from = cursor - LATE_ENTRIES_MS;
      const fresh: LogEntry[] = [];
      for await (const page of pages(logging, t, filterFrom(new Date(from)), "timestamp asc"))
        for (const e of page) {
          if (e.insertId && seen.has(`${e.logName ?? ""} ${e.insertId}`)) continue;
          note(e);
          const entry = toEntry(e);
          if (matches(entry)) fresh.push(entry);
        }
      for (const [k, at] of seen) if (at < from) seen.delete(k);
      return fresh;
    },
    { signal: t.signal, minMs: Math.max(1, t.clients.pollIntervalMs * 2) },
  );
}
