// Pods as the kubelet reports them: a new pod waits in ContainerCreating, then runs and turns
// Ready, or waits for good with the reason the knobs give its image (ErrImagePull and
// ImagePullBackOff, CrashLoopBackOff, Unschedulable). A pod being deleted keeps the status it
// had, with a deletionTimestamp, until its grace period is over: that is what an adapter meets
// while a failed ReplicaSet is scaled down.

import type { KubeKnobs } from "./controller.js";
import type { Obj } from "./store.js";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null ? (v as Rec) : {});
const containersOf = (pod: Obj): Rec[] => (rec(pod.spec).containers as Rec[] | undefined) ?? [];

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

/** A pod of `rs` just created: scheduled, its containers still being created. */
export function newPod(rs: Obj, name: string, resourceVersion: string): Obj {
  const tpl = rec(rec(rs.spec).template);
  const containers = (rec(tpl.spec).containers as Rec[] | undefined) ?? [];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: rs.metadata.namespace,
      labels: { ...(rec(rec(tpl.metadata).labels) as Record<string, string>) },
      uid: `${name}-uid`,
      resourceVersion,
      creationTimestamp: new Date().toISOString(),
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: rs.metadata.name,
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: structuredClone(tpl.spec),
    status: {
      phase: "Pending",
      conditions: [
        { type: "PodScheduled", status: "True" },
        { type: "Ready", status: "False", reason: "ContainersNotReady" },
      ],
      containerStatuses: containers.map((c) => ({
        name: String(c.name),
        image: String(c.image),
        imageID: "",
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: "ContainerCreating" } },
      })),
    },
  };
}

/** The pod's status once the kubelet has started (or failed to start) it; true when Ready. */
export function startedStatus(knobs: KubeKnobs, pod: Obj): { status: Rec; ready: boolean } {
  if (knobs.unschedulable !== undefined) {
    const cond = {
      type: "PodScheduled",
      status: "False",
      reason: "Unschedulable",
      message: knobs.unschedulable,
    };
    return { status: { phase: "Pending", conditions: [cond] }, ready: false };
  }
  const statuses = containersOf(pod).map((c) => containerStatus(knobs, c, pod.metadata.name));
  const ready = statuses.every((s) => s.ready);
  return {
    status: {
      phase: ready ? "Running" : "Pending",
      conditions: [
        { type: "PodScheduled", status: "True" },
        { type: "Ready", status: ready ? "True" : "False" },
      ],
      containerStatuses: statuses.map((s) => s.status),
    },
    ready,
  };
}

export const isTerminating = (pod: Obj): boolean => pod.metadata.deletionTimestamp !== undefined;

export const isReady = (pod: Obj): boolean =>
  !isTerminating(pod) &&
  ((rec(pod.status).conditions as Rec[] | undefined) ?? []).some(
    (c) => c.type === "Ready" && c.status === "True",
  );

/** The log of a pod's container: the crash log its image prints, or a healthy server's line. */
export function logOf(
  knobs: KubeKnobs,
  pod: Obj,
  container: string | null,
  tailLines: number | null,
): string {
  const containers = containersOf(pod);
  const c = containers.find((x) => container === null || x.name === container) ?? containers[0];
  const image = String(c?.image ?? "");
  const lines = knobs.crashImages[image] ?? [
    `listening on :${String(rec((c?.ports as Rec[] | undefined)?.[0]).containerPort ?? 8080)}`,
  ];
  const tail = tailLines === null ? lines : lines.slice(-tailLines);
  return tail.map((l) => `${l}\n`).join("");
}
