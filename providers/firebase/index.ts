// The provider's platforms as descriptors; each one's behaviour is imported when a target first
// uses it (lazyTarget), so validating a manifest loads none of it.

import { defineProvider, lazyTarget } from "../../src/core/provider.js";
import { functionsInfo } from "./functions-info.js";

export default defineProvider({
  id: "firebase",
  summary: "Firebase: Cloud Functions for Firebase, with an optional Hosting rewrite",
  targets: [lazyTarget(functionsInfo, () => import("./functions.js").then((m) => m.functions))],
});
