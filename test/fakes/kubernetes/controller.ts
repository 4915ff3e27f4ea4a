// The fake cluster's controllers: a Deployment's pods appear and become available after a
// delay (observedGeneration, updated/ready/available replicas, conditions), or fail the way
// real pods do when the knobs say so (ErrImagePull/ImagePullBackOff, CrashLoopBackOff with a
// log, Unschedulable); a LoadBalancer Service gets an address after a delay.

import { createHash } from "node:crypto";
import { TYPES } from "./store.js";
import type { Obj, ResourceType, ObjectStore } from "./store.js";

export interface KubeKnobs {
  /** Delay before a new generation's pods exist and report their state, in milliseconds. */
  readyDelayMs: number;
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
  readyDelayMs: 30,
  loadBalancerDelayMs: 30,
  loadBalancerIp: "127.0.0.1",
  pullFailImages: [],
  crashImages: {},
  progressDeadlineMs: 200,
});

const type = (kind: string): ResourceType => {
  const rt = TYPES.find((x) => x.kind === kind);
  if (!rt) throw new Error(`no type ${kind}`);
  return rt;
};
const PODS = type("Pod");
const DEPLOYMENTS = type("Deployment");
const SERVICES = type("Service");

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null ? (v as Rec) : {});

function containerStatus(knobs: KubeKnobs, c: Rec, podName: string): { status: Rec; ready: boolean } {
  const image = String(c.image);
  const base = { name: String(c.name), image, imageID: "", ready: false, started: false };
  if (knobs.pullFailImages.includes(image)) {
    const message = `Back-off pulling image "${image}": ErrImagePull: manifest unknown`;
    return {
      status: { ...base, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message } } },
      ready: false,
    };
  }
  if (knobs.crashImages[image] !== undefined) {
    const message = `back-off 40s restarting failed container=${String(c.name)} pod=${podName}`;
    return {
      status: {
        ...base,
        restartCount: 3,
        state: { waiting: { reason: "CrashLoopBackOff", message } },
        lastState: { terminated: { exitCode: 1, reason: "Error" } },
      },
      ready: false,
    };
  }
  return {
    status: {
      ...base,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: new Date().toISOString() } },
    },
    ready: true,
  };
}

export class Controllers {
  private readonly timers = new Set<NodeJS.Timeout>();

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
      this.later(this.knobs.readyDelayMs, () => this.rollOut(obj.metadata.namespace, obj.metadata.name, gen));
    }
    if (obj.kind === "Service") this.serviceChanged(obj);
  }

  onDeleted(obj: Obj): void {
    if (obj.kind !== "Deployment") return;
    for (const p of this.podsOf(obj)) this.store.delete(PODS, p.metadata.namespace, p.metadata.name);
  }

  private podsOf(dep: Obj): Obj[] {
    return this.store
      .list(PODS, dep.metadata.namespace, null)
      .filter((p) => p.metadata.ownerName === dep.metadata.name);
  }

  private rollOut(namespace: string | undefined, name: string, gen: number): void {
    const dep = this.store.get(DEPLOYMENTS, namespace, name);
    if (!dep || Number(dep.metadata.generation) !== gen) return;
    for (const p of this.podsOf(dep)) this.store.delete(PODS, p.metadata.namespace, p.metadata.name);
    const spec = rec(dep.spec);
    const tpl = rec(spec.template);
    const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
    const hash = createHash("sha256").update(JSON.stringify(tpl)).digest("hex").slice(0, 10);
    let ready = 0;
    for (let i = 0; i < replicas; i++) ready += this.createPod(dep, tpl, `${name}-${hash}-${i}`) ? 1 : 0;
    const allReady = ready === replicas;
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
      },
    ];
    this.store.setStatus(DEPLOYMENTS, namespace, name, {
      observedGeneration: gen,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: replicas - ready,
      conditions,
    });
    if (!allReady) this.later(this.knobs.progressDeadlineMs, () => this.deadline(namespace, name, gen));
  }

  private deadline(namespace: string | undefined, name: string, gen: number): void {
    const dep = this.store.get(DEPLOYMENTS, namespace, name);
    if (!dep || Number(dep.metadata.generation) !== gen) return;
    const st = rec(dep.status);
    if (st.availableReplicas === st.replicas) return;
    const message = `ReplicaSet "${name}" has timed out progressing.`;
    const conditions = [
      { type: "Available", status: "False", reason: "MinimumReplicasUnavailable" },
      { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message },
    ];
    this.store.setStatus(DEPLOYMENTS, namespace, name, { ...st, conditions });
  }

  /** True when the pod is ready. */
  private createPod(dep: Obj, tpl: Rec, podName: string): boolean {
    const containers = (rec(tpl.spec).containers as Rec[] | undefined) ?? [];
    const metadata = rec(tpl.metadata);
    const pod: Obj = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: podName,
        namespace: dep.metadata.namespace,
        labels: rec(metadata.labels) as Record<string, string>,
        uid: podName,
        resourceVersion: this.store.nextVersion(),
        creationTimestamp: new Date().toISOString(),
        ownerName: dep.metadata.name,
      },
      spec: tpl.spec,
    };
    if (this.knobs.unschedulable !== undefined) {
      const cond = {
        type: "PodScheduled",
        status: "False",
        reason: "Unschedulable",
        message: this.knobs.unschedulable,
      };
      pod.status = { phase: "Pending", conditions: [cond] };
      this.store.put(PODS, pod);
      return false;
    }
    const statuses = containers.map((c) => containerStatus(this.knobs, c, podName));
    const ready = statuses.every((s) => s.ready);
    pod.status = {
      phase: ready ? "Running" : "Pending",
      conditions: [
        { type: "PodScheduled", status: "True" },
        { type: "Ready", status: ready ? "True" : "False" },
      ],
      containerStatuses: statuses.map((s) => s.status),
    };
    this.store.put(PODS, pod);
    return ready;
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

  /** The log of a pod's container: the crash log its image prints, or a healthy server's line. */
  logOf(pod: Obj, container: string | null, tailLines: number | null): string {
    const containers = (rec(pod.spec).containers as Rec[] | undefined) ?? [];
    const c = containers.find((x) => container === null || x.name === container) ?? containers[0];
    const image = String(c?.image ?? "");
    const lines = this.knobs.crashImages[image] ?? [
      `listening on :${String(rec((c?.ports as Rec[] | undefined)?.[0]).containerPort ?? 8080)}`,
    ];
    const tail = tailLines === null ? lines : lines.slice(-tailLines);
    return tail.map((l) => `${l}\n`).join("");
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
