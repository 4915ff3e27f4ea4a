// Any Kubernetes cluster: a Deployment and a Service (plus an Ingress when asked), applied
// server-side. A rollback re-applies the previous release's objects, so apiship's release
// history, not `rollout undo`, decides what "previous" means (DESIGN.md §7).
// Behaviour: clients.ts (cluster access), plan.ts + manifests.ts (pure), apply.ts, read.ts,
// rollout.ts. Nothing here imports the SDK: clients.ts loads it inside createClients.

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { kubeLogs } from "./logs.js";
import { checkExposure, kubernetesExposure } from "../_shared/options.js";
import { apply, destroy } from "./apply.js";
import { createKubeClients } from "./clients.js";
import type { KubeClients } from "./clients.js";
import type { K8sOptions } from "./manifests.js";
import { planChanges } from "./plan.js";
import { read, status } from "./read.js";
import type { KubeState } from "./state.js";
import { whoamiKube } from "./whoami.js";

export type KubernetesOptions = K8sOptions & { kubeconfig?: string; context?: string };

export const kubernetes = defineTarget<KubernetesOptions, KubeState, KubeClients>({
  id: "kubernetes/kubernetes",
  provider: "kubernetes",
  platform: "kubernetes",
  summary: "Deployment and Service on any Kubernetes cluster, applied server-side",
  kinds: ["container"],
  options: z
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
  // Sizes, timeouts and instance counts are the cluster's, not the platform's.
  limits: {},
  capabilities: { nativeRollback: null, coldStart: "replicas", scalesToZero: false },
  // Service names are DNS-1035 labels: the strictest of the objects apiship creates.
  naming: {
    resource: "Kubernetes object",
    maxLength: 63,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  concurrency: 8,
  createClients: createKubeClients,
  whoami: whoamiKube,
  read,
  plan: planChanges,
  apply,
  destroy,
  status,
  logs: kubeLogs,
  // A cluster reachable through a kubeconfig has no console apiship can know of: its logs are
  // `kubectl logs -n <namespace> deploy/<name>`.
  consoleUrl: () => undefined,
});
