// GET /api/v1/namespaces/{ns}/pods/{name}/log as the kubelet answers it through the API server,
// with the query parameters of that path in the OpenAPI (shared/api-specs/kubernetes): container,
// follow, limitBytes, previous, sinceSeconds, tailLines, timestamps (plus sinceTime, which
// PodLogOptions takes though the path does not list it). What a pod printed is in the book a test
// writes to (`fake.podLogs.write`); a pod with nothing written prints the image's default lines
// (pods.ts logOf) at its creation time. Lines carry RFC3339Nano stamps with `timestamps=true`.
// `follow=true` answers what there is and ends, as for a container that exited: the fake does not
// hold streams open.

import type { FakeResponse } from "../_shared/server.js";
import type { KubeKnobs } from "./controller.js";
import { logOf } from "./pods.js";
import type { Obj } from "./store.js";

interface PodLine {
  at: number;
  /** Sub-millisecond digits, so stamps look like the kubelet's nine. */
  nanos: string;
  text: string;
}

const KNOWN = new Set([
  "container",
  "follow",
  "insecureSkipTLSVerifyBackend",
  "limitBytes",
  "pretty",
  "previous",
  "sinceSeconds",
  "sinceTime",
  "stream",
  "tailLines",
  "timestamps",
]);

export class PodLogBook {
  private readonly lines = new Map<string, PodLine[]>();
  private seq = 0;

  /** Appends lines a pod's container printed, each at its time (ms since the epoch). */
  write(namespace: string, pod: string, lines: { at: number; text: string }[]): void {
    const list = this.lines.get(`${namespace}/${pod}`) ?? [];
    for (const l of lines) list.push({ ...l, nanos: String(++this.seq % 1_000_000).padStart(6, "0") });
    list.sort((a, b) => a.at - b.at);
    this.lines.set(`${namespace}/${pod}`, list);
  }

  of(namespace: string, pod: string): PodLine[] | undefined {
    return this.lines.get(`${namespace}/${pod}`);
  }
}

function bad(message: string): FakeResponse {
  return {
    status: 400,
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason: "BadRequest",
      code: 400,
    },
  };
}

const stamp = (l: PodLine) => new Date(l.at).toISOString().replace(/Z$/, `${l.nanos}Z`);

export function podLog(book: PodLogBook, knobs: KubeKnobs, pod: Obj, q: URLSearchParams): FakeResponse {
  for (const k of q.keys()) if (!KNOWN.has(k)) return bad(`unknown query parameter "${k}" for pods/log`);
  const int = (k: string) => (q.has(k) ? Number(q.get(k)) : undefined);
  const sinceSeconds = int("sinceSeconds");
  const tailLines = int("tailLines");
  if (sinceSeconds !== undefined && q.has("sinceTime"))
    return bad("PodLogOptions is invalid: at most one of `sinceTime` or `sinceSeconds` may be specified");
  if (sinceSeconds !== undefined && !(Number.isInteger(sinceSeconds) && sinceSeconds >= 1))
    return bad(
      `PodLogOptions is invalid: sinceSeconds: Invalid value: ${q.get("sinceSeconds")}: must be greater than 0`,
    );
  if (tailLines !== undefined && !(Number.isInteger(tailLines) && tailLines >= 0))
    return bad(
      `PodLogOptions is invalid: tailLines: Invalid value: ${q.get("tailLines")}: must be greater than or equal to 0`,
    );
  const sinceTime = q.get("sinceTime");
  if (sinceTime !== null && Number.isNaN(Date.parse(sinceTime)))
    return bad(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map(
    (c) => c.name,
  );
  const container = q.get("container");
  if (container !== null && !containers.includes(container))
    return bad(`container ${container} is not valid for pod ${pod.metadata.name}`);
  if (container === null && containers.length > 1)
    return bad(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(" ")}]`,
    );

  const created = Date.parse(String(pod.metadata.creationTimestamp ?? new Date().toISOString()));
  let lines =
    book.of(pod.metadata.namespace ?? "default", pod.metadata.name) ??
    logOf(knobs, pod, container, null)
      .split("\n")
      .filter(Boolean)
      .map((text) => ({ at: created, nanos: "000000", text }));
  const from =
    sinceSeconds !== undefined
      ? Date.now() - sinceSeconds * 1000
      : sinceTime !== null
        ? Date.parse(sinceTime)
        : undefined;
  if (from !== undefined) lines = lines.filter((l) => l.at >= from);
  if (tailLines !== undefined) lines = tailLines === 0 ? [] : lines.slice(-tailLines);
  const timestamps = q.get("timestamps") === "true";
  const body = lines.map((l) => `${timestamps ? `${stamp(l)} ` : ""}${l.text}\n`).join("");
  return { status: 200, headers: { "content-type": "text/plain" }, body };
}
