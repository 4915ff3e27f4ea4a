// The few calls the adapter makes, each mapped to ProviderError with the verb and object named.
// Server-side apply: PATCH with `application/apply-patch+yaml`, fieldManager=apiship and force,
// so apiship owns the fields it sets and takes them back from whoever edited them by hand.
// Every call goes through `call()`, the one retry layer of the adapter (call-retry.ts):
// client-node retries nothing, and a throttled or failing API server (429, 5xx, a reset
// connection) would otherwise fail a whole step for one read. Each call here is safe to send
// again: GET and LIST read, an apply of the same configuration changes nothing twice, and a
// DELETE that finds the object gone is success. A create (POST) would be retried on 429 only.

import type { Ctx } from "../../src/core/provider.js";
import { DEFAULT_CALL_RETRY, retryCall } from "../_shared/call-retry.js";
import type { KubeClients } from "./clients.js";
import { isNotFound, mapKubeError } from "./errors.js";
import { API } from "./manifests.js";
import type { K8sObject, ObjectKind } from "./manifests.js";

export type KubeCtx = Ctx<KubeClients>;

export const FIELD_MANAGER = "apiship";
export const APPLY_PATCH = "application/apply-patch+yaml";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export const describeRef = (r: ObjectRef) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;

// The SDK hands back model instances (Dates included); the adapter works on plain JSON.
const plain = (v: unknown): K8sObject => JSON.parse(JSON.stringify(v)) as K8sObject;

function refOnly(r: ObjectRef): {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
} {
  const metadata: { name: string; namespace?: string } = { name: r.name };
  if (r.namespace !== undefined) metadata.namespace = r.namespace;
  return { apiVersion: r.apiVersion, kind: r.kind, metadata };
}

/**
 * One API call, retried under the run's policy (Retry-After honoured), its failure mapped and
 * marked spent. `idempotent: false` is for a create, which may repeat only when throttled.
 */
export function call<T>(
  ctx: KubeCtx,
  verb: string,
  what: string,
  fn: () => Promise<T>,
  idempotent = true,
): Promise<T> {
  const op = { verb, what, target: ctx.target.name, cluster: ctx.clients.cluster };
  return retryCall(ctx.clients.retry ?? DEFAULT_CALL_RETRY, `${verb} ${what}`, fn, {
    signal: ctx.signal,
    map: (e) => mapKubeError(e, op),
    idempotent,
  });
}

/** The object, or undefined when the cluster has none. */
export async function getObject(ctx: KubeCtx, r: ObjectRef): Promise<K8sObject | undefined> {
  try {
    return plain(await call(ctx, "get", describeRef(r), () => ctx.clients.objects.read(refOnly(r))));
  } catch (e) {
    if (isNotFound(e instanceof Error ? e.cause : undefined)) return undefined;
    throw e;
  }
}

export async function applyObject(ctx: KubeCtx, obj: K8sObject): Promise<K8sObject> {
  const ref = { ...obj.metadata, apiVersion: obj.apiVersion, kind: obj.kind };
  // The SDK fills in defaults on the spec it is given: each attempt sends a fresh copy, and the
  // caller's object stays as built.
  const out = await call(ctx, "apply", describeRef(ref), () =>
    ctx.clients.objects.patch(structuredClone(obj), undefined, undefined, FIELD_MANAGER, true, APPLY_PATCH),
  );
  return plain(out);
}

/** True when it was deleted, false when it was already gone (success for the caller). */
export async function deleteObject(ctx: KubeCtx, r: ObjectRef): Promise<boolean> {
  try {
    await call(ctx, "delete", describeRef(r), () =>
      ctx.clients.objects.delete(refOnly(r), undefined, undefined, undefined, undefined, "Background"),
    );
    return true;
  } catch (e) {
    if (isNotFound(e instanceof Error ? e.cause : undefined)) return false;
    throw e;
  }
}

export async function listObjects(
  ctx: KubeCtx,
  apiVersion: string,
  kind: string,
  namespace: string,
  labelSelector: string,
): Promise<K8sObject[]> {
  const what = `${kind} objects in namespace ${namespace} (${labelSelector})`;
  const list = await call(ctx, "list", what, () =>
    ctx.clients.objects.list(
      apiVersion,
      kind,
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      labelSelector,
    ),
  );
  // A real API server leaves kind and apiVersion off list items (kubernetes#3030); the objects
  // are handed on to delete/apply, which need both, so they come from the list request.
  return (list.items ?? []).map((item) => ({ ...plain(item), apiVersion, kind }));
}

export function refOf(kind: ObjectKind, name: string, namespace: string): ObjectRef {
  return { ...API[kind], name, namespace };
}
