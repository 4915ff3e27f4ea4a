// The state of the fake Google Cloud control planes (Cloud Run Admin v2, Cloud Functions v2,
// GKE), and the rules every one of them shares: Google's JSON error envelope, long-running
// operations that finish only after being polled, etags, server-set fields. Enum fields are
// stored by name (discovery-document spelling); enums.ts converts at the edge.

import { randomBytes, randomUUID } from "node:crypto";
import type { FakeResponse, FaultKnobs } from "../_shared/server.js";

export type Json = Record<string, unknown>;

export interface GcpKnobs extends FaultKnobs {
  /** GETs of an operation answered `done: false` before it finishes (default 1). */
  opPolls?: number;
  /** A Cloud Run image containing this text fails its revision (default ":broken"). */
  failImage?: string;
  /** When set, every Cloud Functions build fails and this is the build log's tail. */
  failBuild?: string;
  /** The `uri` a new Run service gets (default https://<id>-<hash>-<region>.a.run.app). */
  serviceUri?: (serviceId: string) => string;
  /** The `url` a function gets (default https://<region>-<project>.cloudfunctions.net/<id>). */
  functionUrl?: (functionId: string) => string;
}

export interface Operation {
  name: string;
  /** Proto type of metadata and response (google.cloud.run.v2.Service, ...). */
  metadataType: string;
  responseType: string;
  metadata: Json;
  pollsLeft: number;
  done: boolean;
  response?: Json;
  error?: { code: number; message: string; details?: Json[] };
  /** Runs once, on the poll that finishes the operation; returns the response or throws GcpFault. */
  finish: () => Json;
}

export interface Upload {
  bucket: string;
  object: string;
  bytes?: Buffer;
  contentType?: string;
}

export interface Cluster {
  name: string;
  location: string;
  project: string;
  endpoint: string;
  caCertificate: string;
  status: string;
}

/** The gRPC status codes Google's JSON errors carry, by HTTP status. */
const STATUS_HTTP: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};
export const GRPC_CODE: Record<string, number> = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};

/** An API error, thrown by a route and rendered as Google's error envelope. */
export class GcpFault extends Error {
  constructor(
    readonly status: keyof typeof STATUS_HTTP,
    message: string,
  ) {
    super(message);
  }
}

export function errorResponse(
  status: string,
  message: string,
  headers?: Record<string, string>,
): FakeResponse {
  const r: FakeResponse = {
    status: STATUS_HTTP[status] ?? 500,
    body: { error: { code: STATUS_HTTP[status] ?? 500, message, status, details: [] } },
  };
  if (headers) r.headers = headers;
  return r;
}

export const now = (): string => new Date().toISOString();
export const newEtag = (): string => `"${randomBytes(9).toString("base64url")}"`;
export const rand = (n: number): string =>
  Array.from(randomBytes(n), (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");

export class GcpWorld {
  readonly projectNumber = "123456789012";
  /** Run v2 services by full resource name. */
  readonly services = new Map<string, Json>();
  /** Run v2 revisions by full resource name. */
  readonly revisions = new Map<string, Json>();
  /** IAM policies by resource name (a Run service). */
  readonly policies = new Map<string, Json>();
  /** Cloud Functions v2 by full resource name. */
  readonly functions = new Map<string, Json>();
  readonly operations = new Map<string, Operation>();
  /** Signed upload URLs handed out by generateUploadUrl, by their token. */
  readonly uploads = new Map<string, Upload>();
  readonly clusters = new Map<string, Cluster>();
  /**
   * Set, the only projects that exist: any other answers as Google answers a project the caller
   * cannot see (or that does not exist), 403 PERMISSION_DENIED. Unset, every project exists.
   */
  knownProjects: Set<string> | undefined;
  /** Cloud Logging entries (logging.ts), as google.logging.v2.LogEntry JSON. */
  readonly logEntries: Json[] = [];
  logSeq = 0;
  /** Most entries one entries.list page holds, whatever pageSize asks (tests lower it). */
  logPageLimit = 1000;

  constructor(readonly knobs: GcpKnobs) {}

  defaultServiceAccount(): string {
    return `${this.projectNumber}-compute@developer.gserviceaccount.com`;
  }

  startOperation(
    parent: string,
    types: { metadata: string; response: string },
    metadata: Json,
    finish: () => Json,
  ): Operation {
    const op: Operation = {
      name: `${parent}/operations/${randomUUID()}`,
      metadataType: types.metadata,
      responseType: types.response,
      metadata,
      pollsLeft: this.knobs.opPolls ?? 1,
      done: false,
      finish,
    };
    this.operations.set(op.name, op);
    if (op.pollsLeft <= 0) this.settle(op);
    return op;
  }

  /** A GET of the operation: counts down, then runs its effect once. */
  poll(name: string): Operation | undefined {
    const op = this.operations.get(name);
    if (!op || op.done) return op;
    op.pollsLeft -= 1;
    if (op.pollsLeft <= 0) this.settle(op);
    return op;
  }

  private settle(op: Operation): void {
    op.done = true;
    try {
      op.response = op.finish();
    } catch (e) {
      if (!(e instanceof GcpFault)) throw e;
      op.error = { code: GRPC_CODE[e.status] ?? 2, message: e.message };
    }
  }

  addCluster(c: Omit<Cluster, "status"> & { status?: string }): Cluster {
    const cluster = { status: "RUNNING", ...c };
    this.clusters.set(`projects/${c.project}/locations/${c.location}/clusters/${c.name}`, cluster);
    return cluster;
  }
}
