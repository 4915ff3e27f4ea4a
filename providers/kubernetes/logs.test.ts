// apiship logs on Kubernetes against the fake API server: the Deployment's pods found by its
// selector, each pod's log read with timestamps=true and merged by time, --since as sinceSeconds
// cut by the stamps, --tail, --grep, --follow polling (new pods included), a missing Deployment.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { deploy, k8s, service, worldOf } from "../../test/fakes/kubernetes/harness.js";
import type { KubeWorld } from "../../test/fakes/kubernetes/harness.js";
import { startKubeFake } from "../../test/fakes/kubernetes/server.js";
import type { RunningKubeFake } from "../../test/fakes/kubernetes/server.js";
import { TYPES } from "../../test/fakes/kubernetes/store.js";
import { createKubeClients } from "./clients.js";
import type { KubeClients } from "./clients.js";
import { parseStamped } from "./logs.js";
import type { KubeState } from "./state.js";

const PODS = TYPES.find((t) => t.kind === "Pod")!;
let fake: RunningKubeFake;
let dir: string;
let w: KubeWorld;
let state: KubeState;
let pods: string[];
// Recent enough that --since and sinceSeconds have something to cut.
const T0 = Date.now() - 600_000;

beforeEach(async () => {
  fake = await startKubeFake({ cluster: { readyDelayMs: 5 } });
  dir = mkdtempSync(join(tmpdir(), "apiship-k8s-logs-"));
  const kubeconfig = fake.writeKubeconfig(join(dir, "kubeconfig"));
  w = worldOf({} as KubeClients, { kubeconfig });
  const clients = await createKubeClients({ target: w.target, env: {} });
  w.ctx.clients = { ...clients, timing: { ...clients.timing, pollMs: 5, loadBalancerWaitMs: 5000 } };
  state = (await deploy(w, { ...service, scaling: { min: 2, max: 2 } })).result.state;
  pods = fake.store
    .list(PODS, "apis", null)
    .map((p) => p.metadata.name)
    .sort();
  expect(pods).toHaveLength(2);
  // Interleaved: pod 0 writes the even seconds, pod 1 the odd ones.
  for (const [i, pod] of pods.entries())
    fake.podLogs.write(
      "apis",
      pod,
      [0, 1, 2, 3, 4].map((n) => ({ at: T0 + (2 * n + i) * 1000, text: `req ${2 * n + i}` })),
    );
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function read(query: Partial<LogQuery>): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of k8s.logs!(w.ctx, state, { follow: false, ...query })) out.push(e);
  return out;
}
const logCalls = () =>
  fake.requests.filter((r) => r.path.endsWith("/log")).map((r) => Object.fromEntries(r.query));

describe("kubernetes logs (pods of the Deployment)", () => {
  it("merges every pod's lines by time, each stamped and named by its pod", async () => {
    const all = await read({});
    expect(all.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `req ${i}`));
    expect(all[0]).toEqual({ time: new Date(T0).toISOString(), stream: pods[0], message: "req 0" });
    expect(all[1]?.stream).toBe(pods[1]);
    expect(logCalls()).toEqual([{ timestamps: "true" }, { timestamps: "true" }]);
    // The pods were found by the Deployment's selector.
    const list = fake.requests.find((r) => r.path === "/api/v1/namespaces/apis/pods");
    expect(list?.query.get("labelSelector")).toMatch(/apiship\.dev\/target=web/);
  });

  it("--since is sinceSeconds, cut exactly by the stamps", async () => {
    const since = new Date(T0 + 6500);
    expect((await read({ since })).map((e) => e.message)).toEqual(["req 7", "req 8", "req 9"]);
    const secs = Number(logCalls()[0]?.sinceSeconds);
    expect(secs).toBeGreaterThanOrEqual(Math.floor((Date.now() - since.getTime()) / 1000));
  });

  it("--tail is tailLines per pod, the newest overall kept; with --grep the newest matches", async () => {
    expect((await read({ tail: 3 })).map((e) => e.message)).toEqual(["req 7", "req 8", "req 9"]);
    expect(logCalls()[0]).toEqual({ timestamps: "true", tailLines: "3" });
    expect((await read({ tail: 2, grep: "/req [1-4]$/" })).map((e) => e.message)).toEqual(["req 3", "req 4"]);
    expect((await read({ grep: "req 1" })).map((e) => e.message)).toEqual(["req 1"]);
  });

  it("--follow yields later lines once, from every pod, until the signal aborts", async () => {
    const stop = new AbortController();
    const it = k8s.logs!({ ...w.ctx, signal: stop.signal }, state, { follow: true, tail: 1 })[
      Symbol.asyncIterator
    ]();
    expect((await it.next()).value).toMatchObject({ message: "req 9" });
    const now = Date.now();
    fake.podLogs.write("apis", pods[0]!, [{ at: now, text: "later a" }]);
    fake.podLogs.write("apis", pods[1]!, [{ at: now + 1, text: "later b" }]);
    const next = [(await it.next()).value, (await it.next()).value] as LogEntry[];
    expect(next.map((e) => [e.stream, e.message])).toEqual([
      [pods[0], "later a"],
      [pods[1], "later b"],
    ]);
    fake.podLogs.write("apis", pods[1]!, [{ at: now + 2, text: "last" }]);
    expect((await it.next()).value).toMatchObject({ message: "last" });
    stop.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("a Deployment that is gone says so", async () => {
    const gone = {
      ...state,
      objects: { ...state.objects, deployment: { ...state.objects.deployment!, name: "nope" } },
    };
    const err = await (async () => {
      for await (const _ of k8s.logs!(w.ctx, gone, { follow: false })) void _;
    })().catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toMatch(/^Deployment apis\/nope does not exist in context fake/);
  });

  it("parses RFC3339Nano and offset stamps, and keeps an unstamped line whole", () => {
    expect(parseStamped("2026-12-07T10:00:00.123456789Z hello world", "p")).toMatchObject({
      time: "2026-12-07T10:00:00.123Z",
      message: "hello world",
    });
    expect(parseStamped("2026-12-07T11:00:00+01:00 x", "p").time).toBe("2026-12-07T10:00:00.000Z");
    expect(parseStamped("no stamp", "p")).toMatchObject({ message: "no stamp", stream: "p" });
  });
});

describe("AKS and GKE", () => {
  it("read their pods through the kubernetes adapter, with the cluster's clients", async () => {
    const { aks } = await import("../azure/aks.js");
    const { gke } = await import("../gcp/gke.js");
    for (const adapter of [aks, gke] as { logs?: (...a: unknown[]) => AsyncIterable<LogEntry> }[]) {
      const ctx = { ...w.ctx, clients: { kube: async () => w.ctx.clients } };
      const out: LogEntry[] = [];
      for await (const e of adapter.logs!(ctx, state, { follow: false, tail: 2 })) out.push(e);
      expect(out.map((e) => e.message)).toEqual(["req 8", "req 9"]);
    }
  });
});

describe("fake pods/log", () => {
  it("refuses what the API server refuses", async () => {
    const url = `${fake.url}/api/v1/namespaces/apis/pods/${pods[0]}/log`;
    const get = async (q: string) => {
      const r = await fetch(`${url}?${q}`);
      return [
        r.status,
        r.status === 200 ? await r.text() : ((await r.json()) as { message: string }).message,
      ];
    };
    expect(await get("sinceSeconds=5&sinceTime=2026-12-07T10:00:00Z")).toEqual([
      400,
      expect.stringMatching(/at most one/),
    ]);
    expect(await get("sinceSeconds=0")).toEqual([400, expect.stringMatching(/must be greater than 0/)]);
    expect(await get("tailLines=-1")).toEqual([400, expect.stringMatching(/greater than or equal to 0/)]);
    expect(await get("sinceMinutes=5")).toEqual([400, expect.stringMatching(/unknown query parameter/)]);
    expect(await get("container=other")).toEqual([400, "container other is not valid for pod " + pods[0]]);
    expect(await get("tailLines=1")).toEqual([200, "req 8\n"]);
    expect(await get("tailLines=1&timestamps=true")).toEqual([
      200,
      expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:]+\.\d{9}Z req 8\n$/),
    ]);
  });
});
