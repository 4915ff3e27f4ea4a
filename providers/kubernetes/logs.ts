// `apiship logs` on Kubernetes (and so AKS and GKE, which hand their cluster to this adapter):
// the logs of the pods of the target's Deployment, found by the Deployment's own label selector,
// each read with GET /api/v1/namespaces/{ns}/pods/{pod}/log?timestamps=true. The RFC3339 stamp
// the kubelet puts before each line is the entry's time; the pod's name is its stream.
//
// - --since is `sinceSeconds` (rounded up) and then cut exactly by the stamps: the path's
//   OpenAPI parameters have no sinceTime (only PodLogOptions does), so the client sends none.
// - --tail N is `tailLines` N per pod, the pods' lines merged by time, the newest N kept; with
//   --grep the lines are read whole and the newest N matching kept (a pod's API has no filter).
// - --follow polls rather than holding `follow=true` streams open: one code path for one pod or
//   fifty, pods that a rollout adds or removes are picked up by re-listing each time, and the
//   run's signal ends it between two calls. Each poll asks from the newest stamp seen (a second
//   back, sinceSeconds being whole seconds) and drops lines it already yielded.

import { grepFilter } from "../../src/core/log-grep.js";
import type { LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { followLogs, newest } from "../_shared/log-follow.js";
import { API } from "./manifests.js";
import { call, getObject, listObjects } from "./objects.js";
import type { K8sObject } from "./manifests.js";
import type { KubeCtx } from "./objects.js";
import type { KubeState } from "./state.js";

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d) ?(.*)$/;

interface Line extends LogEntry {
  /** Milliseconds, for ordering and --since. */
  at: number;
  /** The line as the kubelet gave it (stamp with nanoseconds): its identity when de-duplicating. */
  raw: string;
}

/** One line of a `timestamps=true` log: its time (to the millisecond) and its text. */
export function parseStamped(raw: string, pod: string): Line {
  const m = STAMP.exec(raw);
  if (!m) return { stream: pod, message: raw, at: Number.NaN, raw };
  const ms = (m[2] ?? "").padEnd(3, "0").slice(0, 3);
  const at = Date.parse(`${m[1] as string}.${ms}${m[3] as string}`);
  return { time: new Date(at).toISOString(), stream: pod, message: m[4] as string, at, raw };
}

function selectorOf(dep: K8sObject): string {
  const spec = (dep.spec ?? {}) as { selector?: { matchLabels?: Record<string, string> } };
  return Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** The Deployment's pods, oldest first (a stable order for merging). */
async function podsOf(ctx: KubeCtx, state: KubeState): Promise<string[]> {
  const namespace = state.objects.deployment?.namespace ?? state.namespace;
  const name = state.objects.deployment?.name ?? state.name;
  const dep = await getObject(ctx, { ...API.deployment, name, namespace });
  if (!dep)
    throw new ProviderError(`Deployment ${namespace}/${name} does not exist in ${ctx.clients.cluster}`, {
      code: "NOT_FOUND",
      fault: "user",
      target: ctx.target.name,
      hint: "the target is recorded as deployed but its Deployment is gone: `apiship deploy` recreates it",
    });
  const pods = await listObjects(ctx, "v1", "Pod", namespace, selectorOf(dep));
  return pods
    .sort((a, b) =>
      String(a.metadata.creationTimestamp ?? "").localeCompare(String(b.metadata.creationTimestamp ?? "")),
    )
    .map((p) => p.metadata.name);
}

async function podLines(
  ctx: KubeCtx,
  namespace: string,
  pod: string,
  opts: { sinceMs?: number; tailLines?: number },
): Promise<Line[]> {
  const sinceSeconds =
    opts.sinceMs === undefined ? undefined : Math.max(1, Math.ceil((Date.now() - opts.sinceMs) / 1000));
  let text: string;
  try {
    text = await call(ctx, "read the log of", `pod ${namespace}/${pod}`, () =>
      ctx.clients.logs.readNamespacedPodLog({
        name: pod,
        namespace,
        timestamps: true,
        ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
        ...(opts.tailLines !== undefined ? { tailLines: opts.tailLines } : {}),
      }),
    );
  } catch (e) {
    // A pod deleted between the list and the read (a rollout, a scale-in) simply has no more lines.
    if (e instanceof ProviderError && e.code === "NotFound") return [];
    throw e;
  }
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => parseStamped(l, pod))
    .filter((l) => opts.sinceMs === undefined || !(l.at < opts.sinceMs));
}

const byTime = (a: Line, b: Line) => (a.at || 0) - (b.at || 0);
const entry = ({ at: _at, raw: _raw, ...e }: Line): LogEntry => e;

export async function* kubeLogs(ctx: KubeCtx, state: KubeState, query: LogQuery): AsyncIterable<LogEntry> {
  const namespace = state.objects.deployment?.namespace ?? state.namespace;
  const matches = grepFilter(query.grep);
  const since = query.since?.getTime();
  const tailLines = query.grep ? undefined : query.tail;
  const started = Date.now();
  const pods = await podsOf(ctx, state);
  const read = await Promise.all(
    pods.map((pod) =>
      podLines(ctx, namespace, pod, {
        ...(since !== undefined ? { sinceMs: since } : {}),
        ...(tailLines !== undefined ? { tailLines } : {}),
      }),
    ),
  );
  const all = read.flat().sort(byTime);
  yield* newest(all.filter(matches), query.tail).map(entry);
  if (!query.follow) return;

  // Lines already yielded (or passed over) by pod and raw line, with their time, kept for as
  // long as a poll can read them again.
  const key = (l: Line) => `${l.stream ?? ""} ${l.raw}`;
  const seen = new Map(all.map((l) => [key(l), l.at]));
  let cursor = all.reduce((t, l) => (l.at > t ? l.at : t), since ?? started);
  yield* followLogs(
    async () => {
      const from = cursor - 1000;
      const names = await podsOf(ctx, state);
      const lines = (await Promise.all(names.map((pod) => podLines(ctx, namespace, pod, { sinceMs: from }))))
        .flat()
        .filter((l) => !seen.has(key(l)))
        .sort(byTime);
      for (const l of lines) {
        seen.set(key(l), l.at);
        if (l.at > cursor) cursor = l.at;
      }
      for (const [k, at] of seen) if (at < cursor - 1000) seen.delete(k);
      return lines.filter(matches).map(entry);
    },
    { signal: ctx.signal, minMs: ctx.clients.timing.pollMs },
  );
}
