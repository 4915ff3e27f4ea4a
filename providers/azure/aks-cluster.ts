// The AKS half of azure/aks: read the existing cluster from ARM, fetch its user credentials
// (listClusterUserCredential) and turn the kubeconfig into the ClusterAccess the kubernetes
// adapter takes (providers/kubernetes/clients.ts clientsFromCluster: the declared hand-over,
// DESIGN.md §1). Everything after that is the kubernetes adapter's.

import type { ClusterAccess, KubeClients } from "../kubernetes/clients.js";
import { ProviderError } from "../../src/errors.js";
import type { AzureClients } from "./clients.js";
import { parseYaml } from "./clients.js";
import { az, azMaybe } from "./errors.js";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === "object" && v !== null ? (v as Rec) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export interface AksTarget {
  resourceGroup: string;
  cluster: string;
}

/** The current context's cluster and user of a parsed kubeconfig, as ClusterAccess. */
export function accessFromKubeconfig(parsed: unknown, name: string, target: string): ClusterAccess {
  const doc = rec(parsed);
  const contexts = Array.isArray(doc.contexts) ? doc.contexts.map(rec) : [];
  const ctx = rec(contexts.find((c) => c.name === doc["current-context"])?.context ?? contexts[0]?.context);
  const byName = (list: unknown, n: unknown) =>
    rec((Array.isArray(list) ? list.map(rec) : []).find((x) => x.name === n));
  const cluster = rec(byName(doc.clusters, ctx.cluster).cluster);
  const user = rec(byName(doc.users, ctx.user).user);
  const server = str(cluster.server);
  const token = str(user.token);
  const exec = rec(user.exec);
  if (!server || (!token && !str(exec.command))) {
    throw new ProviderError(`the credentials AKS returned for ${name} have no server or no token/exec user`, {
      code: "CREDENTIALS",
      fault: "user",
      target,
      hint: "a cluster with client-certificate-only local accounts is not supported; enable Microsoft Entra ID integration (kubelogin) or local accounts with tokens",
    });
  }
  const access: ClusterAccess = { name: `aks/${name}`, server };
  const ca = str(cluster["certificate-authority-data"]);
  if (ca) access.caData = ca;
  if (cluster["insecure-skip-tls-verify"] === true) access.skipTLSVerify = true;
  if (token) access.token = token;
  else
    access.exec = {
      apiVersion: str(exec.apiVersion) ?? "client.authentication.k8s.io/v1beta1",
      command: str(exec.command) ?? "kubelogin",
      ...(Array.isArray(exec.args) ? { args: exec.args.map(String) } : {}),
      ...(Array.isArray(exec.env)
        ? { env: exec.env.map(rec).map((e) => ({ name: String(e.name), value: String(e.value) })) }
        : {}),
    };
  return access;
}

export async function clusterAccess(
  c: AzureClients,
  t: AksTarget,
  signal?: AbortSignal,
): Promise<ClusterAccess> {
  const aks = await c.containers();
  const opts = signal ? { abortSignal: signal } : {};
  const mc = await azMaybe("ManagedClusters_Get", c.target, () =>
    aks.managedClusters.get(t.resourceGroup, t.cluster, opts),
  );
  if (!mc) {
    throw new ProviderError(`AKS cluster ${t.cluster} is not in resource group ${t.resourceGroup}`, {
      code: "NOT_FOUND",
      fault: "user",
      target: c.target,
      hint: "azure/aks deploys to an existing cluster: check `cluster` and `resourceGroup` (`az aks list -o table`)",
    });
  }
  if (mc.powerState?.code === "Stopped") {
    throw new ProviderError(`AKS cluster ${t.cluster} is stopped`, {
      code: "CLUSTER_STOPPED",
      fault: "user",
      target: c.target,
      hint: `start it first: az aks start -g ${t.resourceGroup} -n ${t.cluster}`,
    });
  }
  const creds = await az("ManagedClusters_ListClusterUserCredentials", c.target, () =>
    aks.managedClusters.listClusterUserCredentials(t.resourceGroup, t.cluster, opts),
  );
  const value = creds.kubeconfigs?.[0]?.value;
  if (!value) {
    throw new ProviderError(`AKS returned no kubeconfig for ${t.cluster}`, {
      code: "CREDENTIALS",
      fault: "cloud",
      target: c.target,
      hint: "check the identity has the Azure Kubernetes Service Cluster User role on the cluster",
    });
  }
  return accessFromKubeconfig(await parseYaml(Buffer.from(value).toString("utf8")), t.cluster, c.target);
}

export interface AksClients {
  azure: AzureClients;
  /** The kubernetes adapter's clients for the cluster, built on first use from its AKS credentials. */
  kube(): Promise<KubeClients>;
}
