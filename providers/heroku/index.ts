// The provider's platforms as descriptors; each one's behaviour is imported when a target first
// uses it (lazyTarget), so validating a manifest loads none of it.

import { defineProvider, lazyTarget } from "../../src/core/provider.js";
import { herokuInfo } from "./heroku-info.js";

export default defineProvider({
  id: "heroku",
  summary: "Heroku: apps on the container stack, with release rollback",
  targets: [lazyTarget(herokuInfo, () => import("./heroku.js").then((m) => m.heroku))],
  defaultPlatform: "heroku",
});
