// The provider's platforms as descriptors; each one's behaviour is imported when a target first
// uses it (lazyTarget), so validating a manifest loads none of it.

import { defineProvider, lazyTarget } from "../../src/core/provider.js";
import { kubernetesInfo } from "./kubernetes-info.js";

export default defineProvider({
  id: "kubernetes",
  summary: "Kubernetes: any cluster reachable through a kubeconfig",
  targets: [lazyTarget(kubernetesInfo, () => import("./kubernetes.js").then((m) => m.kubernetes))],
  defaultPlatform: "kubernetes",
});
