// The built-in providers: the registry's input (DESIGN.md §1). Each entry is a loader, so a
// provider module is imported only when a stack, `schema` or `providers` asks for it.

import { Registry } from "../src/core/registry.js";
import type { ProviderLoader } from "../src/core/registry.js";

export const builtinProviders: Record<string, ProviderLoader> = {
  aws: () => import("./aws/index.js").then((m) => m.default),
  azure: () => import("./azure/index.js").then((m) => m.default),
  digitalocean: () => import("./digitalocean/index.js").then((m) => m.default),
  firebase: () => import("./firebase/index.js").then((m) => m.default),
  gcp: () => import("./gcp/index.js").then((m) => m.default),
  heroku: () => import("./heroku/index.js").then((m) => m.default),
  kubernetes: () => import("./kubernetes/index.js").then((m) => m.default),
  local: () => import("./local/index.js").then((m) => m.default),
};

export function createBuiltinRegistry(): Registry {
  return new Registry(builtinProviders);
}
