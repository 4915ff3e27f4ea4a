// The descriptor of aks (see ./aks.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import {
  AZURE_CONCURRENCY,
  azureResourceGroup,
  azureSubscription,
  checkExposure,
  endpointOption,
  kubernetesExposure,
} from "../_shared/options.js";
import type { KubernetesOptions } from "../kubernetes/kubernetes.js";
import { platformInfo } from "../../src/core/provider.js";
import { CLUSTER_TRAITS } from "../kubernetes/kubernetes-info.js";

export type AksOptions = KubernetesOptions & {
  subscription: string;
  resourceGroup: string;
  cluster: string;
  endpoint?: string;
};

export const aksInfo = platformInfo<AksOptions>({
  id: "azure/aks",
  provider: "azure",
  platform: "aks",
  summary: "Deployment and Service on an existing AKS cluster (credentials fetched from ARM)",
  kinds: ["container"],
  options: () =>
    z
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
  ...CLUSTER_TRAITS,
  concurrency: AZURE_CONCURRENCY,
});
