// Google Kubernetes Engine: apiship reads the cluster's endpoint and CA from the Container API
// and hands a kubeconfig (with an ADC token) to the kubernetes platform, whose behaviour does
// the deploying (DESIGN.md §1, §7): gke-cluster.ts builds the clients, the rest is composed.

import { defineTarget } from "../../src/core/provider.js";
import { gcpConsoleUrl, pathSegment, text, viaEndpoint } from "../_shared/console.js";
import { kubernetes } from "../kubernetes/kubernetes.js";
import { createGkeClients, kubeCtx } from "./gke-cluster.js";
import type { GkeClients, GkeOptions, KubeState } from "./gke-cluster.js";
import { whoamiGke } from "./whoami.js";
import { gkeInfo } from "./gke-info.js";

// The kubernetes platform's behaviour, required rather than optional.
const k8s = kubernetes as Required<typeof kubernetes>;
type K8sReq = Parameters<typeof k8s.plan>[0];
type K8sChange = Parameters<typeof k8s.apply>[1];
export const gke = defineTarget<Record<string, unknown>, KubeState, GkeClients>({
  ...gkeInfo,
  createClients: createGkeClients,
  whoami: whoamiGke,
  read: async (ctx, prior, name) => k8s.read(await kubeCtx(ctx), prior, name),
  plan: (req) => k8s.plan(req as unknown as K8sReq),
  apply: async (ctx, change) => k8s.apply(await kubeCtx(ctx), change as unknown as K8sChange),
  destroy: async (ctx, state) => k8s.destroy(await kubeCtx(ctx), state),
  status: async (ctx, state) => k8s.status(await kubeCtx(ctx), state),
  logs: async function* (ctx, state, query) {
    yield* k8s.logs(await kubeCtx(ctx), state, query);
  },
  // The Deployment's Logs tab among the cluster's workloads; without a namespace (no state,
  // options not parsed), the cluster's page.
  consoleUrl: (target, state, name) => {
    const o = target.options as unknown as GkeOptions & { namespace?: string };
    if (viaEndpoint(o)) return undefined;
    const at = `${pathSegment(o.location)}/${pathSegment(o.cluster)}`;
    const namespace = text(state?.namespace) ?? text(o.namespace);
    if (!namespace) return gcpConsoleUrl(`kubernetes/clusters/details/${at}/details`, o.project);
    const deployment = text(state?.objects?.deployment?.name) ?? text(state?.name) ?? name;
    return gcpConsoleUrl(
      `kubernetes/deployment/${at}/${pathSegment(namespace)}/${pathSegment(deployment)}/logs`,
      o.project,
    );
  },
});
