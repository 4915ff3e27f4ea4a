// A stateful fake Kubernetes API server on 127.0.0.1 (DESIGN.md §8), built on the shared fake
// framework: API discovery, server-side apply (PATCH application/apply-patch+yaml with a
// fieldManager), get/list/delete with labelSelector, pods and pods/log, GET /version, and the simulated
// controllers of controller.ts. A test reaches it through a kubeconfig it writes with
// writeKubeconfig(), so the real client-node talks HTTP to it (client-node allows plain http
// only with insecure-skip-tls-verify). The shared framework strips Authorization headers from
// what it records, so the fake does not check the token.

import { writeFileSync } from "node:fs";
import { parse } from "yaml";
import { startFake } from "../_shared/server.js";
import type { FakeRequest, FakeResponse, FaultKnobs, RunningFake } from "../_shared/server.js";
import { Controllers, defaultKnobs } from "./controller.js";
import type { KubeKnobs } from "./controller.js";
import { PodLogBook, podLog } from "./pod-logs.js";
import { ObjectStore, TYPES, apiVersionOf } from "./store.js";
import type { Obj, ResourceType } from "./store.js";

export interface RunningKubeFake extends RunningFake {
  store: ObjectStore;
  cluster: KubeKnobs;
  /** What each pod printed, as pods/log returns it (pod-logs.ts). */
  podLogs: PodLogBook;
  /** Writes a kubeconfig (token auth, context `fake`) pointing at this server; returns its path. */
  writeKubeconfig(path: string, opts?: { context?: string; namespace?: string }): string;
}

export const FAKE_TOKEN = "fake-token-123";

/** GET /version (version.Info), as a v1.30 kube-apiserver answers it. */
export const VERSION = {
  major: "1",
  minor: "30",
  gitVersion: "v1.30.5",
  gitCommit: "74e84a90c725047b1328ff3d589fedb1cb7a120e",
  gitTreeState: "clean",
  buildDate: "2024-09-12T00:11:55Z",
  goVersion: "go1.22.6",
  compiler: "gc",
  platform: "linux/amd64",
};

function status(code: number, reason: string, message: string): FakeResponse {
  return {
    status: code,
    body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code },
  };
}

const notFound = (rt: ResourceType, name: string) =>
  status(404, "NotFound", `${rt.qualified} "${name}" not found`);

interface Route {
  rt: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
}

function discovery(path: string): FakeResponse | undefined {
  const gv = path.replace(/^\/apis?\//, "");
  const types = TYPES.filter((t) => apiVersionOf(t) === gv);
  if (types.length === 0 || !/^\/apis?\/[^/]+(\/[^/]+)?$/.test(path)) return undefined;
  const resources = types.map((t) => ({
    name: t.plural,
    singularName: t.kind.toLowerCase(),
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: ["create", "delete", "get", "list", "patch", "update"],
  }));
  if (gv === "v1")
    resources.push({ name: "pods/log", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] });
  return { status: 200, body: { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources } };
}

function route(path: string): Route | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.*)$/.exec(path);
  if (!m) return undefined;
  const group = m[2] ?? "";
  const version = m[1] ?? m[3] ?? "";
  const segs = (m[4] ?? "").split("/").filter(Boolean);
  const find = (plural: string | undefined) =>
    TYPES.find((t) => t.plural === plural && t.group === group && t.version === version);
  if (segs[0] === "namespaces" && segs.length >= 3) {
    const rt = find(segs[2]);
    return rt && { rt, namespace: segs[1], name: segs[3], sub: segs[4] };
  }
  const rt = find(segs[0]);
  if (!rt) return undefined;
  return { rt, name: segs[1] };
}

class KubeApi {
  constructor(
    readonly store: ObjectStore,
    readonly controllers: Controllers,
    readonly podLogs: PodLogBook,
    readonly knobs: KubeKnobs,
  ) {}

  handle(req: FakeRequest): FakeResponse {
    if (req.method === "GET" && req.path === "/version") return { status: 200, body: VERSION };
    const d = req.method === "GET" ? discovery(req.path) : undefined;
    if (d) return d;
    const r = route(req.path);
    if (!r)
      return status(
        404,
        "NotFound",
        `the server could not find the requested resource (${req.method} ${req.path})`,
      );
    if (r.rt.namespaced && r.namespace === undefined && r.name !== undefined)
      return status(404, "NotFound", "namespaced resource without a namespace");
    if (r.sub === "log" && req.method === "GET") return this.log(r, req);
    if (r.name === undefined) {
      if (req.method === "GET") return this.list(r, req);
      if (req.method === "POST") return this.create(r, req);
      return status(405, "MethodNotAllowed", `${req.method} on a collection`);
    }
    if (req.method === "GET") {
      const o = this.store.get(r.rt, r.namespace, r.name);
      return o ? { status: 200, body: o } : notFound(r.rt, r.name);
    }
    if (req.method === "PATCH") return this.apply(r, req, r.name);
    if (req.method === "DELETE") return this.remove(r, r.name);
    return status(405, "MethodNotAllowed", `${req.method} is not supported by this fake`);
  }

  private list(r: Route, req: FakeRequest): FakeResponse {
    // A real kube-apiserver sends list items without kind and apiVersion (kubernetes#3030):
    // only the list itself says what it holds.
    const items = this.store
      .list(r.rt, r.namespace, req.query.get("labelSelector"))
      .map(({ kind: _kind, apiVersion: _apiVersion, ...item }) => item);
    return {
      status: 200,
      body: {
        kind: `${r.rt.kind}List`,
        apiVersion: apiVersionOf(r.rt),
        metadata: { resourceVersion: this.store.nextVersion() },
        items,
      },
    };
  }

  private namespaceMissing(r: Route): FakeResponse | undefined {
    if (!r.rt.namespaced) return undefined;
    const nsType = TYPES.find((t) => t.kind === "Namespace");
    if (nsType && !this.store.get(nsType, undefined, r.namespace ?? ""))
      return status(404, "NotFound", `namespaces "${r.namespace}" not found`);
    return undefined;
  }

  private checkBody(r: Route, o: Obj | undefined, name: string | undefined): FakeResponse | undefined {
    if (!o || typeof o !== "object" || !o.metadata || typeof o.metadata.name !== "string")
      return status(400, "BadRequest", "the body is not an object with metadata.name");
    if (o.kind !== r.rt.kind || o.apiVersion !== apiVersionOf(r.rt))
      return status(
        400,
        "BadRequest",
        `body is ${o.apiVersion}/${o.kind}, the path is ${apiVersionOf(r.rt)}/${r.rt.kind}`,
      );
    if (name !== undefined && o.metadata.name !== name)
      return status(
        400,
        "BadRequest",
        `the name of the object (${o.metadata.name}) does not match the name on the URL (${name})`,
      );
    if (r.rt.namespaced && o.metadata.namespace !== undefined && o.metadata.namespace !== r.namespace)
      return status(400, "BadRequest", "the namespace of the object does not match the namespace on the URL");
    return undefined;
  }

  private apply(r: Route, req: FakeRequest, name: string): FakeResponse {
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim();
    if (type !== "application/apply-patch+yaml")
      return status(415, "UnsupportedMediaType", `this fake only implements server-side apply, not ${type}`);
    const manager = req.query.get("fieldManager");
    if (!manager)
      return status(400, "BadRequest", "PATCH requests with apply content type must have a fieldManager");
    let body: Obj | undefined;
    try {
      body = parse(req.body.toString("utf8")) as Obj;
    } catch (e) {
      return status(400, "BadRequest", `cannot parse the applied configuration: ${String(e)}`);
    }
    const bad = this.checkBody(r, body, name) ?? this.namespaceMissing(r);
    if (bad || !body) return bad ?? status(400, "BadRequest", "empty body");
    if (r.rt.namespaced) body.metadata.namespace = r.namespace;
    const { obj, created, specChanged } = this.store.apply(r.rt, body, manager);
    this.controllers.onApplied(obj, specChanged);
    return { status: created ? 201 : 200, body: this.store.get(r.rt, r.namespace, name) ?? obj };
  }

  private create(r: Route, req: FakeRequest): FakeResponse {
    const body = req.json as Obj | undefined;
    const bad = this.checkBody(r, body, undefined) ?? this.namespaceMissing(r);
    if (bad || !body) return bad ?? status(400, "BadRequest", "empty body");
    if (this.store.get(r.rt, r.namespace, body.metadata.name))
      return status(409, "AlreadyExists", `${r.rt.qualified} "${body.metadata.name}" already exists`);
    if (r.rt.namespaced) body.metadata.namespace = r.namespace;
    const { obj, specChanged } = this.store.apply(r.rt, body, req.query.get("fieldManager") ?? "unknown");
    this.controllers.onApplied(obj, specChanged);
    return { status: 201, body: obj };
  }

  private remove(r: Route, name: string): FakeResponse {
    const gone = this.store.delete(r.rt, r.namespace, name);
    if (!gone) return notFound(r.rt, name);
    this.controllers.onDeleted(gone);
    return {
      status: 200,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Success",
        details: { name, kind: r.rt.plural, uid: gone.metadata.uid },
      },
    };
  }

  private log(r: Route, req: FakeRequest): FakeResponse {
    const pod = this.store.get(r.rt, r.namespace, r.name ?? "");
    if (!pod) return notFound(r.rt, r.name ?? "");
    return podLog(this.podLogs, this.knobs, pod, req.query);
  }
}

export async function startKubeFake(
  opts: { cluster?: Partial<KubeKnobs>; faults?: FaultKnobs; logFile?: string } = {},
): Promise<RunningKubeFake> {
  const store = new ObjectStore();
  const cluster: KubeKnobs = { ...defaultKnobs(), ...opts.cluster };
  const controllers = new Controllers(store, cluster);
  const podLogs = new PodLogBook();
  const api = new KubeApi(store, controllers, podLogs, cluster);
  const fakeOpts: Parameters<typeof startFake>[0] = {
    name: "kubernetes",
    handler: (req) => api.handle(req),
    errorResponse: () => status(500, "InternalError", "internal error (injected)"),
    throttleResponse: () => ({
      ...status(429, "TooManyRequests", "the server has received too many requests"),
      headers: { "retry-after": "0" },
    }),
  };
  if (opts.faults) fakeOpts.knobs = opts.faults;
  if (opts.logFile) fakeOpts.logFile = opts.logFile;
  const fake = await startFake(fakeOpts);
  return {
    ...fake,
    store,
    cluster,
    podLogs,
    writeKubeconfig(path, o = {}) {
      const context = o.context ?? "fake";
      const ns = o.namespace ? `\n    namespace: ${o.namespace}` : "";
      const text = `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${fake.url}
    insecure-skip-tls-verify: true
contexts:
- name: ${context}
  context:
    cluster: fake
    user: fake${ns}
current-context: ${context}
users:
- name: fake
  user:
    token: ${FAKE_TOKEN}
`;
      writeFileSync(path, text);
      return path;
    },
    close: async () => {
      controllers.close();
      await fake.close();
    },
  };
}
