// The fake API server, driven by the real client-node over HTTP through a kubeconfig.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import type { KubernetesObject, V1Pod, V1PodList } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startKubeFake } from "./server.js";
import type { RunningKubeFake } from "./server.js";

let fake: RunningKubeFake;
let dir: string;
let objects: KubernetesObjectApi;
let core: CoreV1Api;

beforeEach(async () => {
  fake = await startKubeFake({ cluster: { readyDelayMs: 5, loadBalancerDelayMs: 5 } });
  dir = mkdtempSync(join(tmpdir(), "apiship-kfake-"));
  const kc = new KubeConfig();
  kc.loadFromFile(fake.writeKubeconfig(join(dir, "kubeconfig")));
  objects = KubernetesObjectApi.makeApiClient(kc);
  core = kc.makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const ssa = (o: KubernetesObject) =>
  objects.patch<KubernetesObject>(o, undefined, undefined, "apiship", true, PatchStrategy.ServerSideApply);

function deployment(image: string, replicas = 2) {
  const labels = { app: "web" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "apis", labels: { "apiship.dev/target": "t" } },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "app", image }] } },
    },
  };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("condition never met");
}

const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "apis" } };
const reasonOf = (p: V1Pod) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason;

describe("fake Kubernetes API server", () => {
  it("applies server-side, bumps generation only on spec change, and rolls the pods out", async () => {
    await ssa(ns);
    const created = await ssa(deployment("img:1"));
    expect(created.metadata?.generation).toBe(1);
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    const rv1 = created.metadata?.resourceVersion;
    const same = await ssa({
      ...deployment("img:1"),
      metadata: { ...deployment("img:1").metadata, labels: { x: "y" } },
    });
    expect(same.metadata?.generation).toBe(1);
    expect(same.metadata?.resourceVersion).not.toBe(rv1);
    expect(same.metadata?.labels).toEqual({ x: "y" });
    const ready = await until(
      () =>
        objects.read({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "web", namespace: "apis" },
        }),
      (d) => (d as { status?: { availableReplicas?: number } }).status?.availableReplicas === 2,
    );
    expect((ready as { status?: { observedGeneration?: number } }).status?.observedGeneration).toBe(1);
    const bumped = await ssa(deployment("img:2"));
    expect(bumped.metadata?.generation).toBe(2);
    const req = fake.requests.filter((r) => r.method === "PATCH").at(-1);
    expect(req?.path).toBe("/apis/apps/v1/namespaces/apis/deployments/web");
    expect(req?.headers["content-type"]).toBe("application/apply-patch+yaml");
    expect(req?.query.get("fieldManager")).toBe("apiship");
    expect(req?.query.get("force")).toBe("true");
  });

  it("lists items without kind and apiVersion, and defaults fields the way kube-apiserver does", async () => {
    await ssa(ns);
    const applied = deployment("img:1");
    delete (applied.spec as { replicas?: number }).replicas;
    await ssa(applied);
    const raw = await fetch(`${fake.url}/apis/apps/v1/namespaces/apis/deployments`);
    const body = (await raw.json()) as { kind: string; items: Record<string, unknown>[] };
    expect(body.kind).toBe("DeploymentList");
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).not.toHaveProperty("kind");
    expect(body.items[0]).not.toHaveProperty("apiVersion");
    const live = body.items[0] as {
      metadata: { managedFields: { manager: string; fieldsV1: Record<string, Record<string, unknown>> }[] };
      spec: Record<string, unknown> & { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    expect(live.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
    expect(live.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
    });
    expect(live.spec.template.spec.containers[0]).toMatchObject({
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      imagePullPolicy: "IfNotPresent",
    });
    // The applied configuration owned no replicas, so apiship's field set has none.
    const mine = live.metadata.managedFields.find((m) => m.manager === "apiship");
    expect(mine?.fieldsV1["f:spec"]).toHaveProperty("f:template");
    expect(mine?.fieldsV1["f:spec"]).not.toHaveProperty("f:replicas");
  });

  it("refuses a merge patch, an apply without a namespace, and reports missing objects as 404", async () => {
    const merge = objects.patch(ns, undefined, undefined, "apiship", undefined, PatchStrategy.MergePatch);
    await expect(merge).rejects.toMatchObject({ code: 415 });
    await expect(ssa(deployment("img:1"))).rejects.toMatchObject({ code: 404 });
    const gone = objects.delete({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "x", namespace: "apis" },
    });
    await expect(gone).rejects.toMatchObject({ code: 404 });
  });

  it("lists by label selector and deletes a deployment with its pods", async () => {
    await ssa(ns);
    await ssa(deployment("img:1", 1));
    await ssa({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "apis", labels: { a: "b" } },
    });
    const list = await objects.list(
      "apps/v1",
      "Deployment",
      "apis",
      undefined,
      undefined,
      undefined,
      undefined,
      "apiship.dev/target=t",
    );
    expect(list.items.map((i) => i.metadata?.name)).toEqual(["web"]);
    const none = await objects.list(
      "v1",
      "Secret",
      "apis",
      undefined,
      undefined,
      undefined,
      undefined,
      "a=c",
    );
    expect(none.items).toEqual([]);
    await until(
      () => core.listNamespacedPod({ namespace: "apis" }),
      (l) => l.items.length === 1,
    );
    await objects.delete({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "apis" },
    });
    expect((await core.listNamespacedPod({ namespace: "apis" })).items).toEqual([]);
  });

  it("makes pods fail to pull or crash loop when the knobs say so, with a log", async () => {
    fake.cluster.pullFailImages.push("img:bad");
    fake.cluster.crashImages["img:crash"] = ["starting", "KeyError: 'DB_URL'"];
    await ssa(ns);
    await ssa(deployment("img:bad", 1));
    const reason = (p: V1Pod | undefined) => p?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    const pulled = await until(
      () => core.listNamespacedPod({ namespace: "apis" }),
      (l) => l.items.length === 1 && reason(l.items[0]) !== "ContainerCreating",
    );
    expect(reason(pulled.items[0])).toBe("ImagePullBackOff");
    await ssa(deployment("img:crash", 1));
    const live = (l: V1PodList) => l.items.filter((p) => p.metadata?.deletionTimestamp === undefined);
    const crashed = await until(
      () => core.listNamespacedPod({ namespace: "apis" }),
      (l) => reason(live(l)[0]) === "CrashLoopBackOff",
    );
    const pod = live(crashed)[0]?.metadata?.name ?? "";
    expect(live(crashed)[0]?.status?.containerStatuses?.[0]?.restartCount).toBe(3);
    const log = await core.readNamespacedPodLog({
      name: pod,
      namespace: "apis",
      container: "app",
      tailLines: 1,
    });
    expect(log).toBe("KeyError: 'DB_URL'\n");
  });

  it("rolls out through ReplicaSets: pods of the old one stay Terminating a while, a rollback reuses it under a new revision", async () => {
    fake.cluster.terminatingMs = 300;
    fake.cluster.pullFailImages.push("img:bad");
    await ssa(ns);
    const rsList = () =>
      objects.list("apps/v1", "ReplicaSet", "apis", undefined, undefined, undefined, undefined, "app=web");
    const pods = () => core.listNamespacedPod({ namespace: "apis", labelSelector: "app=web" });
    const revision = (o: { metadata?: { annotations?: Record<string, string> } } | undefined) =>
      o?.metadata?.annotations?.["deployment.kubernetes.io/revision"];
    await ssa(deployment("img:1", 1));
    const first = await until(rsList, (l) => l.items.length === 1);
    const hash1 = first.items[0]?.metadata?.labels?.["pod-template-hash"];
    expect(hash1).toMatch(/^[0-9a-f]{10}$/);
    expect(revision(first.items[0])).toBe("1");
    await until(pods, (l) => l.items.some((p) => p.status?.phase === "Running"));
    await ssa(deployment("img:bad", 1));
    const during = await until(
      pods,
      (l) =>
        l.items.some((p) => p.metadata?.deletionTimestamp !== undefined) &&
        l.items.some((p) => reasonOf(p) === "ImagePullBackOff"),
    );
    const old = during.items.find((p) => p.metadata?.deletionTimestamp !== undefined);
    expect(old?.metadata?.labels?.["pod-template-hash"]).toBe(hash1);
    expect(old?.status?.phase).toBe("Running");
    // Rolling back to the first template: its ReplicaSet comes back as revision 3.
    await ssa(deployment("img:1", 1));
    const back = await until(rsList, (l) => l.items.some((rs) => revision(rs) === "3"));
    expect(back.items).toHaveLength(2);
    expect(back.items.find((rs) => revision(rs) === "3")?.metadata?.labels?.["pod-template-hash"]).toBe(
      hash1,
    );
    const dep = await objects.read({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "apis" },
    });
    expect(revision(dep)).toBe("3");
    const failing = await pods();
    expect(
      failing.items.filter((p) => p.metadata?.deletionTimestamp !== undefined).map((p) => reasonOf(p)),
    ).toContain("ImagePullBackOff");
    await until(pods, (l) => l.items.every((p) => p.metadata?.labels?.["pod-template-hash"] === hash1));
  });

  it("gives a LoadBalancer Service an address after a delay", async () => {
    await ssa(ns);
    const svc = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "apis" },
      spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
    };
    const applied = await ssa(svc);
    expect((applied as { spec?: { clusterIP?: string } }).spec?.clusterIP).toMatch(/^10\.96\./);
    const withIp = await until(
      () => core.readNamespacedService({ name: "web", namespace: "apis" }),
      (s) => s.status?.loadBalancer?.ingress?.[0]?.ip !== undefined,
    );
    expect(withIp.status?.loadBalancer?.ingress?.[0]?.ip).toBe("127.0.0.1");
  });
});
