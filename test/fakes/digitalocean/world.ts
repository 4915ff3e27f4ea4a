// The state of the DigitalOcean fake: apps and their deployments, Functions namespaces and
// their actions, Droplets, reserved IPs and actions, as the control plane keeps them. Knobs
// make the long-running parts take the reads they take in the cloud, and make chosen images or
// code fail, so tests can drive a failed deployment, a failed health check and a rollback.

import { createHash, randomUUID } from "node:crypto";
import type {
  App,
  AppDeployment,
  Droplet,
  NamespaceInfo,
  ReservedIp,
  WhiskAction,
} from "../../../providers/digitalocean/types.js";
import type { FakeAccount } from "./account.js";

export interface DoWorldOptions {
  /** GETs of a deployment per phase step (PENDING_BUILD → BUILDING → DEPLOYING → ACTIVE); default 1. */
  readsPerPhase?: number;
  /** GETs of a new Droplet before it is active with its public IPv4 (default 1). */
  dropletBootReads?: number;
  /** Image references (or substrings) whose App Platform deployment fails in DEPLOYING. */
  failingImages?: string[];
  /** Image references whose container answers its health check with 503 (apps and Droplets). */
  unhealthyImages?: string[];
  /** SHA-256 (hex) of function zips whose web action answers 502. */
  failingCode?: string[];
  /**
   * Git repositories App Platform can fetch: "github:owner/name" (also gitlab:, bitbucket:) or
   * a clone URL → a local repository (path or file:// URL) the fake reads with git, as the
   * service clones the real one. A github/gitlab/bitbucket repo not listed is one the account's
   * integration cannot reach; a clone URL not listed (and not itself local) fails to clone.
   */
  gitRemotes?: Record<string, string>;
  /** What GET /v2/account answers (account.ts); `revoked: true` answers 401. */
  account?: Partial<FakeAccount>;
}

export interface FakeDeployment extends AppDeployment {
  reads: number;
  /** The image the service runs in this deployment (repo@commit for a source build). */
  imageRef: string;
  /** Why the build fails, for a source the fake cannot clone or build. */
  buildError?: { code: string; message: string };
}

export interface FakeApp {
  app: App;
  deployments: FakeDeployment[];
  pinned?: string;
}

/** One OpenWhisk activation as the namespace's API host lists it (`docs=true` adds `logs`). */
export interface FakeActivation {
  activationId: string;
  name: string;
  namespace: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** OpenWhisk's lines: "<RFC3339 with nanoseconds> stdout|stderr: <text>". */
  logs: string[];
}

export interface FakeNamespace {
  info: NamespaceInfo;
  actions: Map<string, WhiskAction & { codeSha256: string; updated: number }>;
  /** Oldest first; the host lists them newest first. Tests add them with writeActivation. */
  activations?: FakeActivation[];
}

export interface FakeDroplet {
  droplet: Droplet;
  userData: string;
  reads: number;
  ip: string;
}

export class DoWorld {
  readonly apps = new Map<string, FakeApp>();
  /** By namespace id ("fn-<uuid>"), the key the API addresses them by. */
  readonly namespaces = new Map<string, FakeNamespace>();
  readonly droplets = new Map<number, FakeDroplet>();
  /** "<appId>/<component>" → the component's run log lines, oldest first (writeRunLog). */
  readonly runLogs = new Map<string, string[]>();
  readonly reservedIps = new Map<string, ReservedIp & { dropletId: number | null }>();
  readonly actions = new Map<
    number,
    { id: number; status: "in-progress" | "completed"; type: string; reads: number }
  >();
  private nextDroplet = 3164444;
  private nextAction = 36804636;
  private nextIp = 10;
  private nextReserved = 1;
  /** Set by the server: its own URL, which is also every namespace's api_host. */
  url = "";

  constructor(readonly opts: DoWorldOptions = {}) {}

  uuid(): string {
    return randomUUID();
  }

  /** What App Platform keeps of a SECRET env: an opaque encrypted value. */
  encrypt(value: string): string {
    if (value.startsWith("EV[")) return value;
    return `EV[1:${createHash("sha256").update(value).digest("base64").slice(0, 24)}]`;
  }

  imageFails(ref: string): boolean {
    return (this.opts.failingImages ?? []).some((i) => ref.includes(i));
  }

  imageUnhealthy(ref: string): boolean {
    return (this.opts.unhealthyImages ?? []).some((i) => ref.includes(i));
  }

  dropletId(): number {
    return this.nextDroplet++;
  }

  actionId(): number {
    return this.nextAction++;
  }

  /** A loopback address per Droplet (127.0.0.10, .11, ...): each has its own responder. */
  dropletIp(): string {
    return `127.0.0.${this.nextIp++}`;
  }

  reservedIp(): string {
    return `127.0.1.${this.nextReserved++}`;
  }

  findAppByName(name: string): FakeApp | undefined {
    return [...this.apps.values()].find((a) => a.app.spec.name === name);
  }
}
