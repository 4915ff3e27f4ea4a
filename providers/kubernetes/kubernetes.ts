// Any Kubernetes cluster: a Deployment and a Service (plus an Ingress when asked), applied
// server-side. A rollback re-applies the previous release's objects, so apiship's release
// history, not `rollout undo`, decides what "previous" means (DESIGN.md §7).
// Behaviour: clients.ts (cluster access), plan.ts + manifests.ts (pure), apply.ts, read.ts,
// rollout.ts. Nothing here imports the SDK: clients.ts loads it inside createClients.

import { defineTarget } from "../../src/core/provider.js";
import { kubeLogs } from "./logs.js";
import { apply, destroy } from "./apply.js";
import { createKubeClients } from "./clients.js";
import type { KubeClients } from "./clients.js";
import { planChanges } from "./plan.js";
import { read, status } from "./read.js";
import type { KubeState } from "./state.js";
import { whoamiKube } from "./whoami.js";
import { kubernetesInfo } from "./kubernetes-info.js";
import type { KubernetesOptions } from "./kubernetes-info.js";
export type { KubernetesOptions } from "./kubernetes-info.js";

export const kubernetes = defineTarget<KubernetesOptions, KubeState, KubeClients>({
  ...kubernetesInfo,
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
