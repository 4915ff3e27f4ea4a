import { defineProvider } from "../../src/core/provider.js";
import { kubernetes } from "./kubernetes.js";

export default defineProvider({
  id: "kubernetes",
  summary: "Kubernetes: any cluster reachable through a kubeconfig",
  targets: [kubernetes],
  defaultPlatform: "kubernetes",
});
