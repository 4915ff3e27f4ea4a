// What apiship records for a gcp/cloud-run target (plain JSON, never a secret value), the
// attributes its plan compares, and the labels and names its resources get. Shared by the pure
// planner (run-plan.ts) and the I/O modules (run-service.ts, run-apply.ts).

import { shortHash } from "../../src/manifest/names.js";

export const LABEL_STACK = "apiship-stack";
export const LABEL_TARGET = "apiship-target";
export const INVOKER_ROLE = "roles/run.invoker";
export const ALL_USERS = "allUsers";

export interface ProbeAttrs {
  path: string;
  port: number;
  timeoutSeconds: number;
  periodSeconds: number;
  failureThreshold: number;
}

/** The service's attributes as planned and compared. */
export interface RunServiceAttrs {
  project: string;
  region: string;
  image: string;
  port: number;
  command: string[];
  args: string[];
  env: Record<string, string>;
  /** env:/file: secrets, by name → keyed hash of the value the service holds; never the value. */
  secrets: Record<string, string>;
  /** gcp-sm: secrets, by name → "SECRET@VERSION" (valueSource.secretKeyRef). */
  secretRefs: Record<string, string>;
  /** vCPU. */
  cpu: number;
  /** MiB. */
  memory: number;
  cpuIdle: boolean;
  startupCpuBoost: boolean;
  minInstances: number;
  maxInstances: number;
  concurrency: number;
  timeoutSeconds: number;
  startupProbe: ProbeAttrs;
  livenessProbe: ProbeAttrs;
  ingress: string;
  /** "" for the project's default compute service account. */
  serviceAccount: string;
  /** "" when Cloud Run chooses. */
  executionEnvironment: string;
  vpcConnector: string;
  labels: Record<string, string>;
}

export interface RunServiceState extends RunServiceAttrs {
  /** projects/P/locations/R/services/NAME */
  resourceName: string;
  uri: string;
  etag: string;
  generation: string;
  /** Short id of the revision the template names (apiship names every revision). */
  revision: string;
  latestReadyRevision: string;
  latestCreatedRevision: string;
}

/** Where traffic goes: the latest ready revision, or one pinned revision (after a rollback). */
export interface TrafficState {
  latest: boolean;
  revision?: string;
}

export interface RunState {
  /** Service id (the target's physical base name). */
  name: string;
  project: string;
  region: string;
  service?: RunServiceState;
  traffic?: TrafficState;
  /** allUsers holds roles/run.invoker on the service. */
  invoker?: { public: boolean };
}

/** A GCP label value: lowercase letters, digits, '_' and '-', at most 63. */
export function labelValue(s: string): string {
  const v = s.toLowerCase().replace(/[^a-z0-9_-]/g, "_");
  return v.length <= 63 ? v : `${v.slice(0, 56)}-${shortHash(s)}`;
}

export function ownerLabels(stackId: string, target: string): Record<string, string> {
  return { [LABEL_STACK]: labelValue(stackId), [LABEL_TARGET]: labelValue(target) };
}

export function serviceResource(project: string, region: string, name: string): string {
  return `projects/${project}/locations/${region}/services/${name}`;
}

/**
 * apiship names each revision: `<service>-<generation, 5 digits>-<template hash, 3>`, the shape
 * Cloud Run gives its own names. Deterministic for a (generation, template), never reused
 * because the generation only grows, and at most 49 + 10 characters (a revision id is ≤ 63).
 */
export function revisionName(service: string, generation: number, templateKey: string): string {
  return `${service}-${String(generation).padStart(5, "0")}-${shortHash(templateKey, 3)}`;
}

export const KNOWN_AFTER_APPLY = "(known after apply)";
