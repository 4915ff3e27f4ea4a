// PURE builders of the Kubernetes objects one target consists of, from the ServiceSpec and the
// target's options, and the plan attributes of an object (desired or live). Both sides of a
// plan go through attributesOf(), so a re-plan after an apply compares like with like.
// No I/O and no SDK here: plan() and offline plans use this file.

import { hash } from "node:crypto";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { canonicalJson } from "../../src/plan/diff.js";

export const MANAGED_BY = "app.kubernetes.io/managed-by";
export const STACK_LABEL = "apiship.dev/stack";
export const TARGET_LABEL = "apiship.dev/target";
export const CHECKSUM_ANNOTATION = "apiship.dev/secrets-checksum";
export const HASHES_ANNOTATION = "apiship.dev/secret-hashes";

/** In apply order: each kind needs only kinds before it. */
export const OBJECT_KINDS = ["secret", "deployment", "service", "hpa", "ingress"] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export const API: Readonly<Record<ObjectKind, { apiVersion: string; kind: string }>> = {
  secret: { apiVersion: "v1", kind: "Secret" },
  deployment: { apiVersion: "apps/v1", kind: "Deployment" },
  service: { apiVersion: "v1", kind: "Service" },
  hpa: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" },
  ingress: { apiVersion: "networking.k8s.io/v1", kind: "Ingress" },
};

/** The planner's view of the options (kubernetes.ts owns the schema). */
export type K8sOptions = {
  namespace: string;
  createNamespace: boolean;
  expose: "cluster-ip" | "load-balancer" | "ingress";
  ingress?: { host: string; className?: string; tlsSecret?: string };
  imagePullSecrets?: string[];
};

/** A Kubernetes object as plain JSON (what the SDK serializes). */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

export interface DesiredInput {
  name: string;
  stackId: string;
  targetName: string;
  service: ServiceSpec;
  options: K8sOptions;
  /** Secret name → keyed hash (HMAC) of its value; never the value. */
  secretHashes: Record<string, string>;
}

/**
 * A label value: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends. The stack id
 * "shop/dev" becomes "shop.dev".
 */
export function labelValue(s: string): string {
  // Pure, and asked for the same few values by every object of every target.
  let v = LABEL_MEMO.get(s);
  if (v === undefined) LABEL_MEMO.set(s, (v = computeLabelValue(s)));
  return v;
}

const LABEL_MEMO = new Map<string, string>();

function computeLabelValue(s: string): string {
  const v = s
    .replace(/\//g, ".")
    .replace(/[^A-Za-z0-9_.-]/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return v === "" ? "x" : v;
}

export function ownerLabels(stackId: string, targetName: string): Record<string, string> {
  return {
    [MANAGED_BY]: "apiship",
    [STACK_LABEL]: labelValue(stackId),
    [TARGET_LABEL]: labelValue(targetName),
  };
}

/** `a=b,c=d`: the objects of one stack's target, whatever their kind. */
export function ownerSelector(stackId: string, targetName: string): string {
  return Object.entries(ownerLabels(stackId, targetName))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

export function objectName(base: string, kind: ObjectKind): string {
  return kind === "secret" ? `${base}-secrets` : base;
}

/** Kubernetes quantities in their canonical spelling, so the server echoes them unchanged. */
export function cpuQuantity(vcpu: number): string {
  const milli = Math.round(vcpu * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export function memoryQuantity(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

/** sha256 of the secrets' keyed hashes: changes whenever a secret value does, reveals nothing. */
export function secretsChecksum(hashes: Record<string, string>): string {
  // One-shot crypto.hash: a createHash object cost ~10 µs before V8 warmed up, once per target.
  return hash("sha256", canonicalJson(hashes), "hex");
}

export function usesHpa(svc: ServiceSpec): boolean {
  return svc.scaling.max > svc.scaling.min;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function probe(svc: ServiceSpec, port: number): Record<string, unknown> {
  const h = svc.health;
  return {
    httpGet: { path: h.path, port },
    timeoutSeconds: seconds(h.timeoutMs),
    periodSeconds: seconds(h.intervalMs),
    failureThreshold: Math.max(1, h.attempts),
  };
}

function container(input: DesiredInput, secretName: string): Record<string, unknown> {
  const svc = input.service;
  const c = svc.container;
  if (!c) throw new TypeError("kubernetes/kubernetes runs containers only");
  const env: Record<string, unknown>[] = Object.keys(svc.env)
    .sort()
    .map((k) => ({ name: k, value: svc.env[k] }));
  for (const k of Object.keys(svc.secrets).sort()) {
    env.push({ name: k, valueFrom: { secretKeyRef: { name: secretName, key: k } } });
  }
  const resources: Record<string, string> = { memory: memoryQuantity(svc.resources.memory) };
  if (svc.resources.cpu !== undefined) resources.cpu = cpuQuantity(svc.resources.cpu);
  const out: Record<string, unknown> = {
    name: "app",
    image: c.image,
    ports: [{ name: "http", containerPort: c.port, protocol: "TCP" }],
    env,
    resources: { requests: resources, limits: { memory: resources.memory } },
    readinessProbe: probe(svc, c.port),
    livenessProbe: probe(svc, c.port),
  };
  if (c.command) out.command = c.command;
  if (c.args) out.args = c.args;
  return out;
}

function meta(input: DesiredInput, kind: ObjectKind, annotations?: Record<string, string>) {
  const m: K8sObject["metadata"] = {
    name: objectName(input.name, kind),
    namespace: input.options.namespace,
    labels: ownerLabels(input.stackId, input.targetName),
  };
  if (annotations) m.annotations = annotations;
  const { apiVersion, kind: k8sKind } = API[kind];
  return { apiVersion, kind: k8sKind, metadata: m };
}

function deployment(input: DesiredInput): K8sObject {
  const selector = { [TARGET_LABEL]: labelValue(input.targetName), "apiship.dev/name": input.name };
  const pullSecrets = input.options.imagePullSecrets?.map((name) => ({ name }));
  const spec: Record<string, unknown> = {
    selector: { matchLabels: selector },
    progressDeadlineSeconds: 600,
    template: {
      metadata: {
        labels: { ...ownerLabels(input.stackId, input.targetName), ...selector },
        annotations: { [CHECKSUM_ANNOTATION]: secretsChecksum(input.secretHashes) },
      },
      spec: {
        containers: [container(input, objectName(input.name, "secret"))],
        ...(pullSecrets ? { imagePullSecrets: pullSecrets } : {}),
      },
    },
  };
  // With an HPA the autoscaler owns replicas; setting them here would fight it on every apply.
  if (!usesHpa(input.service)) spec.replicas = input.service.scaling.min;
  return { ...meta(input, "deployment"), spec };
}

function service(input: DesiredInput): K8sObject {
  const port = input.service.container?.port ?? 80;
  return {
    ...meta(input, "service"),
    spec: {
      type: input.options.expose === "load-balancer" ? "LoadBalancer" : "ClusterIP",
      selector: { [TARGET_LABEL]: labelValue(input.targetName), "apiship.dev/name": input.name },
      ports: [{ name: "http", port: 80, targetPort: port, protocol: "TCP" }],
    },
  };
}

function hpa(input: DesiredInput): K8sObject {
  const { min, max } = input.service.scaling;
  return {
    ...meta(input, "hpa"),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: input.name },
      minReplicas: Math.max(1, min),
      maxReplicas: max,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
      ],
    },
  };
}

function ingress(input: DesiredInput, ing: NonNullable<K8sOptions["ingress"]>): K8sObject {
  const backend = { service: { name: input.name, port: { number: 80 } } };
  const spec: Record<string, unknown> = {
    rules: [{ host: ing.host, http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
  };
  if (ing.className) spec.ingressClassName = ing.className;
  if (ing.tlsSecret) spec.tls = [{ hosts: [ing.host], secretName: ing.tlsSecret }];
  return { ...meta(input, "ingress"), spec };
}

/** The Secret without its data: apply() adds the values, which never reach a plan. */
function secret(input: DesiredInput): K8sObject {
  return {
    ...meta(input, "secret", { [HASHES_ANNOTATION]: canonicalJson(input.secretHashes) }),
    type: "Opaque",
  };
}

/** The objects the target should consist of; a kind left out should not exist. */
export function desiredObjects(input: DesiredInput): Partial<Record<ObjectKind, K8sObject>> {
  const out: Partial<Record<ObjectKind, K8sObject>> = {};
  if (Object.keys(input.service.secrets).length > 0) out.secret = secret(input);
  out.deployment = deployment(input);
  out.service = service(input);
  if (usesHpa(input.service)) out.hpa = hpa(input);
  if (input.options.expose === "ingress" && input.options.ingress)
    out.ingress = ingress(input, input.options.ingress);
  return out;
}

/** The Namespace apply() creates when it is missing and the target allows it. */
export function namespaceObject(namespace: string): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace, labels: { [MANAGED_BY]: "apiship" } },
  };
}
