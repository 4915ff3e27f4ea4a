import { defineProvider } from "../../src/core/provider.js";
import { cloudFunctions } from "./cloud-functions.js";
import { cloudRun } from "./cloud-run.js";
import { gke } from "./gke.js";

export default defineProvider({
  id: "gcp",
  summary: "Google Cloud: Cloud Functions (2nd gen), Cloud Run, GKE",
  targets: [cloudFunctions, cloudRun, gke],
});
