// The fake cluster's controllers, timed as on a real cluster so an adapter meets the same
// in-between states. A Deployment's new generation is observed after `observeDelayMs`: the
// deployment controller finds or creates the ReplicaSet of its pod template (labelled with the
// template's pod-template-hash, a rollback reusing the old one under a new revision), records
// the revision on both, creates the new pods (ContainerCreating) and scales the other
// ReplicaSets to 0, whose pods stay Terminating, status and all, for `terminatingMs`. After
// `readyDelayMs` the new pods run and turn Ready, or fail the way the knobs say
// (ImagePullBackOff, CrashLoopBackOff with a log, Unschedulable), and after
// `progressDeadlineMs` an unready rollout's Progressing condition turns False. A LoadBalancer
// Service gets an address after a delay.

import { createHash, randomUUID } from "node:crypto";
import { isReady, isTerminating, newPod, startedStatus } from "./pods.js";
import { TYPES } from "./store.js";
import type { Obj, ResourceType, ObjectStore } from "./store.js";

export interface KubeKnobs {
  /** Delay before the deployment controller acts on a new generation, in milliseconds. */
  observeDelayMs: number;
  /** Delay from then before the new pods run (or fail) and report their state. */
  readyDelayMs: number;
  /** How long a scaled-down pod stays Terminating before it is gone (its grace period). */
  terminatingMs: number;
  /** Delay before a LoadBalancer Service gets its address. */
  loadBalancerDelayMs: number;
  /** Address given to LoadBalancer Services (loopback: tests never leave the machine). */
  loadBalancerIp: string;
  /** Images whose pull fails (pods wait with ImagePullBackOff). */
  pullFailImages: string[];
  /** Image → the log its container prints before it crashes (pods wait with CrashLoopBackOff). */
  crashImages: Record<string, string[]>;
  /** Pods cannot be scheduled, with this scheduler message. */
  unschedulable?: string;
  /** How long an unready rollout runs before Progressing turns False (ProgressDeadlineExceeded). */
  progressDeadlineMs: number;
}

export const defaultKnobs = (): KubeKnobs => ({
  observeDelayMs: 1,
  readyDelayMs: 30,
  terminatingMs: 1000,
  loadBalancerDelayMs: 30,
  loadBalancerIp: "127.0.0.1",
  pullFailImages: [],
  crashImages: {},
  progressDeadlineMs: 200,
});

export const REVISION = "deployment.kubernetes.io/revision";
export const HASH_LABEL = "pod-template-hash";

const type = (kind: string): ResourceType => {
  const rt = TYPES.find((x) => x.kind === kind);
  if (!rt) throw new Error(`no type ${kind}`);
  return rt;
};
const PODS = type("Pod");
const REPLICA_SETS = type("ReplicaSet");
const DEPLOYMENTS = type("Deployment");
const SERVICES = type("Service");

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null ? (v as Rec) : {});
const ownedBy = (o: Obj, owner: Obj): boolean =>
  ((o.metadata.ownerReferences as Rec[] | undefined) ?? []).some((r) => r.uid === owner.metadata.uid);
const revisionOf = (o: Obj): number => Number(rec(o.metadata.annotations)[REVISION] ?? 0);
const wantedOf = (dep: Obj): number => {
  const r = rec(dep.spec).replicas;
  return typeof r === "number" ? r : 1;
};

export class Controllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private podSeq = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly knobs: KubeKnobs,
  ) {}

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Called after every write the API server accepted. */
  onApplied(obj: Obj, specChanged: boolean): void {
    if (obj.kind === "Deployment" && specChanged) {
      const gen = Number(obj.metadata.generation);
      this.later(this.knobs.observeDelayMs, () => this.sync(obj.metadata.namespace, obj.metadata.name, gen));
    }
    if (obj.kind === "Service") this.serviceChanged(obj);
  }

  /** Garbage collection of a deleted Deployment's ReplicaSets and their pods. */
  onDeleted(obj: Obj): void {
    if (obj.kind !== "Deployment") return;
    for (const rs of this.replicaSetsOf(obj)) {
      for (const p of this.podsOf(rs)) this.store.delete(PODS, p.metadata.namespace, p.metadata.name);
      this.store.delete(REPLICA_SETS, rs.metadata.namespace, rs.metadata.name);
    }
  }

  private replicaSetsOf(dep: Obj): Obj[] {
    return this.store.list(REPLICA_SETS, dep.metadata.namespace, null).filter((rs) => ownedBy(rs, dep));
  }

  private podsOf(rs: Obj): Obj[] {
    return this.store.list(PODS, rs.metadata.namespace, null).filter((p) => ownedBy(p, rs));
  }

  /** The ReplicaSet of the Deployment's current pod template, made when there is none. */
  private replicaSetFor(dep: Obj): Obj {
    const spec = rec(dep.spec);
    const tpl = rec(spec.template);
    const hash = createHash("sha256").update(JSON.stringify(tpl)).digest("hex").slice(0, 10);
    const found = this.replicaSetsOf(dep).find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
    if (found) return found;
    const labels = { ...(rec(rec(tpl.metadata).labels) as Record<string, string>), [HASH_LABEL]: hash };
    const matchLabels = { ...rec(rec(spec.selector).matchLabels), [HASH_LABEL]: hash };
    const name = `${dep.metadata.name}-${hash}`;
    return {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name,
        namespace: dep.metadata.namespace,
        labels,
        uid: randomUUID(),
        creationTimestamp: new Date().toISOString(),
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: dep.metadata.name,
            uid: dep.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels },
        template: { ...tpl, metadata: { ...rec(tpl.metadata), labels } },
      },
    };
  }

  /** The deployment controller's sync of generation `gen`. */
  private sync(namespace: string | undefined, name: string, gen: number): void {
    const dep = this.store.get(DEPLOYMENTS, namespace, name);
    if (!dep || Number(dep.metadata.generation) !== gen) return;
    const rs = this.replicaSetFor(dep);
    const others = this.replicaSetsOf(dep).filter((x) => x.metadata.name !== rs.metadata.name);
    const top = Math.max(0, ...this.replicaSetsOf(dep).map(revisionOf));
    // A ReplicaSet brought back (a rollback) becomes the newest revision again, as on a cluster.
    const revision = revisionOf(rs) === top && top > 0 ? top : top + 1;
    rs.metadata.annotations = { ...rec(rs.metadata.annotations), [REVISION]: String(revision) };
    rs.metadata.resourceVersion = this.store.nextVersion();
    const wanted = wantedOf(dep);
    (rs.spec as Rec).replicas = wanted;
    this.store.put(REPLICA_SETS, rs);
    this.store.setAnnotation(DEPLOYMENTS, namespace, name, REVISION, String(revision));
    for (const old of others) {
      // Terminating pods are not counted, on a ReplicaSet as on a Deployment.
      this.store.put(REPLICA_SETS, {
        ...old,
        spec: { ...rec(old.spec), replicas: 0 },
        status: { replicas: 0 },
      });
      for (const p of this.podsOf(old)) this.terminate(p);
    }
    const active = this.podsOf(rs).filter((p) => !isTerminating(p));
    for (const p of active.slice(wanted)) this.terminate(p);
    const created: Obj[] = [];
    for (let i = active.length; i < wanted; i++) {
      const pod = newPod(
        rs,
        `${rs.metadata.name}-${(++this.podSeq).toString(36).padStart(5, "0")}`,
        this.store.nextVersion(),
      );
      this.store.put(PODS, pod);
      created.push(pod);
    }
    this.setStatus(dep, rs, gen);
    this.later(this.knobs.readyDelayMs, () => this.start(dep, created, gen));
  }

  /** The kubelet starts the new pods; the Deployment's status follows. */
  private start(dep: Obj, pods: Obj[], gen: number): void {
    for (const p of pods) {
      const cur = this.store.get(PODS, p.metadata.namespace, p.metadata.name);
      if (!cur || isTerminating(cur)) continue;
      this.store.put(PODS, { ...cur, status: startedStatus(this.knobs, cur).status });
    }
    const now = this.store.get(DEPLOYMENTS, dep.metadata.namespace, dep.metadata.name);
    if (!now || Number(now.metadata.generation) !== gen) return;
    const rs = this.replicaSetFor(now);
    const ready = this.setStatus(now, rs, gen);
    if (!ready) this.later(this.knobs.progressDeadlineMs, () => this.deadline(now, gen));
  }

  /** Sets the Deployment's status from its new ReplicaSet's pods; true when all are available. */
  private setStatus(dep: Obj, rs: Obj, gen: number): boolean {
    const replicas = wantedOf(dep);
    const ready = this.podsOf(rs).filter(isReady).length;
    const allReady = ready >= replicas;
    const conditions = [
      {
        type: "Available",
        status: allReady ? "True" : "False",
        reason: allReady ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
      },
      {
        type: "Progressing",
        status: "True",
        reason: allReady ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
        message: `ReplicaSet "${rs.metadata.name}" ${allReady ? "has successfully progressed" : "is progressing"}.`,
      },
    ];
    this.store.setStatus(REPLICA_SETS, rs.metadata.namespace, rs.metadata.name, {
      replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: 1,
    });
    this.store.setStatus(DEPLOYMENTS, dep.metadata.namespace, dep.metadata.name, {
      observedGeneration: gen,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: replicas - ready,
      conditions,
    });
    return allReady;
  }

  /** A scaled-down pod keeps its status, marked for deletion, until its grace period ends. */
  private terminate(pod: Obj): void {
    if (isTerminating(pod)) return;
    const grace = this.knobs.terminatingMs;
    const at = new Date(Date.now() + grace).toISOString();
    this.store.put(PODS, {
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: at,
        deletionGracePeriodSeconds: Math.ceil(grace / 1000),
      },
    });
    this.later(grace, () => this.store.delete(PODS, pod.metadata.namespace, pod.metadata.name));
  }

  private deadline(dep: Obj, gen: number): void {
    const cur = this.store.get(DEPLOYMENTS, dep.metadata.namespace, dep.metadata.name);
    if (!cur || Number(cur.metadata.generation) !== gen) return;
    const st = rec(cur.status);
    if (st.availableReplicas === st.replicas) return;
    const message = `ReplicaSet "${dep.metadata.name}" has timed out progressing.`;
    const conditions = [
      { type: "Available", status: "False", reason: "MinimumReplicasUnavailable" },
      { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message },
    ];
    this.store.setStatus(DEPLOYMENTS, cur.metadata.namespace, cur.metadata.name, { ...st, conditions });
  }

  private serviceChanged(svc: Obj): void {
    const isLb = rec(svc.spec).type === "LoadBalancer";
    const hasAddress = rec(rec(svc.status).loadBalancer).ingress !== undefined;
    if (!isLb) {
      if (hasAddress)
        this.store.setStatus(SERVICES, svc.metadata.namespace, svc.metadata.name, { loadBalancer: {} });
      return;
    }
    if (hasAddress) return;
    this.later(this.knobs.loadBalancerDelayMs, () => {
      const cur = this.store.get(SERVICES, svc.metadata.namespace, svc.metadata.name);
      if (!cur || rec(cur.spec).type !== "LoadBalancer") return;
      this.store.setStatus(SERVICES, svc.metadata.namespace, svc.metadata.name, {
        loadBalancer: { ingress: [{ ip: this.knobs.loadBalancerIp }] },
      });
    });
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
