// `apiship logs` on DigitalOcean Functions: the action's activations. Functions is Apache
// OpenWhisk, and its namespace API host lists activations (GET
// /api/v1/namespaces/{ns}/activations?name=&since=&limit=&skip=&docs=true), newest first,
// each with the `logs` its run printed: "<RFC3339 with nanoseconds> stdout|stderr: <text>".
// DigitalOcean's OpenAPI does not describe that host (only /v2/functions/namespaces), so this
// follows OpenWhisk's API, authenticated with the namespace's key as the actions calls are.
//
// Each line is an entry: its own stamp is the time (an activation's lines are not all at its
// start), stdout/stderr the stream, and the activation's id leads the message so the lines of
// one run can be told apart. --since is sent as `since` a minute early (it is on the
// activation's start, and a run that began just before prints after) and cut here by each
// line's time. --tail N pages (200 activations a page,
// OpenWhisk's most) only until N lines are in hand (all pages with --grep, which is applied
// here). --follow polls from a minute before the newest start seen (OpenWhisk lists a run once
// it has ended, so a run that started earlier may appear after a newer one; one running longer
// than that minute past a newer start can be missed) and drops the lines already printed.

import { grepFilter } from "../../src/core/log-grep.js";
import { ProviderError } from "../../src/errors.js";
import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import { followLogs, newest } from "../_shared/log-follow.js";
import type { DoClients } from "./clients.js";
import type { FnState } from "./fn-plan.js";
import type { NamespaceInfo, WhiskActivation } from "./types.js";

/** OpenWhisk's largest page. */
export const PAGE = 200;
/** The most activations one read lists (50 pages): a bound on a busy function's history. */
export const MAX_ACTIVATIONS = 10_000;
/** How far before --since, and before the newest start on each --follow poll, runs are listed. */
const LOOKBACK_MS = 60_000;

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))\s+(stdout|stderr):\s?(.*)$/s;

interface Line extends LogEntry {
  at: number;
  key: string;
}

/** One OpenWhisk log line; a line without the stamp takes the activation's start. */
export function parseActivationLine(raw: string, act: WhiskActivation, index: number): Line {
  const key = `${act.activationId}#${index}`;
  const m = LINE.exec(raw);
  const id = act.activationId.slice(0, 12);
  if (!m) return { time: new Date(act.start).toISOString(), message: `${id} ${raw}`, at: act.start, key };
  const at = Date.parse((m[1] as string).replace(/(\.\d{3})\d+/, "$1"));
  return {
    time: new Date(at).toISOString(),
    stream: m[2] as string,
    message: `${id} ${m[3] as string}`,
    at,
    key,
  };
}

const linesOf = (acts: WhiskActivation[]): Line[] =>
  acts.flatMap((a) => (a.logs ?? []).map((l, i) => parseActivationLine(l, a, i))).sort((x, y) => x.at - y.at);

/** Activations started at or after `since`, paged newest first until `enough` lines are in hand. */
async function activations(
  ctx: Ctx<DoClients>,
  ns: NamespaceInfo,
  name: string,
  since: number | undefined,
  enough: number,
): Promise<WhiskActivation[]> {
  const out: WhiskActivation[] = [];
  let lines = 0;
  for (let skip = 0; skip < MAX_ACTIVATIONS; skip += PAGE) {
    const page = await ctx.clients.api.listActivations(ns, { name, since, limit: PAGE, skip }, ctx.signal);
    out.push(...page);
    lines += page.reduce((n, a) => n + (a.logs?.length ?? 0), 0);
    if (page.length < PAGE || lines >= enough) break;
  }
  return out;
}

const entry = ({ at: _at, key: _key, ...e }: Line): LogEntry => e;

export async function* functionLogs(
  ctx: Ctx<DoClients>,
  state: FnState,
  query: LogQuery,
): AsyncIterable<LogEntry> {
  if (!state.namespace)
    throw new ProviderError(`${state.name} has no functions namespace recorded`, {
      code: "NotFound",
      fault: "user",
      target: ctx.clients.target,
      hint: "deploy the target first: its logs are its activations in the namespace",
    });
  // The namespace's key is a credential and is not kept in the state: read it again.
  const ns = await ctx.clients.api.getNamespace(state.namespace.namespace, ctx.signal);
  const matches = grepFilter(query.grep);
  const since = query.since?.getTime();
  const after = (l: Line) => since === undefined || !(l.at < since);
  const enough = query.tail !== undefined && !query.grep ? query.tail : Number.POSITIVE_INFINITY;
  const from = since === undefined ? undefined : since - LOOKBACK_MS;
  const first = linesOf(await activations(ctx, ns, state.name, from, enough));
  yield* newest(
    first.filter((l) => after(l) && matches(l)),
    query.tail,
  ).map(entry);
  if (!query.follow) return;

  // The keys printed (or passed over) within the look-back window, to drop them when read again.
  const seen = new Map(first.map((l) => [l.key, l.at]));
  let newestStart = first.reduce((t, l) => Math.max(t, l.at), since ?? Date.now() - LOOKBACK_MS);
  yield* followLogs(
    async () => {
      const from = newestStart - LOOKBACK_MS;
      const acts = await activations(ctx, ns, state.name, from, Number.POSITIVE_INFINITY);
      for (const a of acts) newestStart = Math.max(newestStart, a.start);
      const fresh = linesOf(acts).filter((l) => !seen.has(l.key));
      for (const l of fresh) seen.set(l.key, l.at);
      for (const [k, at] of seen) if (at < from - LOOKBACK_MS) seen.delete(k);
      return fresh.filter((l) => after(l) && matches(l)).map(entry);
    },
    { signal: ctx.signal, minMs: Math.max(1, ctx.clients.timing.pollMs / 2) },
  );
}
