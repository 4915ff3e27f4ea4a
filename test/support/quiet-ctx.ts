// The Ctx an adapter call needs in a test: the given clients, stack and target, with progress
// and log that say nothing and a signal that never aborts.
import type { Ctx } from "../../src/core/provider.js";
import type { Stack, TargetSpec } from "../../src/manifest/types.js";

export function quietCtx<C>(clients: C, stack: Stack, target: TargetSpec): Ctx<C> {
  return {
    clients,
    stack,
    target,
    progress: { step: () => {}, done: () => {} },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  };
}
