// The provider's platforms as descriptors; each one's behaviour is imported when a target first
// uses it (lazyTarget), so validating a manifest loads none of it.

import { defineProvider, lazyTarget } from "../../src/core/provider.js";
import { functionsInfo } from "./functions-info.js";
import { appPlatformInfo } from "./app-platform-info.js";
import { dropletInfo } from "./droplet-info.js";

export default defineProvider({
  id: "digitalocean",
  summary: "DigitalOcean: Functions, App Platform, Droplets",
  targets: [
    lazyTarget(functionsInfo, () => import("./functions.js").then((m) => m.functions)),
    lazyTarget(appPlatformInfo, () => import("./app-platform.js").then((m) => m.appPlatform)),
    lazyTarget(dropletInfo, () => import("./droplet.js").then((m) => m.droplet)),
  ],
});
