// gcp/gke's behaviour: read the cluster from the Container API (endpoint, CA), take an OAuth
// token of the same Application Default Credentials, and hand both to the kubernetes platform
// through its declared helper (providers/kubernetes/clients.ts clientsFromCluster), whose
// read/plan/apply/destroy/status then do the deploying (DESIGN.md §1, §7).

import { callPolicy } from "../_shared/call-retry.js";
import type { Ctx, ProviderConfig, StatusReport } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { clientsFromCluster } from "../kubernetes/clients.js";
import type { ClusterAccess, KubeClients } from "../kubernetes/clients.js";
import type { KubeState } from "../kubernetes/state.js";
import { createGcpClients } from "./clients.js";
import type { Cluster, GcpClients } from "./clients.js";

export interface GkeOptions {
  project: string;
  location: string;
  cluster: string;
  endpoint?: string;
}

export interface GkeClients {
  gcp: GcpClients;
  /** The cluster's Kubernetes clients, built on first use from the Container API's answer. */
  kube(): Promise<KubeClients>;
}

export const clusterName = (o: GkeOptions) =>
  `projects/${o.project}/locations/${o.location}/clusters/${o.cluster}`;

/**
 * What the kubernetes platform needs of a cluster. GKE reports a bare IP as `endpoint`; an
 * emulator may report a full URL (http://127.0.0.1:PORT), which is used as it is.
 */
export function accessOf(c: Cluster, token: string, o: GkeOptions): ClusterAccess {
  const endpoint = c.endpoint ?? "";
  const out: ClusterAccess = {
    name: `gke_${o.project}_${o.location}_${o.cluster}`,
    server: /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`,
    token,
  };
  const ca = c.masterAuth?.clusterCaCertificate;
  if (ca) out.caData = ca;
  // client-node refuses plain http unless TLS checks are off; there is no TLS to check.
  if (out.server.startsWith("http://")) out.skipTLSVerify = true;
  return out;
}

function notReady(o: GkeOptions, status: string): ProviderError {
  return new ProviderError(`GKE cluster ${o.cluster} in ${o.project}/${o.location} is ${status}`, {
    code: status === "missing" ? "CLUSTER_NOT_FOUND" : "CLUSTER_NOT_READY",
    fault: "user",
    retryable: status === "PROVISIONING" || status === "RECONCILING",
    hint:
      status === "missing"
        ? "apiship deploys to an existing cluster: check `project`, `location` and `cluster` (`gcloud container clusters list`)"
        : "wait until the cluster is RUNNING (`gcloud container clusters describe`)",
  });
}

async function kubeFor(gcp: GcpClients, o: GkeOptions, cfg: ProviderConfig): Promise<KubeClients> {
  const env = cfg.env;
  const container = await gcp.container();
  const c = await container.getCluster(clusterName(o));
  if (!c) throw notReady(o, "missing");
  const status = String(c.status ?? "");
  if (status !== "RUNNING" && status !== "RECONCILING") throw notReady(o, status || "in an unknown state");
  // Rollout polls: APISHIP_GKE_POLL_MS shortens them (tests), else the kubernetes platform's.
  const pollMs = Number(env.APISHIP_GKE_POLL_MS);
  const timing = env.APISHIP_GKE_POLL_MS !== undefined && Number.isFinite(pollMs) ? { pollMs } : {};
  return clientsFromCluster(accessOf(c, await container.accessToken(), o), timing, callPolicy(cfg));
}

export function createGkeClients(cfg: ProviderConfig): GkeClients {
  const gcp = createGcpClients(cfg);
  const o = cfg.target.options as unknown as GkeOptions;
  let kube: Promise<KubeClients> | undefined;
  return {
    gcp,
    kube: () =>
      (kube ??= kubeFor(gcp, o, cfg).catch((e: unknown) => {
        kube = undefined;
        throw e;
      })),
  };
}

/** The same Ctx, with the cluster's Kubernetes clients in place of the GKE ones. */
export async function kubeCtx(ctx: Ctx<GkeClients>): Promise<Ctx<KubeClients>> {
  return { ...ctx, clients: await ctx.clients.kube() };
}

export type { KubeState };
export type GkeStatus = StatusReport;
