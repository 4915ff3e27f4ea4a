// The PURE planner of kubernetes/kubernetes: attribute-level changes per object, from what
// read() observed to what manifests.ts builds. A namespace change cannot move an object, so it
// replaces every namespaced one (apply creates the new, then prunes the old).

import { requireLocalSecrets } from "../_shared/plan.js";
import { ProviderError } from "../../src/errors.js";
import type { Action, PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import {
  HASHES_ANNOTATION,
  CHECKSUM_ANNOTATION,
  OBJECT_KINDS,
  desiredObjects,
  objectName,
} from "./manifests.js";
import type { K8sObject, K8sOptions, ObjectKind } from "./manifests.js";
import { FIELD_MANAGER } from "./objects.js";
import type { KubeState } from "./state.js";

type Attrs = Record<string, unknown>;

// JSON drops undefined; a desired value that still holds undefined would show phantom changes.
const json = (v: Attrs): Attrs => JSON.parse(JSON.stringify(v)) as Attrs;

function rec(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function parseHashes(obj: K8sObject): Record<string, string> {
  const raw = obj.metadata.annotations?.[HASHES_ANNOTATION];
  if (raw === undefined) return {};
  try {
    const v: unknown = JSON.parse(raw);
    return rec(v) as Record<string, string>;
  } catch {
    // An annotation edited by hand is simply drift: the next apply rewrites it.
    return { "(unreadable)": raw };
  }
}

/**
 * False only when the object's managedFields show that apiship's apply does not set the field:
 * a live Deployment always has spec.replicas (defaulted, or an HPA's), and a plan that compared
 * it with a desired object that leaves replicas to the HPA would never settle. Objects with no
 * managedFields (built here, or from an old server) own every field they have.
 */
export function ownsField(obj: K8sObject, path: readonly string[]): boolean {
  const entries = obj.metadata.managedFields;
  if (!Array.isArray(entries)) return true;
  const mine = entries.map(rec).find((e) => e.manager === FIELD_MANAGER && e.operation === "Apply");
  if (!mine || typeof mine.fieldsV1 !== "object" || mine.fieldsV1 === null) return true;
  let node: unknown = mine.fieldsV1;
  for (const p of path) {
    node = rec(node)[`f:${p}`];
    if (node === undefined) return false;
  }
  return true;
}

function deploymentAttrs(obj: K8sObject): Attrs {
  const spec = rec(obj.spec);
  const tpl = rec(spec.template);
  const podSpec = rec(tpl.spec);
  const c = rec(arr(podSpec.containers)[0]);
  const env: Record<string, unknown> = {};
  const secretEnv: string[] = [];
  for (const e of arr(c.env).map(rec)) {
    if (e.valueFrom !== undefined) secretEnv.push(String(e.name));
    else env[String(e.name)] = e.value;
  }
  const port = rec(arr(c.ports)[0]).containerPort;
  return json({
    namespace: obj.metadata.namespace,
    image: c.image,
    port,
    command: c.command,
    args: c.args,
    replicas: ownsField(obj, ["spec", "replicas"]) ? spec.replicas : undefined,
    resources: c.resources,
    env,
    secretEnv: secretEnv.sort(),
    secretsChecksum: rec(rec(tpl.metadata).annotations)[CHECKSUM_ANNOTATION],
    healthPath: rec(rec(c.readinessProbe).httpGet).path,
    imagePullSecrets: arr(podSpec.imagePullSecrets).map((s) => rec(s).name),
  });
}

function serviceAttrs(obj: K8sObject): Attrs {
  const spec = rec(obj.spec);
  const p = rec(arr(spec.ports)[0]);
  return json({ namespace: obj.metadata.namespace, type: spec.type, port: p.port, targetPort: p.targetPort });
}

function hpaAttrs(obj: K8sObject): Attrs {
  const spec = rec(obj.spec);
  return json({ namespace: obj.metadata.namespace, min: spec.minReplicas, max: spec.maxReplicas });
}

function ingressAttrs(obj: K8sObject): Attrs {
  const spec = rec(obj.spec);
  const rule = rec(arr(spec.rules)[0]);
  const tls = rec(arr(spec.tls)[0]);
  return json({
    namespace: obj.metadata.namespace,
    host: rule.host,
    className: spec.ingressClassName,
    tlsSecret: tls.secretName,
  });
}

/** What a plan compares of one object; the same function reads desired and live objects. */
export function attributesOf(kind: ObjectKind, obj: K8sObject): Attrs {
  switch (kind) {
    case "secret":
      return json({ namespace: obj.metadata.namespace, keys: parseHashes(obj) });
    case "deployment":
      return deploymentAttrs(obj);
    case "service":
      return serviceAttrs(obj);
    case "hpa":
      return hpaAttrs(obj);
    case "ingress":
      return ingressAttrs(obj);
  }
}

export type KubePlanRequest = PlanRequest<K8sOptions, KubeState>;

/**
 * Secret name → keyed hash. A plan made without a hash for a name (offline) keeps the one the
 * cluster has, so it does not report a secret change it cannot know about.
 */
export function resolvedHashes(req: KubePlanRequest): Record<string, string> {
  const observed = rec(req.observed?.objects.secret?.attributes.keys) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const n of Object.keys(req.service.secrets).sort()) out[n] = req.secretHashes[n] ?? observed[n] ?? "";
  return out;
}

export function desiredFor(req: KubePlanRequest): Partial<Record<ObjectKind, K8sObject>> {
  return desiredObjects({
    name: req.name,
    stackId: req.stack.id,
    targetName: req.target.name,
    service: req.service,
    options: req.target.options,
    secretHashes: resolvedHashes(req),
  });
}

function reasonFor(action: Action, changed: string[], replacePaths: string[]): string | undefined {
  if (action === "create") return "not in the cluster";
  if (action === "delete") return "no longer wanted";
  if (action === "replace") return `${replacePaths.join(", ")} cannot change in place`;
  if (action === "update") return `${changed.join(", ")} changed`;
  return undefined;
}

function sensitiveOf(kind: ObjectKind, before: Attrs | null, after: Attrs | null): string[] {
  if (kind === "deployment") return ["secretsChecksum"];
  if (kind !== "secret") return [];
  const keys = Object.keys({ ...rec(before?.keys), ...rec(after?.keys) });
  return keys.map((k) => joinPath("keys", k));
}

const DEPENDS_ON: Readonly<Record<ObjectKind, ObjectKind[]>> = {
  secret: [],
  deployment: ["secret"],
  service: ["deployment"],
  hpa: ["deployment"],
  ingress: ["service"],
};

/** PURE. Changes in apply order; kinds that neither exist nor are wanted are left out. */
export function planChanges(req: KubePlanRequest): PlanResponse {
  requireLocalSecrets(req.service.secrets, "kubernetes/kubernetes");
  // A ClusterIP Service is reachable only inside the cluster: that is what private means here.
  // A LoadBalancer gets a public address and an Ingress is the cluster's edge, so both are refused
  // rather than silently published (an internal load balancer needs cloud annotations not managed).
  if (req.service.access === "private" && req.target.options.expose !== "cluster-ip")
    throw new ProviderError(
      `access: private, but expose: ${req.target.options.expose} publishes the service outside the cluster`,
      {
        code: "UNSUPPORTED",
        fault: "user",
        target: req.target.name,
        hint: "use expose: cluster-ip (the default) to keep the service inside the cluster, or access: public",
      },
    );
  const desired = desiredFor(req);
  const changes: ResourceChange[] = [];
  for (const kind of OBJECT_KINDS) {
    const before = req.observed?.objects[kind]?.attributes ?? null;
    const obj = desired[kind];
    const after = obj ? attributesOf(kind, obj) : null;
    if (before === null && after === null) continue;
    const diff = diffAttributes(before, after, {
      sensitive: sensitiveOf(kind, before, after),
      forcesReplace: ["namespace"],
    });
    const change: ResourceChange = {
      type: kind,
      name: objectName(req.name, kind),
      action: diff.action,
      before,
      after,
      sensitivePaths: diff.sensitivePaths,
      replacePaths: diff.replacePaths,
      dependsOn: DEPENDS_ON[kind].filter((d) => desired[d] !== undefined),
    };
    const reason = reasonFor(diff.action, diff.changedPaths, diff.replacePaths);
    if (reason !== undefined) change.reason = reason;
    changes.push(change);
  }
  return { changes };
}
