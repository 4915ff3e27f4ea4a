// Azure Kubernetes Service: apiship fetches the cluster's credentials from ARM and hands the
// kubeconfig to the kubernetes platform, which does the deploying (DESIGN.md §1, §7). The
// behaviour (aks-target.ts) composes the kubernetes adapter with clients built from the
// cluster's AKS credentials (aks-cluster.ts); no SDK is imported at load time.

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { azurePortalUrl, viaEndpoint } from "../_shared/console.js";
import {
  azureResourceGroup,
  azureSubscription,
  checkExposure,
  endpointOption,
  kubernetesExposure,
} from "../_shared/options.js";
import type { KubeState } from "../kubernetes/state.js";
import type { KubernetesOptions } from "../kubernetes/kubernetes.js";
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

type AksOptions = KubernetesOptions & {
  subscription: string;
  resourceGroup: string;
  cluster: string;
  endpoint?: string;
};

export const aks = defineTarget<AksOptions, KubeState, AksClients>({
  id: "azure/aks",
  provider: "azure",
  platform: "aks",
  summary: "Deployment and Service on an existing AKS cluster (credentials fetched from ARM)",
  kinds: ["container"],
  options: z
    .strictObject({
      subscription: azureSubscription,
      resourceGroup: azureResourceGroup.meta({
        description: "Resource group of the AKS cluster.",
        examples: ["rg-platform-prod"],
      }),
      cluster: z
        .string()
        .regex(/^[a-zA-Z0-9]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?$/, {
          error: "must be an AKS cluster name: 1-63 letters, digits, '-' or '_'",
        })
        .meta({ description: "Name of the existing AKS cluster.", examples: ["aks-prod-weu"] }),
      ...kubernetesExposure,
      endpoint: endpointOption("Azure Resource Manager", "https://management.usgovcloudapi.net").optional(),
    })
    .superRefine(checkExposure),
  // Sizes, timeouts and instance counts are the cluster's, not the platform's.
  limits: {},
  // Rollback re-applies the previous release's objects; the Deployment then rolls out again.
  capabilities: { nativeRollback: null, coldStart: "replicas", scalesToZero: false },
  naming: {
    resource: "Kubernetes object",
    maxLength: 63,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  concurrency: 4,
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
