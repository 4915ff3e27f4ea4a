// A mock of the two client-node API objects the adapter uses (KubernetesObjectApi's
// patch/read/list/delete and CoreV1Api's readNamespacedPodLog), handed in through KubeClients
// as clients.ts would build them. It records every call as the HTTP request the SDK would send
// (method, path, patch content type, fieldManager, force, body) and answers from a small map,
// so unit tests can assert each request without a server. Rollouts complete at once.

import { ApiException } from "@kubernetes/client-node";
import type { KubeClients, LogsApi, ObjectsApi } from "../../../providers/kubernetes/clients.js";

export interface MockCall {
  method: "GET" | "LIST" | "PATCH" | "DELETE" | "LOG";
  path: string;
  contentType?: string;
  fieldManager?: string;
  force?: boolean;
  labelSelector?: string;
  body?: Record<string, unknown>;
}

type Obj = { apiVersion?: string; kind?: string; metadata?: Record<string, unknown>; [k: string]: unknown };

const PLURAL: Record<string, [string, boolean]> = {
  Namespace: ["namespaces", false],
  Secret: ["secrets", true],
  Service: ["services", true],
  Pod: ["pods", true],
  Deployment: ["deployments", true],
  HorizontalPodAutoscaler: ["horizontalpodautoscalers", true],
  Ingress: ["ingresses", true],
};

/** The path KubernetesObjectApi builds for an object (or, without a name, its collection). */
export function pathOf(
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name?: string,
): string {
  const [plural, namespaced] = PLURAL[kind] ?? [`${kind.toLowerCase()}s`, true];
  const root = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespaced && namespace ? `/namespaces/${namespace}` : "";
  return `${root}${ns}/${plural}${name === undefined ? "" : `/${name}`}`;
}

function notFound(path: string): ApiException<string> {
  return new ApiException(
    404,
    "Unsuccessful HTTP Request",
    JSON.stringify({ kind: "Status", reason: "NotFound", message: `${path} not found`, code: 404 }),
    {},
  );
}

export interface SdkMock {
  clients: KubeClients;
  calls: MockCall[];
  store: Map<string, Obj>;
  /** Calls that change the cluster. */
  writes(): MockCall[];
  /** The next call of this method fails with this HTTP status (and body message). */
  failNext(
    method: MockCall["method"],
    status: number,
    message?: string,
    headers?: Record<string, string>,
  ): void;
  clear(): void;
}

const matches = (labels: unknown, selector: string | undefined) =>
  !selector ||
  selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return (labels as Record<string, string> | undefined)?.[k ?? ""] === v;
  });

export function sdkMock(): SdkMock {
  const calls: MockCall[] = [];
  const store = new Map<string, Obj>();
  const failures: { method: MockCall["method"]; err: ApiException<string> }[] = [];
  const record = (c: MockCall) => {
    calls.push(c);
    const i = failures.findIndex((f) => f.method === c.method);
    if (i >= 0) {
      const [f] = failures.splice(i, 1);
      throw f?.err;
    }
  };
  const at = (o: Obj) =>
    pathOf(
      o.apiVersion ?? "v1",
      o.kind ?? "",
      o.metadata?.namespace as string | undefined,
      String(o.metadata?.name),
    );

  const objects = {
    patch: (
      spec: Obj,
      _p?: string,
      _d?: string,
      fieldManager?: string,
      force?: boolean,
      contentType?: string,
    ) => {
      const path = at(spec);
      record({ method: "PATCH", path, contentType, fieldManager, force, body: structuredClone(spec) });
      const prior = store.get(path);
      const sameSpec =
        prior && JSON.stringify(prior.spec ?? prior.data) === JSON.stringify(spec.spec ?? spec.data);
      const generation = Number(prior?.metadata?.generation ?? 0) + (sameSpec ? 0 : 1);
      const replicas = (spec.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      const status =
        spec.kind === "Deployment"
          ? {
              observedGeneration: generation,
              replicas,
              updatedReplicas: replicas,
              availableReplicas: replicas,
            }
          : undefined;
      const obj = {
        ...structuredClone(spec),
        metadata: { ...spec.metadata, uid: `uid-${path}`, generation },
        ...(status ? { status } : {}),
      };
      store.set(path, obj);
      return Promise.resolve(structuredClone(obj));
    },
    read: (spec: Obj) => {
      const path = at(spec);
      record({ method: "GET", path });
      const o = store.get(path);
      return o ? Promise.resolve(structuredClone(o)) : Promise.reject(notFound(path));
    },
    list: (
      apiVersion: string,
      kind: string,
      namespace?: string,
      _p?: string,
      _e?: boolean,
      _x?: boolean,
      _f?: string,
      labelSelector?: string,
    ) => {
      const path = pathOf(apiVersion, kind, namespace);
      record({ method: "LIST", path, ...(labelSelector === undefined ? {} : { labelSelector }) });
      const items = [...store.entries()]
        .filter(([p, o]) => p.startsWith(`${path}/`) && matches(o.metadata?.labels, labelSelector))
        .map(([, o]) => structuredClone(o));
      return Promise.resolve({ apiVersion, kind: `${kind}List`, metadata: {}, items });
    },
    delete: (spec: Obj) => {
      const path = at(spec);
      record({ method: "DELETE", path });
      if (!store.delete(path)) return Promise.reject(notFound(path));
      return Promise.resolve({ kind: "Status", status: "Success" });
    },
  };
  const logs = {
    readNamespacedPodLog: (req: { name: string; namespace: string }) => {
      record({ method: "LOG", path: `/api/v1/namespaces/${req.namespace}/pods/${req.name}/log` });
      return Promise.resolve("");
    },
  };
  const clients: KubeClients = {
    objects: objects as unknown as ObjectsApi,
    logs: logs as unknown as LogsApi,
    cluster: "context mock (https://mock:6443)",
    timing: { pollMs: 1, loadBalancerWaitMs: 10, rolloutTimeoutMs: 1000 },
    // The run's policy with short waits: a test sees every retry without waiting for it.
    retry: { maxAttempts: 5, baseMs: 1, capMs: 5, maxWaitMs: 1000 },
  };
  return {
    clients,
    calls,
    store,
    writes: () => calls.filter((c) => c.method === "PATCH" || c.method === "DELETE"),
    failNext(method, status, message = "injected", headers = {}) {
      failures.push({
        method,
        err: new ApiException(
          status,
          "Unsuccessful HTTP Request",
          JSON.stringify({ kind: "Status", message, code: status }),
          headers,
        ),
      });
    },
    clear: () => void calls.splice(0),
  };
}
