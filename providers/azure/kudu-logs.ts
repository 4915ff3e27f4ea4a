// `apiship logs` on Azure App Service and Function Apps (Linux): the container log files Kudu
// keeps on the site's SCM host. GET /api/logs/docker lists the current files (one per instance,
// `<date>_<machine>_default_docker.log` for the container's output) with `lastUpdated` and an
// `href` to read each; each line is "<RFC3339 time> <text>". apiship reads those files rather
// than /api/logstream, which never ends and has no history: files are bounded, so --since can
// skip those not written since and --tail can cut. The hrefs name the public SCM host; only
// their path is used, on the SCM host apiship dials (APISHIP_CONNECT_TO and an emulator's http
// apply, as for OneDeploy). The bearer is the clients' Entra ID token (ARM audience, which
// Kudu accepts, as OneDeploy's is). Application Insights is not read: apiship configures none.
//
// --follow lists the files again on each poll, reads those whose size or time changed, and
// drops the lines it printed: those at or before the newest time seen, compared whole.

import type { LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { HttpClient, HttpError } from "../_shared/http.js";
import { snapshotLogs } from "../_shared/log-follow.js";
import type { TimedLine } from "../_shared/log-follow.js";
import { kuduClient } from "./one-deploy.js";
import type { AzCtx } from "./resource-group.js";

interface DockerLogFile {
  machineName?: string;
  lastUpdated?: string;
  size?: number;
  href: string;
}

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ?(.*)$/s;

/** One line of a container log; `prior` is the time of the line before (for one without a stamp). */
export function parseDockerLine(raw: string, stream: string, prior: number): TimedLine {
  const m = LINE.exec(raw);
  const at = m ? Date.parse((m[1] as string).replace(/(\.\d{3})\d+/, "$1")) : Number.NaN;
  if (!m || Number.isNaN(at)) return { stream, message: raw, at: prior, raw };
  return { time: new Date(at).toISOString(), stream, message: m[2] as string, at, raw };
}

function kudu(ctx: AzCtx, scmHost: string): HttpClient {
  return kuduClient(
    ctx,
    scmHost,
    (e: HttpError) =>
      new ProviderError(`reading the container logs on ${scmHost} failed: ${e.message}`, {
        code:
          e.status === 401 || e.status === 403
            ? "ACCESS_DENIED"
            : e.status === 404
              ? "NotFound"
              : `HTTP_${e.status}`,
        fault: e.status === 0 || e.status >= 500 ? "cloud" : "user",
        retryable: e.status === 0 || e.status === 429 || e.status >= 500,
        target: ctx.target.name,
        hint:
          e.status === 404
            ? "Kudu lists container logs of Linux apps only; turn on container logging (az webapp log config --docker-container-logging filesystem)"
            : "the identity needs a role that can read the site's SCM host (Website Contributor)",
      }),
  );
}

export async function* kuduLogs(ctx: AzCtx, scmHost: string, query: LogQuery): AsyncIterable<LogEntry> {
  const c = kudu(ctx, scmHost);
  const since = query.since?.getTime();
  const versions = new Map<string, string>();

  /** The lines of the files changed since the last read (all of them the first time). */
  const read = async (): Promise<TimedLine[]> => {
    const files = await c.request<DockerLogFile[]>("GET", "/api/logs/docker");
    const out: TimedLine[] = [];
    for (const f of files) {
      const updated = f.lastUpdated ? Date.parse(f.lastUpdated) : Number.NaN;
      if (since !== undefined && updated < since) continue;
      const version = `${f.lastUpdated}/${f.size}`;
      if (versions.get(f.href) === version) continue;
      versions.set(f.href, version);
      const text = await c.request<string>("GET", new URL(f.href, "http://kudu").pathname, {
        headers: { accept: "text/plain" },
      });
      let prior = 0;
      for (const raw of String(text).split(/\r?\n/)) {
        if (raw === "") continue;
        const l = parseDockerLine(raw, f.machineName ?? "container", prior);
        prior = l.at;
        out.push(l);
      }
    }
    return out.sort((a, b) => a.at - b.at);
  };

  yield* snapshotLogs(read, query, {
    signal: ctx.signal,
    minMs: Math.max(1, ctx.clients.pollIntervalMs / 2),
  });
}

/** The Kudu host of a site: <name>.scm.<domain> from its default host name. */
export const scmHostFor = (hostName: string) => hostName.replace(/^([^.]+)/, "$1.scm");

/** No site recorded: nothing deployed to read. */
export function notDeployed(ctx: AzCtx, name: string): ProviderError {
  return new ProviderError(`${name} has no site recorded`, {
    code: "NotFound",
    fault: "user",
    target: ctx.target.name,
    hint: "deploy the target first",
  });
}
