// Azure Kubernetes Service: apiship fetches the cluster's credentials from ARM and hands the
// kubeconfig to the kubernetes platform, which does the deploying (DESIGN.md §1, §7). The
// behaviour (aks-target.ts) composes the kubernetes adapter with clients built from the
// cluster's AKS credentials (aks-cluster.ts); no SDK is imported at load time.

import { defineTarget } from "../../src/core/provider.js";
import { azurePortalUrl, viaEndpoint } from "../_shared/console.js";
import type { KubeState } from "../kubernetes/state.js";
import type { AksClients } from "./aks-cluster.js";
import {
  applyAks,
  createAksClients,
  destroyAks,
  logsAks,
  planAks,
  readAks,
  statusAks,
} from "./aks-target.js";
import { whoamiAks } from "./whoami.js";
import { aksInfo } from "./aks-info.js";
import type { AksOptions } from "./aks-info.js";

export const aks = defineTarget<AksOptions, KubeState, AksClients>({
  ...aksInfo,
  createClients: createAksClients,
  whoami: whoamiAks,
  read: readAks,
  plan: planAks,
  apply: applyAks,
  destroy: destroyAks,
  status: statusAks,
  logs: logsAks,
  // The cluster's Workloads blade (its Deployments, and their pods' live logs). The state is the
  // kubernetes adapter's, which records no ARM coordinates: they are the target's options.
  consoleUrl: (target) => {
    if (viaEndpoint(target.options)) return undefined;
    const o = target.options;
    return azurePortalUrl(
      o.subscription,
      o.resourceGroup,
      "Microsoft.ContainerService/managedClusters",
      o.cluster,
      "workloads",
    );
  },
});
