// examples/sentiment-api on its kubernetes target through the built CLI, against the fake API
// server on 127.0.0.1 reached through a kubeconfig the test writes (KUBECONFIG), as a user's
// cluster would be. The target is exposed as a LoadBalancer; the fake gives it a loopback
// address where a local server answers the health check.

import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { DestroyCommandResult } from "../../src/cli/commands/destroy.js";
import type { HistoryResult } from "../../src/cli/commands/history.js";
import type { LogsResult } from "../../src/cli/commands/logs.js";
import type { StatusCommandResult } from "../../src/cli/commands/status.js";
import { startKubeFake } from "../fakes/kubernetes/server.js";
import type { RunningKubeFake } from "../fakes/kubernetes/server.js";
import { jsonStream } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { ROOT, apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const NAME = "sentiment-api-production-cluster";
const NS = "apis";
const IMAGE = (tag: string) => `ghcr.io/acme/sentiment-api:${tag}`;
const STACK_LABEL = "apiship.dev/stack";

interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

interface LoopbackHealth {
  /** What the fake hands out as the load balancer's address. */
  address: string;
  hits: number;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
}

/**
 * The adapter reports a LoadBalancer Service as http://<address> (its port is 80), so the server
 * that stands in for the load balancer listens on port 80 of a random loopback address: nothing
 * else on the machine is likely to hold that one. Where port 80 cannot be bound (not root), it
 * listens on a random port and the fake hands out "127.0.0.1:PORT" as the address instead.
 */
async function loopbackHealth(): Promise<LoopbackHealth> {
  const state = { hits: 0 };
  const server = createServer((req, res) => {
    state.hits++;
    res.writeHead(req.url === "/healthz" ? 200 : 404, { "content-type": "text/plain" });
    res.end(req.url === "/healthz" ? "ok" : "not found");
  });
  let address: string | undefined;
  for (let i = 0; i < 5 && address === undefined; i++) {
    const host = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    address = await listen(server, host, 80).then(
      () => host,
      () => undefined,
    );
  }
  if (address === undefined) {
    await listen(server, "127.0.0.1", 0);
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return Object.assign(state, { address, close });
}

/** A copy of the example's manifest whose production environment holds only `cluster`. */
function manifestDir(): string {
  const dir = tempDir("apiship-e2e-k8s-");
  const doc = parse(readFileSync(join(ROOT, "examples/sentiment-api/apiship.yaml"), "utf8")) as {
    targets: Record<string, Record<string, unknown>>;
    environments: Record<string, Record<string, unknown>>;
    defaultEnvironment?: string;
  };
  doc.targets = { cluster: { ...doc.targets.cluster, expose: "load-balancer" } };
  doc.environments = { production: { ...doc.environments.production, targets: ["cluster"] } };
  doc.defaultEnvironment = "production";
  writeFileSync(join(dir, "apiship.yaml"), stringify(doc));
  return dir;
}

let health: LoopbackHealth;
let fake: RunningKubeFake;
let dir: string;
let env: Record<string, string>;
let logFile: string;

const cli = (args: string[], extra: Record<string, string> = {}): Promise<RunResult> =>
  apiship(args, { cwd: dir, env: { ...env, ...extra } });
const writes = () => fake.requests.filter((r) => r.method !== "GET").length;
const deployment = () => fake.store.all().find((o) => o.kind === "Deployment" && o.metadata.name === NAME);
const imageOf = (o: ReturnType<typeof deployment>) =>
  (o?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec
    .containers[0]?.image;
const owned = () => fake.store.all().filter((o) => o.metadata.labels?.[STACK_LABEL] !== undefined);
const logged = () =>
  readFileSync(logFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LoggedRequest);

beforeAll(async () => {
  ensureBuilt();
  health = await loopbackHealth();
  dir = manifestDir();
  logFile = join(dir, "fake-requests.ndjson");
  fake = await startKubeFake({
    cluster: { readyDelayMs: 1, loadBalancerDelayMs: 1, loadBalancerIp: health.address },
    logFile,
  });
  const kubeconfig = fake.writeKubeconfig(join(dir, "kubeconfig"), { context: "prod" });
  env = { KUBECONFIG: kubeconfig, HF_TOKEN: "hf-e2e-token", GIT_SHA: "v1" };
}, 180_000);
afterAll(async () => {
  await fake?.close();
  await health?.close();
  cleanup();
});

describe.sequential("kubernetes through the built CLI", () => {
  it("deploy creates the Deployment and Service by server-side apply, and passes health", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: out } = jsonStream<DeployCommandResult>(r);
    expect(out.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["cluster", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    expect(health.hits).toBeGreaterThan(0);
    expect(imageOf(deployment())).toBe(IMAGE("v1"));
    const kinds = owned().map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        `Deployment/${NS}/${NAME}`,
        `Service/${NS}/${NAME}`,
        `Secret/${NS}/${NAME}-secrets`,
        // production scales 2..20: an autoscaler
        `HorizontalPodAutoscaler/${NS}/${NAME}`,
      ]),
    );
    const patches = logged().filter((l) => l.method === "PATCH");
    expect(patches.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        `/apis/apps/v1/namespaces/${NS}/deployments/${NAME}`,
        `/api/v1/namespaces/${NS}/services/${NAME}`,
      ]),
    );
    for (const p of patches) {
      expect(p.headers["content-type"]).toMatch(/^application\/apply-patch\+yaml/);
      expect(p.query.fieldManager).toBe("apiship");
    }
  });

  it("status says ready, with the load balancer's address", async () => {
    const r = await cli(["status", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const t = envelope<StatusCommandResult>(r).result?.stacks[0]?.targets[0];
    expect([t?.target, t?.health, t?.endpoint, t?.drift]).toEqual([
      "cluster",
      "ready",
      `http://${health.address}`,
      false,
    ]);
  });

  it("logs --json reads each pod of the Deployment, stamped and merged by time", async () => {
    const pods = fake.store
      .all()
      .filter((o) => o.kind === "Pod" && o.metadata.namespace === NS)
      .map((o) => o.metadata.name);
    expect(pods.length).toBeGreaterThan(0);
    const t0 = Date.now() - 60_000;
    for (const [i, pod] of pods.entries())
      fake.podLogs.write(NS, pod, [
        { at: t0 + i, text: `POST /predict ${i}` },
        { at: t0 + 100 + i, text: `GET /healthz ${i}` },
      ]);
    const r = await cli(["logs", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: out } = jsonStream<LogsResult>(r);
    const logs = events.filter((e) => e.type === "log");
    expect(logs).toHaveLength(pods.length * 2);
    expect(logs[0]).toEqual({
      type: "log",
      target: "cluster",
      time: new Date(t0).toISOString(),
      stream: pods[0],
      message: "POST /predict 0",
    });
    expect(out.result).toEqual({ entries: pods.length * 2, unavailable: [] });
    const grep = jsonStream<LogsResult>(await cli(["logs", "--json", "--grep", "POST", "--tail", "1"]));
    expect(grep.events.map((e) => e.message)).toEqual([`POST /predict ${pods.length - 1}`]);
    // Every pods/log call asked for the stamps.
    const reads = logged().filter((l) => l.path.endsWith("/log"));
    expect(reads.length).toBeGreaterThan(0);
    for (const l of reads) expect(l.query.timestamps).toBe("true");
  });

  it("an unchanged redeploy writes nothing", async () => {
    const before = writes();
    const reads = fake.requests.length;
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(fake.requests.length).toBeGreaterThan(reads);
    expect(writes()).toBe(before);
    // The server defaulted spec.replicas, which the HPA owns: still no change to plan.
    expect((deployment()?.spec as { replicas?: number }).replicas).toBeGreaterThan(0);
    const plan = await cli(["plan", "--detailed-exitcode"]);
    expect(plan.code, plan.stdout).toBe(0);
  });

  it("an image change rolls the Deployment to the new image", async () => {
    const generation = Number(deployment()?.metadata.generation);
    const r = await cli(["deploy", "--yes"], { GIT_SHA: "v2" });
    expect(r.code, r.stderr).toBe(0);
    expect(imageOf(deployment())).toBe(IMAGE("v2"));
    expect(Number(deployment()?.metadata.generation)).toBeGreaterThan(generation);
    expect((deployment()?.status as { availableReplicas?: number }).availableReplicas).toBeGreaterThan(0);
  });

  it("a rollout that cannot pull its image fails with the pod's reason and rolls back", async () => {
    fake.cluster.pullFailImages.push(IMAGE("v3"));
    // As on a cluster, pods take a while to start and the failed ones to terminate: the
    // rollback's rollout is judged by its own pods, not by the ones it replaces (issue 18, 18).
    fake.cluster.readyDelayMs = 100;
    const r = await cli(["deploy", "--yes"], { GIT_SHA: "v3" });
    fake.cluster.readyDelayMs = 1;
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain("rollback failed");
    expect(r.stdout).toMatch(/^ {2}cluster {2}rolled-back /m);
    expect(r.stdout).toContain(`cannot pull image "${IMAGE("v3")}" (ImagePullBackOff`);
    expect(r.stdout).toMatch(/hint: check the image name and tag exist/);
    const applied = logged().filter((l) => l.method === "PATCH" && l.path.endsWith(`/deployments/${NAME}`));
    expect(applied.map((l) => String(l.body).match(/sentiment-api:(v\d)/)?.[1]).slice(-2)).toEqual([
      "v3",
      "v2",
    ]);
    expect(imageOf(deployment())).toBe(IMAGE("v2"));
    const h = envelope<HistoryResult>(await cli(["history", "--json"]));
    expect(h.result?.stacks[0]?.releases[0]?.result).toBe("rolled-back");
    const st = envelope<StatusCommandResult>(await cli(["status", "--json"], { GIT_SHA: "v3" }));
    expect(st.result?.stacks[0]?.targets[0]?.health).toBe("ready");
  });

  it("a fixed replica count drops the autoscaler, pruned by a label-selected list", async () => {
    const file = join(dir, "apiship.yaml");
    const doc = parse(readFileSync(file, "utf8")) as {
      environments: { production: { service?: { scaling?: Record<string, number> } } };
    };
    const prod = doc.environments.production;
    prod.service = { ...prod.service, scaling: { min: 2, max: 2 } };
    writeFileSync(file, stringify(doc));
    const r = await cli(["deploy", "--yes"], { GIT_SHA: "v2" });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(owned().filter((o) => o.kind === "HorizontalPodAutoscaler")).toEqual([]);
    expect((deployment()?.spec as { replicas?: number }).replicas).toBe(2);
    const again = await cli(["plan", "--detailed-exitcode"], { GIT_SHA: "v2" });
    expect(again.code, again.stdout).toBe(0);
  });

  it("destroy removes every labelled object, and a second destroy exits 0", async () => {
    const r = await cli(["destroy", "--confirm", "production", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = jsonStream<DestroyCommandResult>(r).envelope;
    expect(out.result?.stacks[0]?.targets.map((t) => [t.target, t.status])).toEqual([
      ["cluster", "destroyed"],
    ]);
    expect(owned()).toEqual([]);
    expect(fake.store.all().filter((o) => o.kind === "Pod")).toEqual([]);
    const before = writes();
    const again = await cli(["destroy", "--confirm", "production"]);
    expect(again.code, again.stderr).toBe(0);
    expect(writes()).toBe(before);
    expect(owned()).toEqual([]);
  });
});
