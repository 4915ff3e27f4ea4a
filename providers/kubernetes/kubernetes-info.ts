// The descriptor of kubernetes (see ./kubernetes.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import { checkExposure, kubernetesExposure } from "../_shared/options.js";
import type { K8sOptions } from "./manifests.js";
import { platformInfo } from "../../src/core/provider.js";
import type { PlatformInfo } from "../../src/core/provider.js";

export type KubernetesOptions = K8sOptions & { kubeconfig?: string; context?: string };

/**
 * What every platform that deploys through the kubernetes adapter shares (this one, azure/aks,
 * gcp/gke): the cluster sets sizes, timeouts and instance counts, rollback re-applies the
 * previous release's objects (the Deployment then rolls out again), and Service names are
 * DNS-1035 labels, the strictest of the objects apiship creates.
 */
export const CLUSTER_TRAITS = {
  limits: {},
  capabilities: { nativeRollback: null, coldStart: "replicas", scalesToZero: false },
  naming: {
    resource: "Kubernetes object",
    maxLength: 63,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  concurrency: 8,
} satisfies Pick<PlatformInfo, "limits" | "capabilities" | "naming" | "concurrency">;

export const kubernetesInfo = platformInfo<KubernetesOptions>({
  id: "kubernetes/kubernetes",
  provider: "kubernetes",
  platform: "kubernetes",
  summary: "Deployment and Service on any Kubernetes cluster, applied server-side",
  kinds: ["container"],
  options: () =>
    z
      .strictObject({
        kubeconfig: z
          .string()
          .min(1)
          .meta({
            description: "Path of the kubeconfig file. Default: $KUBECONFIG, else ~/.kube/config.",
            examples: ["~/.kube/prod.yaml"],
          })
          .optional(),
        context: z
          .string()
          .min(1)
          .meta({
            description: "Context of the kubeconfig to use. Default: its current-context.",
            examples: ["prod"],
          })
          .optional(),
        ...kubernetesExposure,
      })
      .superRefine(checkExposure),
  ...CLUSTER_TRAITS,
});
