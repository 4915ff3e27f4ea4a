// The behaviour of azure/aks: every call composes the kubernetes target adapter with clients
// built from the cluster's AKS credentials. Nothing Kubernetes-specific happens here.

import { callPolicy } from "../_shared/call-retry.js";
import type {
  ApplyResult,
  Ctx,
  LogEntry,
  LogQuery,
  PlanRequest,
  PlanResponse,
  PlannedChange,
  ProviderConfig,
  StatusReport,
} from "../../src/core/provider.js";
import { clientsFromCluster } from "../kubernetes/clients.js";
import type { KubeClients } from "../kubernetes/clients.js";
import { kubeLogs } from "../kubernetes/logs.js";
import { kubernetes } from "../kubernetes/kubernetes.js";
import type { KubernetesOptions } from "../kubernetes/kubernetes.js";
import type { KubeState } from "../kubernetes/state.js";
import { clusterAccess } from "./aks-cluster.js";
import type { AksClients, AksTarget } from "./aks-cluster.js";
import { createAzureClients } from "./clients.js";

type AksCtx = Ctx<AksClients>;
type Opts = KubernetesOptions & AksTarget;

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () =>
    (p ??= make().catch(
      (e: unknown) => ((p = undefined), Promise.reject(e instanceof Error ? e : new Error(String(e)))),
    ));
}

export async function createAksClients(cfg: ProviderConfig): Promise<AksClients> {
  const azure = await createAzureClients(cfg);
  const o = cfg.target.options as unknown as AksTarget;
  const poll = Number(cfg.env.APISHIP_AZURE_POLL_MS);
  const timing = Number.isFinite(poll) && poll > 0 ? { pollMs: poll } : {};
  return {
    azure,
    kube: memo(async () => clientsFromCluster(await clusterAccess(azure, o), timing, callPolicy(cfg))),
  };
}

const k8s = () => {
  const { read, plan, apply, destroy, status } = kubernetes;
  if (!read || !plan || !apply || !destroy || !status)
    throw new Error("the kubernetes adapter has no behaviour");
  return { read, plan, apply, destroy, status };
};

async function kubeCtx(ctx: AksCtx): Promise<Ctx<KubeClients>> {
  return { ...ctx, clients: await ctx.clients.kube() };
}

export async function readAks(
  ctx: AksCtx,
  prior: KubeState | undefined,
  name: string,
): Promise<KubeState | undefined> {
  return k8s().read(await kubeCtx(ctx), prior, name);
}

export function planAks(req: PlanRequest<Opts, KubeState>): PlanResponse {
  return k8s().plan(req);
}

export async function applyAks(
  ctx: AksCtx,
  change: PlannedChange<Opts, KubeState>,
): Promise<ApplyResult<KubeState>> {
  return k8s().apply(await kubeCtx(ctx), change);
}

export async function destroyAks(ctx: AksCtx, state: KubeState): Promise<void> {
  return k8s().destroy(await kubeCtx(ctx), state);
}

export async function statusAks(ctx: AksCtx, state: KubeState): Promise<StatusReport> {
  return k8s().status(await kubeCtx(ctx), state);
}

/** The pods' logs, read from the cluster as for any Kubernetes target. */
export async function* logsAks(ctx: AksCtx, state: KubeState, query: LogQuery): AsyncIterable<LogEntry> {
  yield* kubeLogs(await kubeCtx(ctx), state, query);
}
