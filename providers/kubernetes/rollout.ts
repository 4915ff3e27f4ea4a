// Waits for a Deployment's rollout the way `kubectl rollout status` does (observedGeneration,
// updated and available replicas, the progress deadline) and, when it fails, says why in words
// a person can act on: the pods' waiting reasons, the scheduler's message, the crashing
// container's last log lines. A pod that cannot pull its image or keeps crashing will not heal
// by waiting, so those fail at once instead of at the deadline. Only the new ReplicaSet's pods
// are judged, once the controller has observed the generation: until then, and while the
// ReplicaSet it replaces is scaled down, the Deployment's selector still matches the old pods,
// and a rollback away from a failed image would be judged by the failure it is undoing.

import { ProviderError } from "../../src/errors.js";
import { call, getObject, listObjects } from "./objects.js";
import type { KubeCtx } from "./objects.js";
import type { K8sObject } from "./manifests.js";

const FATAL = new Set([
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CrashLoopBackOff",
  "CreateContainerConfigError",
]);
const IMAGE = new Set(["ImagePullBackOff", "ErrImagePull", "InvalidImageName"]);
const LOG_LINES = 20;

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null ? (v as Rec) : {});
const arr = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);
const num = (v: unknown): number => (typeof v === "number" ? v : 0);

interface Waiting {
  pod: string;
  container: string;
  reason: string;
  message: string;
  image: string;
  restarts: number;
}

function waitingOf(pods: K8sObject[]): Waiting[] {
  const out: Waiting[] = [];
  for (const p of pods) {
    for (const cs of arr(rec(p.status).containerStatuses)) {
      const w = rec(rec(cs.state).waiting);
      if (typeof w.reason !== "string") continue;
      out.push({
        pod: p.metadata.name,
        container: String(cs.name),
        reason: w.reason,
        message: typeof w.message === "string" ? w.message : "",
        image: String(cs.image ?? ""),
        restarts: num(cs.restartCount),
      });
    }
  }
  return out;
}

function unschedulable(pods: K8sObject[]): string[] {
  return pods.flatMap((p) =>
    arr(rec(p.status).conditions)
      .filter((c) => c.type === "PodScheduled" && c.status === "False")
      .map(
        (c) =>
          `pod ${p.metadata.name} cannot be scheduled (${String(c.reason ?? "Unschedulable")}): ${String(c.message ?? "")}`,
      ),
  );
}

/** Rollout done: the controller saw this generation and every wanted replica is new and available. */
export function rolloutComplete(dep: K8sObject): boolean {
  const st = rec(dep.status);
  const wanted = typeof rec(dep.spec).replicas === "number" ? num(rec(dep.spec).replicas) : 1;
  if (num(st.observedGeneration) < num(dep.metadata.generation)) return false;
  return num(st.updatedReplicas) >= wanted && num(st.availableReplicas) >= wanted;
}

function deadlineExceeded(dep: K8sObject): string | undefined {
  const c = arr(rec(dep.status).conditions).find((x) => x.type === "Progressing");
  return c?.status === "False" && c.reason === "ProgressDeadlineExceeded"
    ? String(c.message ?? "")
    : undefined;
}

async function lastLines(ctx: KubeCtx, w: Waiting, namespace: string): Promise<string> {
  const read = (previous: boolean) =>
    call(ctx, "read the log of", `pod ${namespace}/${w.pod}`, () =>
      ctx.clients.logs.readNamespacedPodLog({
        name: w.pod,
        namespace,
        container: w.container,
        tailLines: LOG_LINES,
        previous,
      }),
    );
  // The crashed instance's log is the one that explains the crash; a pod that never restarted has only the current one.
  const text = w.restarts > 0 ? await read(true).catch(() => read(false)) : await read(false);
  return text.trimEnd();
}

async function explain(ctx: KubeCtx, dep: K8sObject, pods: K8sObject[], why: string): Promise<ProviderError> {
  const ns = dep.metadata.namespace ?? "default";
  const lines = [`Deployment ${ns}/${dep.metadata.name} did not roll out: ${why}`];
  const waiting = waitingOf(pods);
  const seen = new Set<string>();
  let hint = "see `kubectl describe deployment` and `kubectl get events` in the namespace";
  for (const w of waiting) {
    if (seen.has(w.reason)) continue;
    seen.add(w.reason);
    if (IMAGE.has(w.reason)) {
      lines.push(
        `pod ${w.pod}: cannot pull image "${w.image}" (${w.reason}${w.message ? `: ${w.message}` : ""})`,
      );
      hint =
        "check the image name and tag exist, and that imagePullSecrets grant access to a private registry";
    } else if (w.reason === "CrashLoopBackOff") {
      lines.push(
        `pod ${w.pod}: container ${w.container} keeps crashing (CrashLoopBackOff, restarted ${w.restarts} times)`,
      );
      const log = await lastLines(ctx, w, ns);
      lines.push(log === "" ? "its log is empty" : `last log lines of ${w.container}:\n${log}`);
      hint = "fix the crash shown in the log (a missing env var or secret, a bad command), then deploy again";
    } else {
      lines.push(
        `pod ${w.pod}: container ${w.container} is waiting: ${w.reason}${w.message ? ` (${w.message})` : ""}`,
      );
    }
  }
  const unsched = unschedulable(pods);
  if (unsched.length > 0) {
    lines.push(...unsched.slice(0, 3));
    hint = "lower service.resources, or add nodes / capacity that fit the pod's requests";
  }
  return new ProviderError(lines.join("\n"), {
    code: "ROLLOUT_FAILED",
    fault: "user",
    target: ctx.target.name,
    hint,
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

const REVISION = "deployment.kubernetes.io/revision";
const HASH_LABEL = "pod-template-hash";

function podSelector(dep: K8sObject): string {
  const labels = rec(rec(rec(dep.spec).selector).matchLabels);
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(",");
}

const observed = (dep: K8sObject): boolean =>
  num(rec(dep.status).observedGeneration) >= num(dep.metadata.generation);

/**
 * The pods of the Deployment's new ReplicaSet: the one the controller gave the Deployment's
 * revision (a rollback reuses an old ReplicaSet under a new revision), by its pod-template-hash.
 * Pods being deleted are left out: they belong to the ReplicaSet's past, not to this rollout.
 */
async function newPods(ctx: KubeCtx, dep: K8sObject, namespace: string): Promise<K8sObject[]> {
  const revision = dep.metadata.annotations?.[REVISION];
  if (revision === undefined) return [];
  const selector = podSelector(dep);
  const sets = await listObjects(ctx, "apps/v1", "ReplicaSet", namespace, selector);
  const owned = (rs: K8sObject) =>
    arr(rs.metadata.ownerReferences).some((r) => r.uid === undefined || r.uid === dep.metadata.uid);
  const rs = sets.find((x) => x.metadata.annotations?.[REVISION] === revision && owned(x));
  const hash = rs?.metadata.labels?.[HASH_LABEL];
  if (hash === undefined) return [];
  const pods = await listObjects(ctx, "v1", "Pod", namespace, `${selector},${HASH_LABEL}=${hash}`);
  return pods.filter((p) => p.metadata.deletionTimestamp === undefined);
}

/** Resolves with the rolled-out Deployment; rejects with a ROLLOUT_FAILED ProviderError. */
export async function waitForRollout(ctx: KubeCtx, name: string, namespace: string): Promise<K8sObject> {
  const ref = { apiVersion: "apps/v1", kind: "Deployment", name, namespace };
  const started = Date.now();
  for (;;) {
    const dep = await getObject(ctx, ref);
    if (!dep)
      throw new ProviderError(`Deployment ${namespace}/${name} vanished during its rollout`, {
        code: "ROLLOUT_FAILED",
        target: ctx.target.name,
        hint: "something deleted it; deploy again",
      });
    if (rolloutComplete(dep)) return dep;
    const pods = observed(dep) ? await newPods(ctx, dep, namespace) : [];
    const fatal = waitingOf(pods).find((w) => FATAL.has(w.reason));
    if (fatal) throw await explain(ctx, dep, pods, `its pods are failing (${fatal.reason})`);
    // The condition is the controller's verdict on the generation it observed, maybe the last one.
    const exceeded = observed(dep) ? deadlineExceeded(dep) : undefined;
    if (exceeded !== undefined)
      throw await explain(ctx, dep, pods, `progress deadline exceeded (${exceeded})`);
    const limitS = num(rec(dep.spec).progressDeadlineSeconds);
    const limitMs = limitS > 0 ? limitS * 1000 : ctx.clients.timing.rolloutTimeoutMs;
    if (Date.now() - started > limitMs)
      throw await explain(ctx, dep, pods, `not available after ${Math.round(limitMs / 1000)}s`);
    await sleep(ctx.clients.timing.pollMs, ctx.signal);
  }
}

export { sleep };
