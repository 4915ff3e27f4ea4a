// The adapter against the fake API server through the real client-node: failed rollouts
// explained, exposure and its endpoints, pruning, status, ownership and cluster access.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { startKubeFake } from "../../test/fakes/kubernetes/server.js";
import type { RunningKubeFake } from "../../test/fakes/kubernetes/server.js";
import {
  NAME,
  SECRET_VALUE,
  actions,
  deploy,
  k8s,
  planFor,
  service,
  worldOf,
} from "../../test/fakes/kubernetes/harness.js";
import type { KubeWorld } from "../../test/fakes/kubernetes/harness.js";
import { clientsFromCluster, createKubeClients } from "./clients.js";
import type { KubeClients } from "./clients.js";

let fake: RunningKubeFake;
let dir: string;
let kubeconfig: string;

beforeEach(async () => {
  fake = await startKubeFake({
    cluster: { readyDelayMs: 5, loadBalancerDelayMs: 20, progressDeadlineMs: 100 },
  });
  dir = mkdtempSync(join(tmpdir(), "apiship-k8s-"));
  kubeconfig = fake.writeKubeconfig(join(dir, "kubeconfig"));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function world(options: Record<string, unknown> = {}): Promise<KubeWorld> {
  const w = worldOf({} as KubeClients, { kubeconfig, ...options });
  const clients = await createKubeClients({ target: w.target, env: {} });
  w.ctx.clients = { ...clients, timing: { ...clients.timing, pollMs: 5, loadBalancerWaitMs: 5000 } };
  return w;
}

const failure = (p: Promise<unknown>) => p.then(() => undefined).catch((e: unknown) => e);

describe("kubernetes/kubernetes against the fake API server", () => {
  it("names ImagePullBackOff and the image when the image cannot be pulled", async () => {
    fake.cluster.pullFailImages.push("ghcr.io/acme/shop:nope");
    const w = await world();
    const err = await failure(
      deploy(w, { ...service, container: { image: "ghcr.io/acme/shop:nope", port: 8080 } }),
    );
    expect(err).toBeInstanceOf(ProviderError);
    const e = err as ProviderError;
    expect(e.code).toBe("ROLLOUT_FAILED");
    expect(e.message).toContain("ImagePullBackOff");
    expect(e.message).toContain('"ghcr.io/acme/shop:nope"');
    expect(e.hint).toMatch(/image name and tag/);
  });

  it("names CrashLoopBackOff and shows the container's last log lines", async () => {
    fake.cluster.crashImages["ghcr.io/acme/shop:crash"] = [
      "booting",
      "Traceback (most recent call last):",
      "KeyError: 'DB_URL'",
    ];
    const w = await world();
    const err = await failure(
      deploy(w, { ...service, container: { image: "ghcr.io/acme/shop:crash", port: 8080 } }),
    );
    const e = err as ProviderError;
    expect(e.code).toBe("ROLLOUT_FAILED");
    expect(e.message).toContain("CrashLoopBackOff");
    expect(e.message).toContain("restarted 3 times");
    expect(e.message).toContain("Traceback (most recent call last):\nKeyError: 'DB_URL'");
    const logCall = fake.requests.find((r) => r.path.endsWith("/log"));
    expect(logCall?.query.get("tailLines")).toBe("20");
    expect(logCall?.query.get("container")).toBe("app");
  });

  // Issue 18, 18: the rollback re-applies the previous Deployment and the cluster goes back, yet
  // the failed ReplicaSet's pods are still there, first because the controller has not yet
  // observed the new generation, then because they are terminating.
  it.each([
    { why: "before the controller observes the rollback", observeDelayMs: 40, terminatingMs: 0 },
    { why: "while the failed pods terminate", observeDelayMs: 1, terminatingMs: 2000 },
  ])("reports a successful rollback as rolled out $why", async ({ observeDelayMs, terminatingMs }) => {
    Object.assign(fake.cluster, { observeDelayMs, terminatingMs, readyDelayMs: 30 });
    const bad = "ghcr.io/acme/shop:nope";
    fake.cluster.pullFailImages.push(bad);
    const w = await world();
    const good = await deploy(w);
    const failed = (await failure(
      deploy(w, { ...service, container: { image: bad, port: 8080 } }, undefined, good.result.state),
    )) as ProviderError;
    expect(failed.code).toBe("ROLLOUT_FAILED");
    const back = await deploy(w, service, undefined, good.result.state);
    expect(back.result.release).toBe("3");
    const pods = fake.store.all().filter((o) => o.kind === "Pod");
    const images = pods.map((p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image);
    expect(images).toContain(service.container?.image);
    if (terminatingMs > 0) expect(images).toContain(bad);
  });

  it("reports the scheduler's message when pods cannot be scheduled", async () => {
    fake.cluster.unschedulable = "0/3 nodes are available: 3 Insufficient memory.";
    const w = await world();
    const e = (await failure(deploy(w))) as ProviderError;
    expect(e.code).toBe("ROLLOUT_FAILED");
    expect(e.message).toContain("progress deadline exceeded");
    expect(e.message).toContain("Unschedulable");
    expect(e.message).toContain("3 Insufficient memory");
    expect(e.hint).toMatch(/resources/);
  });

  it("deploys, reports the in-cluster URL as a private endpoint (checked by readiness), and never stores the secret value", async () => {
    const w = await world();
    const { result } = await deploy(w);
    expect(result.endpoint).toBe(`http://${NAME}.apis.svc.cluster.local:80`);
    expect(result.privateEndpoint).toBe(true);
    expect(result.outputs.url).toBe(`http://${NAME}.apis.svc.cluster.local:80`);
    expect(result.release).toBe("1");
    expect(JSON.stringify(result.state)).not.toContain(SECRET_VALUE);
    expect(JSON.stringify(result.state)).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));
    const stored = fake.store.all().find((o) => o.kind === "Secret");
    expect((stored?.data as Record<string, string>).API_KEY).toBe(
      Buffer.from(SECRET_VALUE).toString("base64"),
    );
    const report = await k8s.status(w.ctx, result.state);
    expect(report).toMatchObject({ health: "ready", release: "1", detail: "1/1 replicas available" });
    expect(w.steps).toContain("done rollout Deployment apis/shop-dev-web");
  });

  it("waits for the load balancer's address, and prunes the Ingress when expose changes", async () => {
    const lb = await world({ expose: "load-balancer" });
    const exposed = (await deploy(lb)).result;
    expect(exposed.endpoint).toBe("http://127.0.0.1");
    expect(exposed.privateEndpoint).toBeUndefined();
    const ing = await world({
      expose: "ingress",
      ingress: { host: "api.example.com", tlsSecret: "api-tls" },
    });
    const { planned, result } = await deploy(ing);
    expect(actions(planned.changes)).toMatchObject({
      ingress: "create",
      service: "update",
      deployment: "no-op",
    });
    expect(planned.changes.find((c) => c.type === "service")?.reason).toBe("type changed");
    expect(result.endpoint).toBe("https://api.example.com");
    expect(fake.store.all().some((o) => o.kind === "Ingress")).toBe(true);
    const back = await world({ expose: "cluster-ip" });
    const again = await deploy(back, service, undefined, result.state);
    expect(actions(again.planned.changes)).toMatchObject({
      ingress: "delete",
      service: "no-op",
      deployment: "no-op",
    });
    expect(fake.store.all().some((o) => o.kind === "Ingress")).toBe(false);
    expect(again.result.state.objects.ingress).toBeUndefined();
  });

  it("re-plans no change right after a deploy whose replicas an HPA owns", async () => {
    const w = await world();
    expect(service.scaling.max).toBeGreaterThan(service.scaling.min);
    const { result } = await deploy(w);
    const live = fake.store.all().find((o) => o.kind === "Deployment");
    // The server defaulted replicas although apiship left them to the HPA.
    expect((live?.spec as { replicas?: number }).replicas).toBe(1);
    const again = await planFor(w, service, undefined, result.state);
    expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    // Moving to a fixed count (min = max) makes replicas apiship's again: an update.
    const fixed = { ...service, scaling: { ...service.scaling, min: 2, max: 2 } };
    const pinned = await planFor(w, fixed, undefined, result.state);
    expect(actions(pinned.changes)).toMatchObject({ deployment: "update", hpa: "delete" });
  });

  it("refuses to take over an object another stack owns", async () => {
    const w = await world();
    await deploy(w);
    const other = await world();
    other.ctx.stack = { ...other.ctx.stack, id: "other/prod" };
    const err = (await failure(k8s.read(other.ctx, undefined, NAME))) as ProviderError;
    expect(err.code).toBe("Conflict");
    expect(err.message).toContain("shop.dev");
  });

  it("deploys through clientsFromCluster, as AKS/GKE/EKS/DOKS will hand a cluster over", async () => {
    const w = worldOf(
      await clientsFromCluster(
        { name: "handed", server: fake.url, token: "t", skipTLSVerify: true },
        { pollMs: 5 },
      ),
    );
    const { result } = await deploy(w);
    expect(result.state.objects.deployment?.namespace).toBe("apis");
    expect(w.ctx.clients.cluster).toBe(`context handed (${fake.url})`);
  });
});

describe("cluster access", () => {
  it("says what it tried and suggests --offline when there is no kubeconfig", async () => {
    const w = worldOf({} as KubeClients);
    const err = (await failure(createKubeClients({ target: w.target, env: { HOME: dir } }))) as ProviderError;
    expect(err.code).toBe("CREDENTIALS");
    expect(err.message).toContain("$KUBECONFIG (unset)");
    expect(err.message).toContain(join(dir, ".kube", "config"));
    expect(err.message).toContain("in-cluster");
    expect(err.hint).toContain("--offline");
  });

  it("honours KUBECONFIG and rejects an unknown context", async () => {
    const w = worldOf({} as KubeClients, { context: "prod" });
    const err = (await failure(
      createKubeClients({ target: w.target, env: { KUBECONFIG: kubeconfig } }),
    )) as ProviderError;
    expect(err.code).toBe("CONFIG");
    expect(err.message).toContain('no context "prod"');
    expect(err.hint).toContain("fake");
    const ok = await createKubeClients({
      target: worldOf({} as KubeClients, { context: "fake" }).target,
      env: { KUBECONFIG: kubeconfig },
    });
    expect(ok.cluster).toBe(`context fake (${fake.url})`);
  });

  it("maps a refused connection to a retryable error naming the cluster", async () => {
    const w = await world();
    await fake.close();
    const err = (await failure(k8s.read(w.ctx, undefined, NAME))) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(fake.url);
    fake = await startKubeFake();
  });
});
