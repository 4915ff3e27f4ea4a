// The provider's platforms as descriptors; each one's behaviour is imported when a target first
// uses it (lazyTarget), so validating a manifest loads none of it.

import { defineProvider, lazyTarget } from "../../src/core/provider.js";
import { cloudFunctionsInfo } from "./cloud-functions-info.js";
import { cloudRunInfo } from "./cloud-run-info.js";
import { gkeInfo } from "./gke-info.js";

export default defineProvider({
  id: "gcp",
  summary: "Google Cloud: Cloud Functions (2nd gen), Cloud Run, GKE",
  targets: [
    lazyTarget(cloudFunctionsInfo, () => import("./cloud-functions.js").then((m) => m.cloudFunctions)),
    lazyTarget(cloudRunInfo, () => import("./cloud-run.js").then((m) => m.cloudRun)),
    lazyTarget(gkeInfo, () => import("./gke.js").then((m) => m.gke)),
  ],
});
