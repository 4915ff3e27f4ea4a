// The provider's platforms as descriptors; each one's behaviour is imported when a target first
// uses it (lazyTarget), so validating a manifest loads none of it.

import { defineProvider, lazyTarget } from "../../src/core/provider.js";
import { localProcessInfo } from "./process-info.js";
import { localContainerInfo } from "./container-info.js";

export default defineProvider({
  id: "local",
  summary: "This machine: a function as a process, or a container through docker/podman (development)",
  targets: [
    lazyTarget(localProcessInfo, () => import("./process.js").then((m) => m.localProcess)),
    lazyTarget(localContainerInfo, () => import("./container.js").then((m) => m.localContainer)),
  ],
  defaultPlatform: "process",
});
