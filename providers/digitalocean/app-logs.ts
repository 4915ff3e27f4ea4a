// `apiship logs` on DigitalOcean App Platform: the service component's run logs of the active
// deployment (apps_get_logs_active_deployment, GET /v2/apps/{app_id}/components/{component}/logs
// ?type=RUN&follow=false), which answers links: `historic_urls`, plain-text files of what the
// component printed, and a websocket `live_url` apiship does not hold open. The spec gives no
// line format; what the service serves (and doctl prints) is assumed to be
// "<component> <RFC3339 with nanoseconds> <text>", and a line without that prefix (a multi-line
// stack trace's continuation) is kept as it is, at the time of the line before it.
//
// The API takes no time bound or count, so --since and --tail are cut here from what the files
// hold. --follow asks for the links again on each poll and drops what it printed: the lines at
// or before the newest time seen, compared whole (as Heroku's are).

import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { snapshotLogs } from "../_shared/log-follow.js";
import type { TimedLine } from "../_shared/log-follow.js";
import type { AppState } from "./app-plan.js";
import { COMPONENT } from "./app-spec.js";
import type { DoClients } from "./clients.js";

const LINE = /^(\S+) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ?(.*)$/s;

/** One line of a run log; `prior` is the time of the line before (for one without a stamp). */
export function parseRunLine(raw: string, prior: number): TimedLine {
  const m = LINE.exec(raw);
  const at = m ? Date.parse((m[2] as string).replace(/(\.\d{3})\d+/, "$1")) : Number.NaN;
  if (!m || Number.isNaN(at)) return { message: raw, at: prior, raw };
  return { time: new Date(at).toISOString(), stream: m[1] as string, message: m[3] as string, at, raw };
}

async function readRunLog(ctx: Ctx<DoClients>, appId: string): Promise<TimedLine[]> {
  const links = await ctx.clients.api.activeLogs(appId, COMPONENT, "RUN", ctx.signal);
  const out: TimedLine[] = [];
  let prior = 0;
  for (const url of links.historic_urls ?? []) {
    // Pre-signed links: the token is not sent with them.
    const res = await ctx.clients.fetch(url, { signal: ctx.signal });
    if (!res.ok)
      throw new ProviderError(`reading the run log of ${appId} failed with HTTP ${res.status}`, {
        code: `HTTP_${res.status}`,
        fault: "cloud",
        retryable: res.status >= 500,
        target: ctx.clients.target,
        hint: "the log links expire quickly; run apiship logs again",
      });
    for (const raw of (await res.text()).split(/\r?\n/)) {
      if (raw === "") continue;
      const l = parseRunLine(raw, prior);
      prior = l.at;
      out.push(l);
    }
  }
  return out;
}

export async function* appLogs(
  ctx: Ctx<DoClients>,
  state: AppState,
  query: LogQuery,
): AsyncIterable<LogEntry> {
  yield* snapshotLogs(() => readRunLog(ctx, state.appId), query, {
    signal: ctx.signal,
    minMs: Math.max(1, ctx.clients.timing.pollMs / 2),
  });
}
