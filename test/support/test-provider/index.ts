// The test provider, loaded like any third-party plugin (APISHIP_PLUGINS or a manifest's
// `plugins:`): a module whose default export is defineProvider({...}). Imports are relative
// so the same file runs as TypeScript under vitest and compiled under dist/ for the built CLI.

import { defineProvider } from "../../../src/core/provider.js";
import { service } from "./service.js";

export default defineProvider({
  id: "test",
  summary: "Test double whose cloud is a JSON file (APISHIP_TEST_CLOUD); for apiship's own tests",
  targets: [service],
  defaultPlatform: "service",
});
