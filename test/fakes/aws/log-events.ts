// The fake's CloudWatch Logs events: FilterLogEvents as the SDK's model (FilterLogEventsRequest /
// FilteredLogEvent in @aws-sdk/client-cloudwatch-logs) and the API reference describe it, and a
// seeding helper standing in for what Lambda and the awslogs driver write.
//
// - events sorted by timestamp (interleaved across streams), oldest first, or newest first with
//   startFromHead: false (refused, as CloudWatch does, without a startTime on or after 2024-01-01);
// - pages of at most min(limit, world.logs.pageLimit) events, with an opaque nextToken bound to
//   the query it continues (a token from another query is InvalidParameterException);
// - filterPattern: quoted phrases and bare terms, every one of which must occur (case-sensitive);
//   anything else CloudWatch's syntax has (?OR, -NOT, {JSON}, [fields], %regex%) is refused so a
//   test never passes on a pattern the fake only pretends to understand;
// - ResourceNotFoundException for a group that does not exist.

import { fail, ok } from "./containers.js";
import type { Op, Params } from "./containers.js";
import type { FakeLogEvent } from "./containers-world.js";
import type { FakeWorld } from "./world.js";

const NEWEST_FIRST_FLOOR = Date.UTC(2024, 0, 1);
const invalid = (m: string) => fail("InvalidParameterException", m);

/** Appends events to a group, creating it (Lambda creates /aws/lambda/<fn> on the first line). */
export function appendLogEvents(
  w: FakeWorld,
  group: string,
  stream: string,
  events: { timestamp: number; message: string }[],
): void {
  let g = w.logs.groups.get(group);
  if (!g) {
    g = {
      name: group,
      arn: `arn:aws:logs:${w.region}:${w.account}:log-group:${group}`,
      tags: {},
      created: w.now(),
    };
    w.logs.groups.set(group, g);
  }
  const list = (g.events ??= []);
  for (const e of events)
    // eventIds are 56-digit decimal strings in CloudWatch.
    list.push({
      ...e,
      logStreamName: stream,
      ingestionTime: w.now(),
      eventId: String(++w.logs.seq).padStart(56, "0"),
    });
  list.sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
}

/** The terms of a filter pattern, or an error message for syntax the fake does not take. */
export function parsePattern(pattern: string): string[] | string {
  const text = pattern.trim();
  if (text === "") return [];
  if (/^[{[%]/.test(text) || /(^|\s)[?-]/.test(text))
    return `the fake does not model filter pattern ${pattern}`;
  if ((text.split('"').length - 1) % 2 === 1) return "Invalid filter pattern: unbalanced quotes";
  return [...text.matchAll(/"([^"]*)"|([^\s"]+)/g)].map((m) => (m[1] ?? m[2]) as string);
}

interface Token {
  q: string;
  o: number;
}

const encode = (t: Token) => Buffer.from(JSON.stringify(t)).toString("base64url");
function decode(s: string): Token | undefined {
  try {
    const t = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Token;
    return typeof t.q === "string" && Number.isInteger(t.o) ? t : undefined;
  } catch {
    return undefined;
  }
}

const filterLogEvents: Op = (w, input: Params) => {
  const name = input.logGroupName as string | undefined;
  const ident = input.logGroupIdentifier as string | undefined;
  if ((name === undefined) === (ident === undefined))
    return invalid("Exactly one of logGroupName or logGroupIdentifier must be specified");
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined)
    return invalid("logStreamNames and logStreamNamePrefix cannot both be specified");
  const limit = input.limit === undefined ? 10_000 : Number(input.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    return invalid(
      `1 validation error detected: Value '${String(input.limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000`,
    );
  const head = input.startFromHead !== false;
  const start = input.startTime === undefined ? undefined : Number(input.startTime);
  const end = input.endTime === undefined ? undefined : Number(input.endTime);
  if (!head && (start === undefined || start < NEWEST_FIRST_FLOOR))
    return invalid("startFromHead false requires a startTime on or after January 1, 2024 00:00:00 UTC");
  const terms = parsePattern(String(input.filterPattern ?? ""));
  if (typeof terms === "string") return invalid(terms);
  const groupName =
    name ??
    String(ident)
      .replace(/^arn:aws[\w-]*:logs:[^:]*:\d+:log-group:/, "")
      .replace(/:\*$/, "");
  const g = w.logs.groups.get(groupName);
  if (!g) return fail("ResourceNotFoundException", "The specified log group does not exist.");

  const streams = input.logStreamNames as string[] | undefined;
  const prefix = input.logStreamNamePrefix as string | undefined;
  const matched = (g.events ?? []).filter(
    (e: FakeLogEvent) =>
      (start === undefined || e.timestamp >= start) &&
      (end === undefined || e.timestamp <= end) &&
      (!streams || streams.includes(e.logStreamName)) &&
      (prefix === undefined || e.logStreamName.startsWith(prefix)) &&
      terms.every((t) => e.message.includes(t)),
  );
  const ordered = head ? matched : [...matched].reverse();
  const q = JSON.stringify([groupName, streams, prefix, start, end, input.filterPattern, head]);
  let offset = 0;
  if (input.nextToken !== undefined) {
    const t = decode(String(input.nextToken));
    if (!t || t.q !== q) return invalid("The specified nextToken is invalid.");
    offset = t.o;
  }
  const size = Math.min(limit, w.logs.pageLimit);
  const events = ordered.slice(offset, offset + size);
  const more = offset + size < ordered.length;
  return ok({
    events: events.map((e) => ({ ...e })),
    searchedLogStreams: [],
    ...(more ? { nextToken: encode({ q, o: offset + size }) } : {}),
  });
};

export const LOG_EVENT_OPS: Record<string, Op> = { FilterLogEvents: filterLogEvents };
