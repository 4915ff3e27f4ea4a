// apply() and destroy(): server-side apply of every changed object in dependency order, a wait
// for the rollout, then a prune of the target's labelled objects that are no longer desired
// (an HPA once max == min, an Ingress once `expose` changes, the old namespace's objects after
// a move). A rollback is the engine re-applying the previous release through this same path.

import type { ApplyResult, PlannedChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { API, OBJECT_KINDS, namespaceObject, ownerSelector } from "./manifests.js";
import type { K8sObject, K8sOptions, ObjectKind } from "./manifests.js";
import { applyObject, deleteObject, describeRef, getObject, listObjects } from "./objects.js";
import type { KubeCtx, ObjectRef } from "./objects.js";
import { desiredFor } from "./plan.js";
import { endpointOf, optionsOf, stateOf } from "./read.js";
import { sleep, waitForRollout } from "./rollout.js";
import type { KubeState } from "./state.js";

export type KubeChange = PlannedChange<K8sOptions, KubeState>;

async function step<T>(ctx: KubeCtx, name: string, fn: () => Promise<T>): Promise<T> {
  ctx.progress.step(name);
  const out = await fn();
  ctx.progress.done(name);
  return out;
}

function secretData(change: KubeChange): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [name, ref] of Object.entries(change.service.secrets)) {
    const value = change.secrets[name];
    if (value === undefined) {
      throw new ProviderError(`secret ${name} (${ref}) was not resolved before apply`, {
        code: "SECRET_UNRESOLVED",
        fault: "internal",
        target: change.target.name,
        hint: "the engine resolves secret references and passes their values in PlannedChange.secrets",
      });
    }
    data[name] = Buffer.from(value, "utf8").toString("base64");
  }
  return data;
}

async function ensureNamespace(ctx: KubeCtx, o: K8sOptions): Promise<void> {
  const ref = { apiVersion: "v1", kind: "Namespace", name: o.namespace };
  if (await getObject(ctx, ref)) return;
  if (!o.createNamespace) {
    throw new ProviderError(`namespace ${o.namespace} does not exist (${ctx.clients.cluster})`, {
      code: "NotFound",
      fault: "user",
      target: ctx.target.name,
      hint: `create it (\`kubectl create namespace ${o.namespace}\`) or set createNamespace: true on the target`,
    });
  }
  // Labelled managed-by only, never with the stack: destroy must not delete a namespace others may share.
  await step(ctx, `create namespace ${o.namespace}`, () => applyObject(ctx, namespaceObject(o.namespace)));
}

const key = (r: ObjectRef) => `${r.kind}/${r.namespace ?? ""}/${r.name}`;
const refOfObj = (o: K8sObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  namespace: o.metadata.namespace,
});

/** Deletes the target's labelled objects (and the recorded ones) that `keep` does not hold. */
export async function prune(
  ctx: KubeCtx,
  namespaces: string[],
  recorded: ObjectRef[],
  keep: ObjectRef[],
): Promise<string[]> {
  const kept = new Set(keep.map(key));
  const candidates = new Map<string, ObjectRef>();
  for (const kind of [...OBJECT_KINDS].reverse()) {
    const { apiVersion, kind: k } = API[kind];
    for (const r of recorded.filter((x) => x.kind === k)) candidates.set(key(r), r);
    for (const ns of namespaces) {
      const owned = await listObjects(ctx, apiVersion, k, ns, ownerSelector(ctx.stack.id, ctx.target.name));
      for (const o of owned) candidates.set(key(refOfObj(o)), refOfObj(o));
    }
  }
  const deleted: string[] = [];
  for (const r of candidates.values()) {
    if (kept.has(key(r))) continue;
    await step(ctx, `delete ${describeRef(r)}`, () => deleteObject(ctx, r));
    deleted.push(describeRef(r));
  }
  return deleted;
}

async function waitForAddress(ctx: KubeCtx, svc: K8sObject): Promise<K8sObject> {
  const started = Date.now();
  let cur = svc;
  while (
    isInClusterUrl(endpointOf(cur, undefined)) &&
    Date.now() - started < ctx.clients.timing.loadBalancerWaitMs
  ) {
    await sleep(ctx.clients.timing.pollMs, ctx.signal);
    cur = (await getObject(ctx, refOfObj(svc))) ?? cur;
  }
  if (isInClusterUrl(endpointOf(cur, undefined))) {
    ctx.log.warn("the load balancer has no address yet; reporting the in-cluster address", {
      service: svc.metadata.name,
    });
  }
  return cur;
}

function recordedRefs(state: KubeState | undefined): ObjectRef[] {
  return Object.values(state?.objects ?? {}).map((o) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
  }));
}

async function applyChanged(
  ctx: KubeCtx,
  change: KubeChange,
  desired: Partial<Record<ObjectKind, K8sObject>>,
) {
  const actions = new Map(change.changes.map((c) => [c.type, c.action]));
  const current: Partial<Record<ObjectKind, K8sObject>> = {};
  for (const kind of OBJECT_KINDS) {
    const body = desired[kind];
    if (!body) continue;
    const action = actions.get(kind) ?? "create";
    if (action === "no-op") {
      current[kind] = (await getObject(ctx, refOfObj(body))) ?? body;
      continue;
    }
    const full = kind === "secret" ? { ...body, data: secretData(change) } : body;
    current[kind] = await step(ctx, `${action} ${describeRef(refOfObj(body))}`, () => applyObject(ctx, full));
  }
  return { current, rolled: actions.get("deployment") !== "no-op" };
}

export async function apply(ctx: KubeCtx, change: KubeChange): Promise<ApplyResult<KubeState>> {
  const o = optionsOf(ctx);
  if (change.changes.every((c) => c.action === "no-op") && change.observed) return resultOf(change.observed);
  const desired = desiredFor(change);
  await ensureNamespace(ctx, o);
  const { current, rolled } = await applyChanged(ctx, change, desired);
  if (rolled && current.deployment) {
    const d = current.deployment;
    current.deployment = await step(ctx, `rollout ${describeRef(refOfObj(d))}`, () =>
      waitForRollout(ctx, d.metadata.name, o.namespace),
    );
  }
  const namespaces = [...new Set([o.namespace, change.observed?.namespace ?? o.namespace])];
  const keep = Object.values(current).map(refOfObj);
  await prune(ctx, namespaces, recordedRefs(change.observed), keep);
  if (o.expose === "load-balancer" && current.service)
    current.service = await waitForAddress(ctx, current.service);
  return resultOf(stateOf(change.name, o.namespace, current));
}

export function resultOf(state: KubeState): ApplyResult<KubeState> {
  const outputs: Record<string, string> = { namespace: state.namespace };
  for (const [kind, obj] of Object.entries(state.objects)) outputs[kind] = obj.name;
  if (state.endpoint !== undefined) outputs.url = state.endpoint;
  const out: ApplyResult<KubeState> = { state, outputs };
  if (state.endpoint !== undefined) out.endpoint = state.endpoint;
  // The in-cluster DNS name answers only inside the cluster, not where apiship runs: the engine
  // then checks the Deployment's readiness instead (health.probe defaults to platform).
  if (isInClusterUrl(state.endpoint)) out.privateEndpoint = true;
  if (state.release !== undefined) out.release = state.release;
  return out;
}

export function isInClusterUrl(url: string | undefined): boolean {
  return url?.includes(".svc.cluster.local") === true;
}

/** From state alone plus the labels, idempotent: an object already gone is success. */
export async function destroy(ctx: KubeCtx, state: KubeState): Promise<void> {
  const namespaces = [...new Set([state.namespace, optionsOf(ctx).namespace])];
  await prune(ctx, namespaces, recordedRefs(state), []);
}
