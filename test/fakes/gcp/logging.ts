// The fake's Cloud Logging v2 entries.list (POST /v2/entries:list), as the logging-v2 discovery
// document and the query-language reference describe it: resourceNames "projects/P", orderBy
// "timestamp asc" (default) or "timestamp desc", pageSize at most 1000 (default 50), an opaque
// nextPageToken bound to the query it continues.
//
// The filter language is parsed as far as apiship writes it: comparisons joined by AND (or
// juxtaposition), parenthesized OR groups, fields resource.type, resource.labels.*, labels.*,
// logName, severity, timestamp, textPayload, jsonPayload.message, operators = != : > >= < <=,
// values double-quoted with \" and \\ escapes. Anything else (NOT, =~, unquoted values, other
// fields) is INVALID_ARGUMENT, as a bad filter is for the real API, so a test never passes on a
// filter the fake only pretends to read. `:` is a case-insensitive substring test, as Cloud
// Logging's has-operator is on strings.

import { GcpFault } from "./world.js";
import type { GcpWorld, Json } from "./world.js";

type Cmp = { field: string; op: string; value: string };
type Node = { and: Node[] } | { or: Node[] } | Cmp;

const FIELD =
  /^(resource\.type|resource\.labels\.[a-z_]+|labels\.[\w.-]+|logName|severity|timestamp|textPayload|jsonPayload\.message)$/;
const TOKEN = /\s*(\(|\)|"(?:[^"\\]|\\.)*"|>=|<=|!=|=|:|>|<|[A-Za-z_][\w.]*)/y;

function tokenize(filter: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(filter);
    if (!m) break;
    out.push(m[1] as string);
    at = TOKEN.lastIndex;
  }
  // A failed sticky match resets lastIndex: where it stopped is `at`.
  if (filter.slice(at).trim() !== "") throw bad(filter, at);
  return out;
}

const bad = (filter: string, at: number) =>
  new GcpFault(
    "INVALID_ARGUMENT",
    `Unparseable filter: syntax error at line 1, column ${at}, token '${filter.slice(at, at + 10)}'`,
  );

export function parseFilter(filter: string): Node {
  const t = tokenize(filter);
  let i = 0;
  const fail = (): never => {
    throw new GcpFault(
      "INVALID_ARGUMENT",
      `Unparseable filter: unexpected '${t[i] ?? "end of filter"}' in ${filter}`,
    );
  };
  const term = (): Node => {
    if (t[i] === "(") {
      i++;
      const n = orExpr();
      if (t[i++] !== ")") fail();
      return n;
    }
    const field = t[i++] ?? "";
    if (!FIELD.test(field)) fail();
    const op = t[i++] ?? "";
    if (![">=", "<=", "!=", "=", ":", ">", "<"].includes(op)) fail();
    const raw = t[i++] ?? "";
    if (!raw.startsWith('"')) fail();
    return { field, op, value: raw.slice(1, -1).replace(/\\(.)/g, "$1") };
  };
  const andExpr = (): Node => {
    const parts = [term()];
    while (i < t.length && t[i] !== ")" && t[i] !== "OR") {
      if (t[i] === "AND") i++;
      parts.push(term());
    }
    return parts.length === 1 ? (parts[0] as Node) : { and: parts };
  };
  const orExpr = (): Node => {
    const parts = [andExpr()];
    while (t[i] === "OR") {
      i++;
      parts.push(andExpr());
    }
    return parts.length === 1 ? (parts[0] as Node) : { or: parts };
  };
  if (t.length === 0) return { and: [] };
  const n = orExpr();
  if (i < t.length) fail();
  return n;
}

function valueOf(e: Json, field: string): unknown {
  return field
    .split(".")
    .reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Json)[k] : undefined), e);
}

function test(n: Node, e: Json): boolean {
  if ("and" in n) return n.and.every((x) => test(x, e));
  if ("or" in n) return n.or.some((x) => test(x, e));
  const v = valueOf(e, n.field);
  if (v === undefined) return n.op === "!=";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  if (n.op === ":") return s.toLowerCase().includes(n.value.toLowerCase());
  const [a, b] = n.field === "timestamp" ? [Date.parse(s), Date.parse(n.value)] : [s, n.value];
  switch (n.op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    default:
      return a <= b;
  }
}

/** Stores entries as Cloud Logging would have received them (insertId and receiveTimestamp added). */
export function writeEntries(world: GcpWorld, entries: Json[]): void {
  for (const e of entries)
    world.logEntries.push({
      insertId: `${(++world.logSeq).toString(36).padStart(8, "0")}`,
      receiveTimestamp: new Date().toISOString(),
      ...e,
    });
}

export function listEntries(world: GcpWorld, body: Json): Json {
  const names = body.resourceNames;
  if (!Array.isArray(names) || names.length === 0)
    throw new GcpFault("INVALID_ARGUMENT", "resourceNames: at least one resource name is required");
  const projects = names.map((n) => /^projects\/([^/]+)$/.exec(String(n))?.[1]);
  if (projects.some((p) => p === undefined))
    throw new GcpFault(
      "INVALID_ARGUMENT",
      `resourceNames: only projects/[PROJECT_ID] is modelled, got ${names.join(", ")}`,
    );
  for (const p of projects)
    if (world.knownProjects && !world.knownProjects.has(p as string))
      throw new GcpFault(
        "PERMISSION_DENIED",
        `Permission denied on resource project ${p} (or it may not exist).`,
      );
  const orderBy = body.orderBy ?? "timestamp asc";
  if (orderBy !== "timestamp asc" && orderBy !== "timestamp desc")
    throw new GcpFault(
      "INVALID_ARGUMENT",
      `orderBy: only "timestamp asc" and "timestamp desc" are supported, got ${String(orderBy)}`,
    );
  const size = body.pageSize === undefined ? 50 : Number(body.pageSize);
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    throw new GcpFault(
      "INVALID_ARGUMENT",
      `pageSize must be between 1 and 1000, got ${String(body.pageSize)}`,
    );
  const filter = String(body.filter ?? "");
  const node = parseFilter(filter);
  const q = JSON.stringify([projects, orderBy, filter]);
  let from = 0;
  if (body.pageToken !== undefined && body.pageToken !== "") {
    try {
      const t = JSON.parse(Buffer.from(String(body.pageToken), "base64url").toString("utf8")) as {
        q: string;
        o: number;
      };
      if (t.q !== q || !Number.isInteger(t.o)) throw new Error("other query");
      from = t.o;
    } catch {
      throw new GcpFault("INVALID_ARGUMENT", "page_token doesn't match arguments from the request");
    }
  }
  const inProject = (e: Json) =>
    projects.some((p) => String(e.logName ?? "").startsWith(`projects/${p}/logs/`));
  const all = world.logEntries
    .filter((e) => inProject(e) && test(node, e))
    .sort((a, b) => Date.parse(String(a.timestamp)) - Date.parse(String(b.timestamp)));
  if (orderBy === "timestamp desc") all.reverse();
  const limit = Math.min(size, world.logPageLimit);
  const page = all.slice(from, from + limit);
  const out: Json = { entries: page.map((e) => structuredClone(e)) };
  if (from + limit < all.length)
    out.nextPageToken = Buffer.from(JSON.stringify({ q, o: from + limit })).toString("base64url");
  return out;
}
