// Mocked-SDK unit tests of kubernetes/kubernetes: the client-node API objects are replaced by
// mocks through KubeClients, and every request the adapter sends is asserted.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
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
import { pathOf, sdkMock } from "../../test/fakes/kubernetes/sdk-mock.js";
import type { MockCall } from "../../test/fakes/kubernetes/sdk-mock.js";
import { CHECKSUM_ANNOTATION, HASHES_ANNOTATION } from "./manifests.js";

const SELECTOR = "app.kubernetes.io/managed-by=apiship,apiship.dev/stack=shop.dev,apiship.dev/target=web";
const P = {
  ns: pathOf("v1", "Namespace", undefined, "apis"),
  secret: pathOf("v1", "Secret", "apis", `${NAME}-secrets`),
  deployment: pathOf("apps/v1", "Deployment", "apis", NAME),
  service: pathOf("v1", "Service", "apis", NAME),
  hpa: pathOf("autoscaling/v2", "HorizontalPodAutoscaler", "apis", NAME),
  ingress: pathOf("networking.k8s.io/v1", "Ingress", "apis", NAME),
};
const LABELS = {
  "app.kubernetes.io/managed-by": "apiship",
  "apiship.dev/stack": "shop.dev",
  "apiship.dev/target": "web",
};

function setup(options: Record<string, unknown> = {}) {
  const mock = sdkMock();
  return { mock, w: worldOf(mock.clients, options) };
}

const ssa = (c: MockCall | undefined) => ({
  contentType: c?.contentType,
  fieldManager: c?.fieldManager,
  force: c?.force,
});
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const bodyAt = (calls: MockCall[], path: string) =>
  calls.find((c) => c.method === "PATCH" && c.path === path)?.body as Body;
const container = (b: Body) => b.spec.template.spec.containers[0] as Body;

describe("kubernetes/kubernetes with a mocked SDK", () => {
  it("creates namespace, secret, deployment, service and HPA with server-side apply", async () => {
    const { mock, w } = setup();
    const { planned, result } = await deploy(w);
    expect(actions(planned.changes)).toEqual({
      secret: "create",
      deployment: "create",
      service: "create",
      hpa: "create",
    });
    const writes = mock.writes();
    expect(writes.map((c) => `${c.method} ${c.path}`)).toEqual(
      [P.ns, P.secret, P.deployment, P.service, P.hpa].map((p) => `PATCH ${p}`),
    );
    for (const c of writes)
      expect(ssa(c)).toEqual({
        contentType: "application/apply-patch+yaml",
        fieldManager: "apiship",
        force: true,
      });
    const secret = bodyAt(writes, P.secret);
    expect(secret.data).toEqual({ API_KEY: Buffer.from(SECRET_VALUE).toString("base64") });
    expect(secret.metadata.labels).toEqual(LABELS);
    expect(JSON.parse(secret.metadata.annotations[HASHES_ANNOTATION] as string)).toEqual({
      API_KEY: "hmac-sha256:aaa",
    });
    const dep = bodyAt(writes, P.deployment);
    expect(dep.spec.replicas).toBeUndefined();
    expect(dep.spec.template.metadata.annotations[CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
    expect(container(dep)).toMatchObject({
      image: "ghcr.io/acme/shop:1",
      ports: [{ containerPort: 8080 }],
      env: [
        { name: "LOG_LEVEL", value: "info" },
        { name: "API_KEY", valueFrom: { secretKeyRef: { name: `${NAME}-secrets`, key: "API_KEY" } } },
      ],
      resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "512Mi" } },
      readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, timeoutSeconds: 2, failureThreshold: 3 },
    });
    expect(bodyAt(writes, P.hpa).spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 3,
      scaleTargetRef: { kind: "Deployment", name: NAME },
    });
    expect(bodyAt(writes, P.service).spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ port: 80, targetPort: 8080 }],
    });
    const lists = mock.calls.filter((c) => c.method === "LIST");
    expect(lists).toHaveLength(5);
    expect(lists.every((c) => c.labelSelector === SELECTOR)).toBe(true);
    expect(result.state.objects.deployment).toMatchObject({ name: NAME, namespace: "apis", generation: 1 });
    expect(JSON.stringify(result.state)).not.toContain(SECRET_VALUE);
  });

  it("plans no change and writes nothing when nothing changed", async () => {
    const { mock, w } = setup();
    await deploy(w);
    mock.clear();
    const { planned, result } = await deploy(w);
    expect(planned.changes.every((c) => c.action === "no-op")).toBe(true);
    expect(mock.writes()).toEqual([]);
    expect(mock.calls.every((c) => c.method === "GET")).toBe(true);
    expect(result.release).toBe("1");
  });

  it("rolls a new image with one apply of the Deployment", async () => {
    const { mock, w } = setup();
    await deploy(w);
    mock.clear();
    const { planned, result } = await deploy(w, {
      ...service,
      container: { image: "ghcr.io/acme/shop:2", port: 8080 },
    });
    const dep = planned.changes.find((c) => c.type === "deployment");
    expect(dep).toMatchObject({ action: "update", reason: "image changed" });
    expect(mock.writes().map((c) => `${c.method} ${c.path}`)).toEqual([`PATCH ${P.deployment}`]);
    expect(container(bodyAt(mock.writes(), P.deployment)).image).toBe("ghcr.io/acme/shop:2");
    expect(result.release).toBe("2");
  });

  it("re-applies the Secret and changes the checksum annotation when a secret changes, so pods roll", async () => {
    const { mock, w } = setup();
    const first = await deploy(w);
    const before = bodyAt(mock.writes(), P.deployment).spec.template.metadata.annotations[
      CHECKSUM_ANNOTATION
    ] as string;
    mock.clear();
    const { planned } = await deploy(w, service, { API_KEY: "hmac-sha256:bbb" });
    expect(actions(planned.changes)).toMatchObject({ secret: "update", deployment: "update" });
    expect(planned.changes.find((c) => c.type === "secret")?.sensitivePaths).toEqual(["keys.API_KEY"]);
    expect(planned.changes.find((c) => c.type === "deployment")?.sensitivePaths).toEqual(["secretsChecksum"]);
    expect(mock.writes().map((c) => c.path)).toEqual([P.secret, P.deployment]);
    const after = bodyAt(mock.writes(), P.deployment).spec.template.metadata.annotations[
      CHECKSUM_ANNOTATION
    ] as string;
    expect(after).not.toBe(before);
    expect(JSON.stringify(planned.changes)).not.toContain(SECRET_VALUE);
    // An offline plan has no hashes: it keeps the cluster's and reports no change.
    const offline = await planFor(w, service, {}, first.result.state);
    expect(offline.changes.every((c) => c.action === "no-op")).toBe(true);
  });

  it("deletes the HPA and sets replicas when max == min, and updates it when max changes", async () => {
    const { mock, w } = setup();
    await deploy(w);
    mock.clear();
    const up = await deploy(w, { ...service, scaling: { min: 1, max: 5 } });
    expect(actions(up.planned.changes)).toMatchObject({ hpa: "update", deployment: "no-op" });
    expect(mock.writes().map((c) => c.path)).toEqual([P.hpa]);
    expect(bodyAt(mock.writes(), P.hpa).spec.maxReplicas).toBe(5);
    mock.clear();
    const fixed = await deploy(w, { ...service, scaling: { min: 2, max: 2 } });
    expect(actions(fixed.planned.changes)).toMatchObject({ hpa: "delete", deployment: "update" });
    expect(mock.writes().map((c) => `${c.method} ${c.path}`)).toEqual([
      `PATCH ${P.deployment}`,
      `DELETE ${P.hpa}`,
    ]);
    expect(bodyAt(mock.writes(), P.deployment).spec.replicas).toBe(2);
    expect(fixed.result.state.objects.hpa).toBeUndefined();
  });

  it("prunes a labelled object that is no longer desired, even one the state never recorded", async () => {
    const { mock, w } = setup();
    await deploy(w);
    mock.store.set(P.ingress, {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: NAME, namespace: "apis", labels: LABELS },
    });
    const foreign = pathOf("networking.k8s.io/v1", "Ingress", "apis", "theirs");
    mock.store.set(foreign, {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "theirs", namespace: "apis", labels: {} },
    });
    mock.clear();
    await deploy(w, { ...service, container: { image: "ghcr.io/acme/shop:3", port: 8080 } });
    expect(mock.writes().map((c) => `${c.method} ${c.path}`)).toEqual([
      `PATCH ${P.deployment}`,
      `DELETE ${P.ingress}`,
    ]);
    expect(mock.store.has(foreign)).toBe(true);
  });

  it("rolls back by re-applying the previous release's spec", async () => {
    const { mock, w } = setup();
    const v1 = await deploy(w);
    const v2svc = { ...service, container: { image: "ghcr.io/acme/shop:2", port: 8080 } };
    const v2 = await deploy(w, v2svc, undefined, v1.result.state);
    mock.clear();
    const back = await deploy(w, service, undefined, v2.result.state);
    expect(actions(back.planned.changes)).toMatchObject({ deployment: "update" });
    expect(back.planned.changes.find((c) => c.type === "deployment")?.before?.image).toBe(
      "ghcr.io/acme/shop:2",
    );
    expect(mock.writes().map((c) => c.path)).toEqual([P.deployment]);
    expect(container(bodyAt(mock.writes(), P.deployment)).image).toBe("ghcr.io/acme/shop:1");
    expect(back.result.release).toBe("3");
  });

  it("destroys every object in reverse order, idempotently", async () => {
    const { mock, w } = setup({ expose: "ingress", ingress: { host: "api.example.com" } });
    const { result } = await deploy(w);
    mock.clear();
    await k8s.destroy(w.ctx, result.state);
    const deletes = mock.writes().map((c) => `${c.method} ${c.path}`);
    expect(deletes).toEqual([P.ingress, P.hpa, P.service, P.deployment, P.secret].map((p) => `DELETE ${p}`));
    expect(mock.calls.filter((c) => c.method === "LIST").every((c) => c.labelSelector === SELECTOR)).toBe(
      true,
    );
    mock.clear();
    await expect(k8s.destroy(w.ctx, result.state)).resolves.toBeUndefined();
    expect(mock.writes()).toHaveLength(5);
    expect(await k8s.read(w.ctx, result.state, NAME)).toBeUndefined();
    expect((await k8s.status(w.ctx, result.state)).health).toBe("missing");
  });

  it("replaces every object when the namespace changes, then prunes the old ones", async () => {
    const { mock, w } = setup();
    const first = await deploy(w);
    const moved = worldOf(mock.clients, { namespace: "apis-2" });
    mock.clear();
    const { planned } = await deploy(moved, service, undefined, first.result.state);
    expect(planned.changes.every((c) => c.action === "replace" && c.replacePaths.includes("namespace"))).toBe(
      true,
    );
    const deletes = mock
      .writes()
      .filter((c) => c.method === "DELETE")
      .map((c) => c.path);
    expect(deletes.sort()).toEqual([P.hpa, P.service, P.deployment, P.secret].sort());
    expect(
      mock
        .writes()
        .filter((c) => c.method === "PATCH")
        .every((c) => c.path.includes("/namespaces/apis-2")),
    ).toBe(true);
  });

  it("refuses a missing namespace it may not create, before writing anything", async () => {
    const { mock, w } = setup({ createNamespace: false });
    const err = (await deploy(w).catch((e: unknown) => e)) as ProviderError;
    expect(err.code).toBe("NotFound");
    expect(err.hint).toContain("kubectl create namespace apis");
    expect(mock.writes()).toEqual([]);
  });

  it("maps 403, 409, 429 and 500 into ProviderErrors naming the verb and object", async () => {
    const cases: [number, string, boolean][] = [
      [403, "FORBIDDEN", false],
      [409, "Conflict", false],
      [429, "Throttling", true],
      [500, "HTTP_500", true],
    ];
    for (const [status, code, retryable] of cases) {
      const { mock, w } = setup();
      // One attempt: the error as the adapter maps it, before any retry.
      w.ctx.clients.retry = { maxAttempts: 1, baseMs: 1, capMs: 1, maxWaitMs: 1000 };
      mock.store.set(P.ns, { apiVersion: "v1", kind: "Namespace", metadata: { name: "apis" } });
      mock.failNext("PATCH", status, "denied by test", status === 429 ? { "retry-after": "7" } : {});
      const err = (await deploy(w).catch((e: unknown) => e)) as ProviderError;
      expect(err).toBeInstanceOf(ProviderError);
      expect({ code: err.code, retryable: err.retryable }).toEqual({ code, retryable });
      expect(err.message).toContain(`apply Secret apis/${NAME}-secrets`);
      expect(err.message).toContain("denied by test");
      if (status === 429) expect(err.retryAfter).toBe(7);
      expect(err.spent).toBe(1);
    }
  });

  // Issue 18, item 3: client-node retries nothing, so a throttled or failing API server failed
  // the step on its first 429 or 500.
  it("retries a throttled or failing call under the run's policy, waiting what Retry-After asks", async () => {
    const { mock, w } = setup();
    const retries: { call: string; delayMs: number; code: string }[] = [];
    w.ctx.clients.retry = {
      maxAttempts: 3,
      baseMs: 1,
      capMs: 1,
      maxWaitMs: 1000,
      onRetry: (i) => retries.push({ call: i.call, delayMs: i.delayMs, code: i.code }),
    };
    mock.failNext("GET", 500);
    mock.failNext("PATCH", 429, "slow down", { "retry-after": "0.05" });
    mock.failNext("LIST", 503);
    const { result } = await deploy(w);
    expect(result.state.objects.deployment?.name).toBe(NAME);
    expect(retries.map((r) => r.code)).toEqual(["HTTP_500", "Throttling", "HTTP_503"]);
    expect(retries[1]).toMatchObject({ call: "apply Namespace apis", delayMs: 50 });
    expect(mock.calls.filter((c) => c.method === "PATCH" && c.path === P.ns)).toHaveLength(2);
  });

  it("gives up after the policy's attempts with the error marked spent, and never waits longer than it allows", async () => {
    const { mock, w } = setup();
    w.ctx.clients.retry = { maxAttempts: 2, baseMs: 1, capMs: 1, maxWaitMs: 1000 };
    mock.failNext("GET", 503);
    mock.failNext("GET", 503);
    const err = (await k8s.read(w.ctx, undefined, NAME).catch((e: unknown) => e)) as ProviderError;
    expect({ code: err.code, spent: err.spent }).toEqual({ code: "HTTP_503", spent: 2 });
    mock.failNext("GET", 429, "slow down", { "retry-after": "3600" });
    const long = (await k8s.read(w.ctx, undefined, NAME).catch((e: unknown) => e)) as ProviderError;
    expect(long.message).toMatch(/asked to wait 3600 s/);
    expect(long.spent).toBe(1);
  });
});

describe("loading the provider", () => {
  it("imports client-node only as types, or lazily inside clients.ts", () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    expect(files).toContain("clients.ts");
    for (const f of files) {
      const src = readFileSync(join(dir, f), "utf8");
      const eager = [...src.matchAll(/^import\s+(?!type\b)[^;]*from\s+["']([^"']+)["']/gm)].map((m) => m[1]);
      expect(
        eager.filter((s) => !s?.startsWith(".") && !s?.startsWith("node:") && s !== "zod"),
        f,
      ).toEqual([]);
      if (f !== "clients.ts") expect(src, f).not.toMatch(/import\(\s*["']@kubernetes/);
    }
  });
});

describe("status", () => {
  it("is ready, partial or down from the Deployment's available replicas", async () => {
    const { mock, w } = setup();
    const { result } = await deploy(w, { ...service, scaling: { min: 3, max: 3 } });
    const report = await k8s.status(w.ctx, result.state);
    expect(report).toMatchObject({
      health: "ready",
      release: "1",
      endpoint: `http://${NAME}.apis.svc.cluster.local:80`,
    });
    const dep = mock.store.get(P.deployment);
    if (!dep) throw new Error("no deployment");
    dep.status = { availableReplicas: 1 };
    expect(await k8s.status(w.ctx, result.state)).toMatchObject({
      health: "partial",
      detail: "1/3 replicas available",
    });
    dep.status = {};
    expect((await k8s.status(w.ctx, result.state)).health).toBe("down");
    mock.store.delete(P.deployment);
    expect((await k8s.status(w.ctx, result.state)).health).toBe("down");
  });
});
