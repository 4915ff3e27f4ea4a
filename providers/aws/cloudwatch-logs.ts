// `apiship logs` on AWS: CloudWatch Logs FilterLogEvents over the log group a platform writes to
// (Lambda: /aws/lambda/<function>; ECS: the task definition's awslogs group). Shared by both.
//
// - --since is `startTime`; pages follow `nextToken` until the API returns none.
// - --tail N asks newest first (`startFromHead: false`) and stops paging once N matching entries
//   are in hand, so a large group is not read from its beginning. CloudWatch accepts that
//   direction only with a startTime on or after 2024-01-01, so --tail without --since looks
//   back to then (older events are not shown by --tail).
// - --grep: a plain substring without a double quote is sent as a quoted-term filterPattern
//   (CloudWatch's substring match, case-sensitive like ours); a regex is filtered here only
//   (a filter pattern's `%regex%` is a different dialect). The engine filters again anyway.
// - --follow polls (providers/_shared/log-follow.ts) from the newest timestamp seen, re-reading
//   a few seconds back because events can be ingested late, and drops what it already yielded
//   by eventId.

import type * as LogsModule from "@aws-sdk/client-cloudwatch-logs";
import type {
  CloudWatchLogsClient,
  FilterLogEventsCommandInput,
  FilteredLogEvent,
} from "@aws-sdk/client-cloudwatch-logs";
import { grepFilter, grepSubstring } from "../../src/core/log-grep.js";
import type { LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { followLogs } from "../_shared/log-follow.js";
import { isNotFound, mapAwsError } from "./errors.js";

/** startFromHead: false is refused with a startTime before this. */
export const NEWEST_FIRST_FLOOR = Date.UTC(2024, 0, 1);
/** How far back each follow poll re-reads, for events ingested after later ones. */
export const LATE_INGESTION_MS = 5000;

export interface LogGroupRef {
  client: CloudWatchLogsClient;
  sdk: typeof LogsModule;
  target: string;
  group: string;
  /** Only streams with this prefix (ECS: the awslogs-stream-prefix). */
  streamPrefix?: string;
  /** Why the group may not exist, for the error when it does not. */
  missingHint: string;
  /** Shortest pause of --follow. */
  pollMs: number;
  signal: AbortSignal;
  now?: () => number;
}

/** The filterPattern for a --grep, when CloudWatch's syntax can say the same (or match more). */
export function filterPatternOf(grep: string | undefined): string | undefined {
  const text = grepSubstring(grep);
  // A quoted term cannot hold a double quote; such a pattern is filtered on this side only.
  return text === undefined || text.includes('"') ? undefined : `"${text}"`;
}

/** A stream's label: the task id of an ECS stream, the `[version]id` of a Lambda one. */
export function streamLabel(name: string | undefined): string | undefined {
  return name?.split("/").pop() || undefined;
}

const toEntry = (e: FilteredLogEvent): LogEntry => ({
  ...(e.timestamp !== undefined ? { time: new Date(e.timestamp).toISOString() } : {}),
  ...(streamLabel(e.logStreamName) ? { stream: streamLabel(e.logStreamName) as string } : {}),
  // awslogs and Lambda keep the line's newline; an entry is one line.
  message: (e.message ?? "").replace(/\r?\n$/, ""),
});

/** Every page of one FilterLogEvents search, as they arrive; `stop` ends the paging early. */
async function* pages(
  ref: LogGroupRef,
  input: FilterLogEventsCommandInput,
): AsyncIterable<FilteredLogEvent[]> {
  let nextToken: string | undefined;
  do {
    let out;
    try {
      out = await ref.client.send(
        new ref.sdk.FilterLogEventsCommand({ ...input, ...(nextToken ? { nextToken } : {}) }),
        { abortSignal: ref.signal },
      );
    } catch (e) {
      if (isNotFound(e))
        throw new ProviderError(`log group ${ref.group} does not exist`, {
          code: "NOT_FOUND",
          fault: "user",
          hint: ref.missingHint,
          target: ref.target,
          cause: e,
        });
      throw mapAwsError(e, "FilterLogEvents", ref.target);
    }
    yield out.events ?? [];
    nextToken = out.nextToken;
  } while (nextToken && !ref.signal.aborted);
}

export async function* readCloudWatchLogs(ref: LogGroupRef, query: LogQuery): AsyncIterable<LogEntry> {
  const now = ref.now ?? Date.now;
  const matches = grepFilter(query.grep);
  const filterPattern = filterPatternOf(query.grep);
  const base: FilterLogEventsCommandInput = {
    logGroupName: ref.group,
    ...(ref.streamPrefix ? { logStreamNamePrefix: ref.streamPrefix } : {}),
    ...(filterPattern ? { filterPattern } : {}),
  };
  // What has been yielded, by eventId, with its timestamp (pruned as the cursor moves on).
  const seen = new Map<string, number>();
  let cursor = query.since?.getTime() ?? now();
  const note = (e: FilteredLogEvent) => {
    if (e.eventId) seen.set(e.eventId, e.timestamp ?? 0);
    if (e.timestamp !== undefined && e.timestamp > cursor) cursor = e.timestamp;
  };

  if (query.tail === undefined) {
    const since = query.since?.getTime();
    for await (const page of pages(ref, { ...base, ...(since !== undefined ? { startTime: since } : {}) }))
      for (const e of page) {
        note(e);
        const entry = toEntry(e);
        if (matches(entry)) yield entry;
      }
  } else if (query.tail > 0) {
    const startTime = Math.max(query.since?.getTime() ?? NEWEST_FIRST_FLOOR, NEWEST_FIRST_FLOOR);
    const newest: FilteredLogEvent[] = [];
    for await (const page of pages(ref, { ...base, startTime, startFromHead: false })) {
      for (const e of page) {
        note(e);
        if (newest.length < query.tail && matches(toEntry(e))) newest.push(e);
      }
      if (newest.length >= query.tail) break;
    }
    // Newest first from the API; oldest first for the reader.
    yield* newest.reverse().map(toEntry);
  }
  if (!query.follow) return;

  yield* followLogs(
    async () => {
      const from = cursor - LATE_INGESTION_MS;
      const fresh: LogEntry[] = [];
      for await (const page of pages(ref, { ...base, startTime: Math.max(from, 0) }))
        for (const e of page) {
          if (e.eventId && seen.has(e.eventId)) continue;
          note(e);
          const entry = toEntry(e);
          if (matches(entry)) fresh.push(entry);
        }
      for (const [id, t] of seen) if (t < from) seen.delete(id);
      return fresh;
    },
    { signal: ref.signal, minMs: ref.pollMs },
  );
}
