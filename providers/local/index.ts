import { defineProvider } from "../../src/core/provider.js";
import { localContainer } from "./container.js";
import { localProcess } from "./process.js";

export default defineProvider({
  id: "local",
  summary: "This machine: a function as a process, or a container through docker/podman (development)",
  targets: [localProcess, localContainer],
  defaultPlatform: "process",
});
