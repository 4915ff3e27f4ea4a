// What a real kube-apiserver adds to an applied object, so an adapter that compares live
// objects with what it built meets the same surprises it would on a cluster:
// - defaulting (pkg/apis/apps/v1/defaults.go, pkg/apis/core/v1/defaults.go): replicas,
//   strategy, revisionHistoryLimit, progressDeadlineSeconds, pod and container fields,
//   Service sessionAffinity, ipFamilies, ipFamilyPolicy, port protocol and targetPort;
// - managedFields with fieldsV1: the set of fields each field manager's apply configuration
//   set (structured-merge-diff's field set, with `k:` keys for lists merged by key).

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);

/** Fields of a container the server fills when the applied configuration leaves them out. */
function defaultContainer(c: Rec): void {
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  if (c.imagePullPolicy === undefined) {
    // An untagged or :latest image is pulled every time; a pinned tag or digest only when absent.
    const image = String(c.image ?? "");
    const tag = image.includes("@") ? "digest" : (/:([^/:]+)$/.exec(image)?.[1] ?? "latest");
    c.imagePullPolicy = tag === "latest" ? "Always" : "IfNotPresent";
  }
  for (const p of list(c.ports)) p.protocol ??= "TCP";
  c.resources ??= {};
  for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe].map(rec)) {
    if (Object.keys(probe).length === 0) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    const get = rec(probe.httpGet);
    if (Object.keys(get).length > 0) get.scheme ??= "HTTP";
  }
}

function defaultPodSpec(spec: Rec): void {
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.securityContext ??= {};
  spec.schedulerName ??= "default-scheduler";
  for (const c of list(spec.containers)) defaultContainer(c);
}

/**
 * `replicasFromPrior` is what the cluster had: an apply that leaves replicas out (an HPA owns
 * them) keeps the live count, and only a new Deployment starts at 1.
 */
function defaultDeployment(spec: Rec, replicasFromPrior: unknown): void {
  spec.replicas ??= typeof replicasFromPrior === "number" ? replicasFromPrior : 1;
  spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } };
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodSpec(rec(rec(spec.template).spec));
}

function defaultService(spec: Rec): void {
  spec.type ??= "ClusterIP";
  spec.sessionAffinity ??= "None";
  spec.ipFamilies ??= ["IPv4"];
  spec.ipFamilyPolicy ??= "SingleStack";
  spec.internalTrafficPolicy ??= "Cluster";
  if (spec.type === "LoadBalancer" || spec.type === "NodePort") spec.externalTrafficPolicy ??= "Cluster";
  for (const p of list(spec.ports)) {
    p.protocol ??= "TCP";
    p.targetPort ??= p.port;
  }
}

/** Fills the server's defaults into `obj` in place. */
export function applyDefaults(obj: Rec & { kind: string }, prior: Rec | undefined): void {
  if (obj.spec === undefined) return;
  const spec = rec(obj.spec);
  if (obj.kind === "Deployment") defaultDeployment(spec, rec(prior?.spec).replicas);
  if (obj.kind === "Service") defaultService(spec);
}

// Lists that structured-merge-diff merges by key (the OpenAPI x-kubernetes-list-map-keys).
const LIST_KEYS: Readonly<Record<string, readonly string[]>> = {
  containers: ["name"],
  initContainers: ["name"],
  env: ["name"],
  ports: ["containerPort", "protocol"],
  volumes: ["name"],
  imagePullSecrets: ["name"],
};

function fieldsOfValue(key: string, v: unknown): Rec {
  if (Array.isArray(v)) {
    const keys = LIST_KEYS[key];
    if (!keys) return {};
    const out: Rec = {};
    for (const item of list(v)) {
      const id: Rec = {};
      for (const k of keys) if (item[k] !== undefined) id[k] = item[k];
      // Service ports are keyed by port and protocol; container ports by containerPort.
      if (key === "ports" && item.containerPort === undefined) {
        id.port = item.port;
        id.protocol = item.protocol ?? "TCP";
      }
      out[`k:${JSON.stringify(id)}`] = { ".": {}, ...fieldsV1(item) };
    }
    return out;
  }
  if (typeof v === "object" && v !== null) return { ".": {}, ...fieldsV1(v as Rec) };
  return {};
}

/** The field set an apply configuration owns, as the server records it in managedFields. */
export function fieldsV1(applied: Rec): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(applied)) {
    if (v === undefined || k === "apiVersion" || k === "kind" || k === "status") continue;
    if (k === "metadata") {
      const m = rec(v);
      const kept: Rec = {};
      for (const mk of ["labels", "annotations"]) if (m[mk] !== undefined) kept[mk] = m[mk];
      if (Object.keys(kept).length > 0) out["f:metadata"] = fieldsV1(kept);
      continue;
    }
    out[`f:${k}`] = fieldsOfValue(k, v);
  }
  return out;
}
