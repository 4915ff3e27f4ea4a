// The state of the Azure fake: resource groups, App Service plans, sites with their slots and
// settings, storage accounts, AKS clusters, and the long-running operations ARM answers with
// 202 + Azure-AsyncOperation/Location. Names that Azure keeps globally unique (sites, storage
// accounts) are unique here across every subscription and group.

import type { FakeResponse } from "../_shared/server.js";

export type Dict = Record<string, unknown>;

export interface GroupRecord {
  subscription: string;
  name: string;
  location: string;
  tags: Record<string, string>;
}

export interface FarmRecord {
  subscription: string;
  group: string;
  name: string;
  location: string;
  kind: string;
  tags: Record<string, string>;
  sku: { name: string; tier: string; capacity: number };
  reserved: boolean;
}

/** What a slot swap moves, plus what stays with each slot. */
export interface SiteSlot {
  config: Dict;
  settings: Record<string, string>;
  tags: Record<string, string>;
  hostName: string;
}

export interface SiteRecord extends SiteSlot {
  subscription: string;
  group: string;
  name: string;
  location: string;
  kind: string;
  serverFarmId: string;
  httpsOnly: boolean;
  identity?: Dict;
  functionAppConfig?: Dict;
  state: string;
  slots: Map<string, SiteSlot>;
  /** Zip packages deployed through OneDeploy, newest last (sha256 hex). */
  packages: string[];
  /** The container log files Kudu lists under /api/logs/docker (writeDockerLog). */
  dockerLogs?: { file: string; machine: string; lines: string[]; updated: number }[];
  /** The host's default function key, made on first use. */
  functionKey?: string;
  /** The OneDeploy deployment Kudu is running now, if any. */
  deploying?: Deployment;
  /** The last finished one, what GET /api/deployments/latest shows when none runs. */
  lastDeployment?: Deployment;
}

/** A OneDeploy deployment as Kudu reports it (DeployStatus: 1 Building, 3 Failed, 4 Success). */
export interface Deployment {
  id: string;
  sha256: string;
  status: number;
  /** Polls left before it finishes. */
  pollsLeft: number;
}

/** Fault knobs of the Kudu (SCM) endpoint, on top of the server's own throttle/error rates. */
export interface KuduKnobs {
  /** The next N publishes answer 503 without starting a deployment. */
  publishFailures: number;
  /** Polls a deployment stays Building before it completes (default 1). */
  deployPolls: number;
  /** The next N deployments end Failed (the package does not start). */
  failDeployments: number;
}

export interface StorageRecord {
  subscription: string;
  group: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  body: Dict;
  containers: Map<string, Dict>;
}

export interface ClusterRecord {
  subscription: string;
  group: string;
  name: string;
  location: string;
  body: Dict;
  /** The kubeconfig listClusterUserCredential hands out (YAML text). */
  kubeconfig: string;
}

export interface Operation {
  /** Polls still answered "InProgress". */
  remaining: number;
  /** Final body of a Location poll (POST/DELETE), if any. */
  result?: Dict;
}

export interface WorldOptions {
  /** Polls an operation stays InProgress (default 1). */
  lroPolls?: number;
  /** Site names some other customer holds. */
  takenSiteNames?: string[];
  /** Storage account names some other customer holds. */
  takenStorageNames?: string[];
  /**
   * Serve sites on real host names under this domain (<site>.<domain>, <site>-<slot>.<domain>,
   * Kudu on <site>.scm.<domain>), told apart by the Host header, as Azure's front ends do: a
   * client reaches them through APISHIP_CONNECT_TO. Default: paths on the fake's own host.
   */
  siteDomain?: string;
  kudu?: Partial<KuduKnobs>;
  /**
   * The subscriptions the caller can see, by id (GET /subscriptions/{id}); any other answers
   * 404 SubscriptionNotFound. Default: every well-formed id, as "Fake subscription", Enabled.
   */
  subscriptions?: Record<string, { displayName: string; state?: string }>;
}

export interface FakeWorld {
  groups: Map<string, GroupRecord>;
  farms: Map<string, FarmRecord>;
  /** By lowercase site name: site names are global. */
  sites: Map<string, SiteRecord>;
  /** By storage account name: global too. */
  storage: Map<string, StorageRecord>;
  clusters: Map<string, ClusterRecord>;
  operations: Map<string, Operation>;
  takenSiteNames: Set<string>;
  takenStorageNames: Set<string>;
  /** Images whose containers fail every request (a broken release). */
  crashImages: Set<string>;
  lroPolls: number;
  kudu: KuduKnobs;
  siteDomain: string | undefined;
  subscriptions: WorldOptions["subscriptions"];
  /** Base URL of the fake, set once it listens (operation URLs and site hosts point at it). */
  baseUrl: string;
  /** Host a site or slot answers on; the default serves it from the fake under /__sites/. */
  hostFor(site: string, slot?: string): string;
  nextId(): string;
}

export function newWorld(o: WorldOptions = {}): FakeWorld {
  let n = 0;
  const w: FakeWorld = {
    groups: new Map(),
    farms: new Map(),
    sites: new Map(),
    storage: new Map(),
    clusters: new Map(),
    operations: new Map(),
    takenSiteNames: new Set((o.takenSiteNames ?? []).map((s) => s.toLowerCase())),
    takenStorageNames: new Set(o.takenStorageNames ?? []),
    crashImages: new Set(),
    lroPolls: o.lroPolls ?? 1,
    kudu: { publishFailures: 0, deployPolls: 1, failDeployments: 0, ...o.kudu },
    siteDomain: o.siteDomain,
    subscriptions: o.subscriptions,
    baseUrl: "",
    hostFor: (site, slot) =>
      o.siteDomain
        ? `${site}${slot ? `-${slot}` : ""}.${o.siteDomain}`
        : `${w.baseUrl.replace(/^https?:\/\//, "")}/__sites/${site}${slot ? `--${slot}` : ""}`,
    nextId: () =>
      `${(++n).toString(16).padStart(8, "0")}-0000-4000-8000-${Date.now().toString(16).padStart(12, "0").slice(-12)}`,
  };
  return w;
}

export const key = (...parts: string[]) => parts.map((p) => p.toLowerCase()).join("/");

/** ARM's error envelope. */
export function armError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): FakeResponse {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

export const notFound = (type: string, name: string) =>
  armError(404, "ResourceNotFound", `The Resource '${type}/${name}' under resource group was not found.`);

/**
 * Starts a long-running operation: 202 with both Azure-AsyncOperation (status polling) and
 * Location (result polling), as App Service and Resource Manager answer PUT/POST/DELETE.
 */
export function accepted(w: FakeWorld, subscription: string, body?: Dict, result?: Dict): FakeResponse {
  const id = w.nextId();
  w.operations.set(id, { remaining: w.lroPolls, ...(result ? { result } : {}) });
  const base = `${w.baseUrl}/subscriptions/${subscription}/providers/Microsoft.Web`;
  return {
    status: 202,
    headers: {
      "azure-asyncoperation": `${base}/operationStatuses/${id}?api-version=2025-03-01`,
      location: `${base}/operationResults/${id}?api-version=2025-03-01`,
      "retry-after": "0",
    },
    ...(body ? { body } : {}),
  };
}

/** GET of an Azure-AsyncOperation URL: InProgress until its polls are spent, then Succeeded. */
export function operationStatus(w: FakeWorld, id: string): FakeResponse {
  const op = w.operations.get(id);
  if (!op) return armError(404, "NotFound", `operation ${id} not found`);
  if (op.remaining > 0) {
    op.remaining--;
    return { status: 200, headers: { "retry-after": "0" }, body: { id, name: id, status: "InProgress" } };
  }
  return { status: 200, body: { id, name: id, status: "Succeeded" } };
}

/** GET of a Location URL: 202 while running, then 200 with the result (or 204). */
export function operationResult(w: FakeWorld, id: string): FakeResponse {
  const op = w.operations.get(id);
  if (!op) return armError(404, "NotFound", `operation ${id} not found`);
  if (op.remaining > 0) {
    op.remaining--;
    return { status: 202, headers: { "retry-after": "0" } };
  }
  return { status: 200, body: op.result ?? {} };
}
