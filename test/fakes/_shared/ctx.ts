// A Ctx around any clients, for unit tests that call one adapter method (whoami, read) against a
// fake: a one-target stack, progress and log that record nothing, and a signal of its own.

import type { Ctx } from "../../../src/core/provider.js";
import type { ServiceSpec, TargetSpec } from "../../../src/manifest/types.js";

const SERVICE: ServiceSpec = {
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  env: {},
  secrets: {},
  resources: { memory: 512 },
  scaling: { min: 1, max: 1 },
  health: { path: "/", status: 200, timeoutMs: 2000, attempts: 1, intervalMs: 100 },
  access: "public",
  timeoutMs: 30_000,
};

export function targetOf(platformId: string, options: Record<string, unknown>, name = "api"): TargetSpec {
  const [provider = "", platform = ""] = platformId.split("/");
  return { name, provider, platform, options };
}

export function ctxFor<C>(clients: C, target: TargetSpec, signal = new AbortController().signal): Ctx<C> {
  return {
    clients,
    target,
    stack: { id: "shop/dev", app: "shop", environment: "dev", service: SERVICE, targets: [target] },
    progress: { step: () => undefined, done: () => undefined },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined },
    signal,
  };
}
