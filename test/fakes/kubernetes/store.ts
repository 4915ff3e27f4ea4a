// The fake API server's object store: the kinds apiship applies, with server-side-apply
// semantics for a single field manager (the applied configuration owns every field it sets;
// a field it stops setting is removed), the server's defaults and managedFields (defaults.ts),
// resourceVersion, uid, creationTimestamp, and a generation bumped only when the spec (or a
// Secret's data) changes.

import { randomUUID } from "node:crypto";
import { applyDefaults, fieldsV1 } from "./defaults.js";

export type Obj = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
};

export interface ResourceType {
  plural: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  /** Short group name used in messages: "deployments.apps". */
  qualified: string;
}

const t = (
  plural: string,
  kind: string,
  group: string,
  version: string,
  namespaced = true,
): ResourceType => ({
  plural,
  kind,
  group,
  version,
  namespaced,
  qualified: group === "" ? plural : `${plural}.${group.split(".")[0] ?? group}`,
});

export const TYPES: readonly ResourceType[] = [
  t("namespaces", "Namespace", "", "v1", false),
  t("secrets", "Secret", "", "v1"),
  t("services", "Service", "", "v1"),
  t("pods", "Pod", "", "v1"),
  t("deployments", "Deployment", "apps", "v1"),
  t("replicasets", "ReplicaSet", "apps", "v1"),
  t("horizontalpodautoscalers", "HorizontalPodAutoscaler", "autoscaling", "v2"),
  t("ingresses", "Ingress", "networking.k8s.io", "v1"),
];

export const apiVersionOf = (rt: ResourceType) =>
  rt.group === "" ? rt.version : `${rt.group}/${rt.version}`;

/** `a=b,c!=d,e`: the equality-based selectors kubectl and client-node send. */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: string | null,
): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  return selector
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .every((term) => {
      const ne = /^([^!=]+)!=(.*)$/.exec(term);
      if (ne) return l[ne[1] ?? ""] !== ne[2];
      const eq = /^([^=]+)==?(.*)$/.exec(term);
      if (eq) return l[eq[1] ?? ""] === eq[2];
      return term in l;
    });
}

const CONTROLLER_ANNOTATION = /^deployment\.kubernetes\.io\//;

const specOf = (o: Obj) =>
  JSON.stringify(o.kind === "Secret" ? { data: o.data, type: o.type } : (o.spec ?? null));

export class ObjectStore {
  private readonly objects = new Map<string, Obj>();
  private rv = 1000;

  static key(rt: ResourceType, namespace: string | undefined, name: string): string {
    return `${rt.plural}/${rt.namespaced ? (namespace ?? "default") : ""}/${name}`;
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.objects.get(ObjectStore.key(rt, namespace, name));
    return o === undefined ? undefined : structuredClone(o);
  }

  list(rt: ResourceType, namespace: string | undefined, selector: string | null): Obj[] {
    return [...this.objects.values()]
      .filter((o) => o.kind === rt.kind)
      .filter((o) => !rt.namespaced || namespace === undefined || o.metadata.namespace === namespace)
      .filter((o) => matchesSelector(o.metadata.labels, selector))
      .map((o) => structuredClone(o));
  }

  nextVersion(): string {
    this.rv += 1;
    return String(this.rv);
  }

  /** Server-side apply by one manager; returns the stored object and whether its spec changed. */
  apply(
    rt: ResourceType,
    applied: Obj,
    manager: string,
  ): { obj: Obj; created: boolean; specChanged: boolean } {
    const prior = this.get(rt, applied.metadata.namespace, applied.metadata.name);
    const obj: Obj = structuredClone(applied);
    applyDefaults(obj, prior);
    const generation = Number(prior?.metadata.generation ?? 0);
    const specChanged = prior === undefined || specOf(prior) !== specOf(obj);
    // Annotations the controllers wrote (a Deployment's revision) are theirs, not the applier's:
    // server-side apply keeps the fields another field manager owns.
    const kept = Object.entries((prior?.metadata.annotations ?? {}) as Record<string, string>).filter(([k]) =>
      CONTROLLER_ANNOTATION.test(k),
    );
    if (kept.length > 0) {
      const own = obj.metadata.annotations as Record<string, string> | undefined;
      obj.metadata.annotations = { ...Object.fromEntries(kept), ...own };
    }
    obj.metadata = {
      ...obj.metadata,
      uid: prior?.metadata.uid ?? randomUUID(),
      creationTimestamp: prior?.metadata.creationTimestamp ?? new Date().toISOString(),
      resourceVersion: this.nextVersion(),
      generation: specChanged ? generation + 1 : generation,
      managedFields: [
        {
          manager,
          operation: "Apply",
          apiVersion: applied.apiVersion,
          time: new Date().toISOString(),
          fieldsType: "FieldsV1",
          fieldsV1: fieldsV1(applied),
        },
      ],
    };
    if (rt.namespaced) obj.metadata.namespace = applied.metadata.namespace ?? "default";
    if (prior?.status !== undefined) obj.status = prior.status;
    // Server-assigned fields survive an apply that does not set them, as on a real cluster.
    if (rt.kind === "Service") {
      const spec = (obj.spec ?? {}) as Record<string, unknown>;
      const old = (prior?.spec ?? {}) as Record<string, unknown>;
      spec.clusterIP ??= old.clusterIP ?? `10.96.${this.rv % 250}.${(this.rv * 7) % 250}`;
      obj.spec = spec;
    }
    this.put(rt, obj);
    return { obj: structuredClone(obj), created: prior === undefined, specChanged };
  }

  put(rt: ResourceType, obj: Obj): void {
    this.objects.set(ObjectStore.key(rt, obj.metadata.namespace, obj.metadata.name), structuredClone(obj));
  }

  /** Replaces an object's status (the controllers' write); false when the object is gone. */
  setStatus(rt: ResourceType, namespace: string | undefined, name: string, status: unknown): boolean {
    const k = ObjectStore.key(rt, namespace, name);
    const o = this.objects.get(k);
    if (!o) return false;
    o.status = structuredClone(status);
    o.metadata.resourceVersion = this.nextVersion();
    return true;
  }

  /** Sets one annotation, as a controller does (no generation change); false when the object is gone. */
  setAnnotation(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    key: string,
    value: string,
  ): boolean {
    const o = this.objects.get(ObjectStore.key(rt, namespace, name));
    if (!o) return false;
    o.metadata.annotations = {
      ...(o.metadata.annotations as Record<string, string> | undefined),
      [key]: value,
    };
    o.metadata.resourceVersion = this.nextVersion();
    return true;
  }

  delete(rt: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    const k = ObjectStore.key(rt, namespace, name);
    const o = this.objects.get(k);
    this.objects.delete(k);
    if (o && rt.kind === "Namespace") {
      for (const [key, v] of this.objects) if (v.metadata.namespace === name) this.objects.delete(key);
    }
    return o;
  }

  all(): Obj[] {
    return [...this.objects.values()].map((o) => structuredClone(o));
  }
}
