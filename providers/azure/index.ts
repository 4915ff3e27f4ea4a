// The provider's platforms as descriptors; each one's behaviour is imported when a target first
// uses it (lazyTarget), so validating a manifest loads none of it.

import { defineProvider, lazyTarget } from "../../src/core/provider.js";
import { functionsInfo } from "./functions-info.js";
import { appServiceInfo } from "./app-service-info.js";
import { aksInfo } from "./aks-info.js";

export default defineProvider({
  id: "azure",
  summary: "Microsoft Azure: Functions, App Service for containers, AKS",
  targets: [
    lazyTarget(functionsInfo, () => import("./functions.js").then((m) => m.functions)),
    lazyTarget(appServiceInfo, () => import("./app-service.js").then((m) => m.appService)),
    lazyTarget(aksInfo, () => import("./aks.js").then((m) => m.aks)),
  ],
});
