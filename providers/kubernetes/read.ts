// read() and status(): what the cluster holds of a target now. Objects are looked up where the
// state last put them, so a plan after a namespace change sees the old objects and replaces
// them instead of creating twins and forgetting the originals.

import type { StatusReport } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { OBJECT_KINDS, STACK_LABEL, TARGET_LABEL, labelValue, objectName } from "./manifests.js";
import type { K8sObject, K8sOptions, ObjectKind } from "./manifests.js";
import { getObject, refOf } from "./objects.js";
import type { KubeCtx } from "./objects.js";
import { attributesOf } from "./plan.js";
import type { KubeObjectState, KubeState } from "./state.js";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null ? (v as Rec) : {});
const arr = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);

export function optionsOf(ctx: KubeCtx): K8sOptions {
  return ctx.target.options as unknown as K8sOptions;
}

/** Someone else's object under our name would otherwise be silently taken over by the apply. */
function checkOwner(ctx: KubeCtx, obj: K8sObject): void {
  const labels = obj.metadata.labels ?? {};
  const stack = labelValue(ctx.stack.id);
  const target = labelValue(ctx.target.name);
  if (labels[STACK_LABEL] === stack && labels[TARGET_LABEL] === target) return;
  const owner = labels[STACK_LABEL]
    ? `apiship stack ${labels[STACK_LABEL]}, target ${labels[TARGET_LABEL] ?? "?"}`
    : "something other than apiship";
  throw new ProviderError(
    `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name} belongs to ${owner}, not ${stack}/${target}`,
    {
      code: "Conflict",
      fault: "user",
      target: ctx.target.name,
      hint: "physical names derive from the app, environment and target names; rename one, or delete the other object",
    },
  );
}

export function objectState(kind: ObjectKind, obj: K8sObject): KubeObjectState {
  const s: KubeObjectState = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    namespace: obj.metadata.namespace ?? "default",
    attributes: attributesOf(kind, obj),
  };
  if (typeof obj.metadata.uid === "string") s.uid = obj.metadata.uid;
  if (typeof obj.metadata.generation === "number") s.generation = obj.metadata.generation;
  return s;
}

/** Load balancer address, else ingress host, else the in-cluster DNS name of the Service. */
export function endpointOf(
  service: K8sObject | undefined,
  ingress: K8sObject | undefined,
): string | undefined {
  if (service) {
    const lb = arr(rec(rec(service.status).loadBalancer).ingress)[0];
    const addr = lb?.ip ?? lb?.hostname;
    if (typeof addr === "string") return `http://${addr}`;
  }
  if (ingress) {
    const spec = rec(ingress.spec);
    const host = arr(spec.rules)[0]?.host;
    if (typeof host === "string") return `${arr(spec.tls).length > 0 ? "https" : "http"}://${host}`;
  }
  if (!service) return undefined;
  const port = arr(rec(service.spec).ports)[0]?.port ?? 80;
  return `http://${service.metadata.name}.${service.metadata.namespace ?? "default"}.svc.cluster.local:${String(port)}`;
}

export async function readObjects(
  ctx: KubeCtx,
  prior: KubeState | undefined,
  name: string,
): Promise<Partial<Record<ObjectKind, K8sObject>>> {
  const ns = prior?.namespace ?? optionsOf(ctx).namespace;
  const found: Partial<Record<ObjectKind, K8sObject>> = {};
  for (const kind of OBJECT_KINDS) {
    const where = prior?.objects[kind]?.namespace ?? ns;
    const obj = await getObject(ctx, refOf(kind, objectName(name, kind), where));
    if (!obj) continue;
    checkOwner(ctx, obj);
    found[kind] = obj;
  }
  return found;
}

export function stateOf(
  name: string,
  namespace: string,
  objs: Partial<Record<ObjectKind, K8sObject>>,
): KubeState {
  const state: KubeState = { name, namespace, objects: {} };
  for (const kind of OBJECT_KINDS) {
    const o = objs[kind];
    if (o) state.objects[kind] = objectState(kind, o);
  }
  const endpoint = endpointOf(objs.service, objs.ingress);
  if (endpoint !== undefined) state.endpoint = endpoint;
  const gen = objs.deployment?.metadata.generation;
  if (typeof gen === "number") state.release = String(gen);
  return state;
}

export async function read(
  ctx: KubeCtx,
  prior: KubeState | undefined,
  name: string,
): Promise<KubeState | undefined> {
  const objs = await readObjects(ctx, prior, name);
  if (Object.keys(objs).length === 0) return undefined;
  const ns = objs.deployment?.metadata.namespace ?? prior?.namespace ?? optionsOf(ctx).namespace;
  return stateOf(name, ns, objs);
}

export async function status(ctx: KubeCtx, state: KubeState): Promise<StatusReport> {
  const objs = await readObjects(ctx, state, state.name);
  const dep = objs.deployment;
  if (!dep) {
    const health = Object.keys(objs).length === 0 ? "missing" : "down";
    return { health, detail: `Deployment ${state.namespace}/${state.name} is not in the cluster` };
  }
  const spec = rec(dep.spec);
  const st = rec(dep.status);
  const wanted = typeof spec.replicas === "number" ? spec.replicas : Number(st.replicas ?? 1);
  const available = Number(st.availableReplicas ?? 0);
  const report: StatusReport = {
    health: wanted > 0 && available >= wanted ? "ready" : available > 0 ? "partial" : "down",
    detail: `${available}/${wanted} replicas available`,
  };
  const endpoint = endpointOf(objs.service, objs.ingress);
  if (endpoint !== undefined) report.endpoint = endpoint;
  if (typeof dep.metadata.generation === "number") report.release = String(dep.metadata.generation);
  return report;
}
