// Which operations a smoke test calls (issue 23 item 3). Only GET: a smoke test must never
// change what the API holds, so no other method is ever chosen, however harmless it looks. A
// GET is called when every required parameter can be filled from the document's own examples,
// it needs no request body and no credentials; the first `budget` of those, in the order the
// document lists them, are called. Each one left out is named with the reason.

import { primaryBasePath } from "./paths.js";
import { fillParameter, parametersOf } from "./parameters.js";
import type { JsonRecord } from "./values.js";
import { isRecord } from "./values.js";

/** At most this many operations are called per target and release. */
export const SMOKE_BUDGET = 20;

export interface OperationRef {
  method: string;
  /** The `paths` key (a template). */
  path: string;
  operationId?: string;
}

export interface SmokeOperation extends OperationRef {
  /** What to request under the endpoint: base path, filled path, query. */
  target: string;
  headers: Record<string, string>;
  /** The operation's (dereferenced) responses. */
  responses: JsonRecord;
}

export interface SkippedOperation extends OperationRef {
  reason: string;
}

export interface Selection {
  operations: SmokeOperation[];
  skipped: SkippedOperation[];
}

/** Security an operation requires: its own, else the document's; `{}` among them means none. */
function needsCredentials(doc: JsonRecord, op: JsonRecord): boolean {
  const security = Array.isArray(op.security) ? op.security : doc.security;
  if (!Array.isArray(security) || security.length === 0) return false;
  return !security.some((s) => isRecord(s) && Object.keys(s).length === 0);
}

function ref(path: string, op: JsonRecord): OperationRef {
  return {
    method: "GET",
    path,
    ...(typeof op.operationId === "string" ? { operationId: op.operationId } : {}),
  };
}

/** The filled request of one GET, or why it cannot be made. */
function plan(
  doc: JsonRecord,
  base: string,
  path: string,
  item: JsonRecord,
  op: JsonRecord,
): { reason: string } | { target: string; headers: Record<string, string> } {
  if (isRecord(op.requestBody) && op.requestBody.required === true)
    return { reason: "it requires a request body" };
  if (needsCredentials(doc, op)) return { reason: "it requires credentials (security)" };
  let filled = path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const p of parametersOf(item, op)) {
    const required = p.in === "path" || p.required === true;
    if (!required) continue;
    const value = fillParameter(p);
    if (value === undefined) return { reason: `required ${p.in} parameter ${p.name} has no example to send` };
    if (p.in === "path") filled = filled.split(`{${p.name}}`).join(value.path);
    else if (p.in === "query") for (const [k, v] of value.query) query.append(k, v);
    else if (p.in === "header") headers[p.name.toLowerCase()] = value.header;
    else if (p.in === "cookie") cookies.push(`${p.name}=${value.header}`);
  }
  if (cookies.length > 0) headers.cookie = cookies.join("; ");
  const search = query.toString();
  return { target: `${base}${filled}${search ? `?${search}` : ""}`, headers };
}

/** The GET operations to call, in document order, at most `budget`; the rest with their reasons. */
export function selectOperations(doc: JsonRecord, budget = SMOKE_BUDGET): Selection {
  const base = primaryBasePath(doc);
  const paths = isRecord(doc.paths) ? doc.paths : {};
  const operations: SmokeOperation[] = [];
  const skipped: SkippedOperation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item) || !isRecord(item.get)) continue;
    const op = item.get;
    const which = ref(path, op);
    const made = plan(doc, base, path, item, op);
    if ("reason" in made) skipped.push({ ...which, reason: made.reason });
    else if (operations.length >= budget)
      skipped.push({ ...which, reason: `over the budget of ${budget} calls` });
    else {
      const responses = isRecord(op.responses) ? op.responses : {};
      operations.push({ ...which, ...made, responses });
    }
  }
  return { operations, skipped };
}
