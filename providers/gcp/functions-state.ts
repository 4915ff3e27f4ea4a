// What apiship records for a gcp/cloud-functions target (plain JSON, never a secret value) and
// the attributes its plan compares. The function's Cloud Run service (serviceConfig.service)
// carries its revisions: traffic and the public invoker are read and written there.

import type { TrafficState } from "./run-state.js";

/** Label holding the SHA-256 (hex, first 60) of the deployed zip: the content-hash skip. */
export const LABEL_SOURCE = "apiship-source";

export interface FunctionAttrs {
  project: string;
  region: string;
  /** Google's spelling (nodejs22, python312). */
  runtime: string;
  entryPoint: string;
  /** buildConfig.environmentVariables (a portable Python function's GOOGLE_FUNCTION_SOURCE); absent when none. */
  buildEnv?: Record<string, string>;
  /** SHA-256 (hex) prefix of the deterministic zip the function was built from. */
  sourceSha256: string;
  env: Record<string, string>;
  /** env:/file: secrets, by name → keyed hash of the value; never the value. */
  secrets: Record<string, string>;
  /** gcp-sm: secrets, by name → "projects/P/secrets/S@VERSION". */
  secretRefs: Record<string, string>;
  /** MiB. */
  memory: number;
  /** vCPU; null to let Cloud Functions size it from the memory. */
  cpu: number | null;
  timeoutSeconds: number;
  minInstances: number;
  maxInstances: number;
  concurrency: number;
  ingress: string;
  /** "" for the default compute service account. */
  serviceAccount: string;
  vpcConnector: string;
  labels: Record<string, string>;
}

export interface FunctionState extends FunctionAttrs {
  /** projects/P/locations/R/functions/NAME */
  resourceName: string;
  /** ACTIVE, FAILED, DEPLOYING, ... */
  state: string;
  url: string;
  /** The Cloud Run service serving it (projects/P/locations/R/services/ID). */
  runService: string;
  /** Revision of the Run service the function's latest deploy made. */
  revision: string;
}

export interface FunctionsState {
  name: string;
  project: string;
  region: string;
  function?: FunctionState;
  /** Traffic of the underlying Run service. */
  traffic?: TrafficState;
  invoker?: { public: boolean };
}

export const functionResource = (project: string, region: string, name: string) =>
  `projects/${project}/locations/${region}/functions/${name}`;
