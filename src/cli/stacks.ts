// Turning loaded manifests into the stacks a command works on, each with its state store.
// Several manifests that name the same store share one connection.

import { hash } from "node:crypto";
import { dirname } from "node:path";
import { displayPath } from "../manifest/format.js";
import type { LoadResult } from "../manifest/load.js";
import type { Manifest, Stack } from "../manifest/types.js";
import { openStateStore, resolveStateLocation } from "../state/open.js";
import type { StateStore } from "../state/store.js";

export interface StackJob {
  manifest: Manifest;
  stack: Stack;
  store: StateStore;
  /** Manifest path relative to the working directory and the SHA-256 of its bytes. */
  manifestRef: { path: string; sha256: string };
}

/** The stacks of the environment asked for, or of each manifest's default environment. */
export function selectStacks(
  manifests: Manifest[],
  env: string | undefined,
): { manifest: Manifest; stack: Stack }[] {
  return manifests.flatMap((manifest) =>
    manifest.stacks
      .filter((s) => s.environment === (env ?? manifest.defaultEnvironment))
      .map((stack) => ({ manifest, stack })),
  );
}

export class Stores {
  private readonly open = new Map<string, Promise<StateStore>>();

  constructor(private readonly url: string | undefined) {}

  /** The store for a manifest: --state / APISHIP_STATE, else the SQLite file beside it. */
  forDir(manifestDir: string): Promise<StateStore> {
    const opts = { manifestDir, env: process.env };
    const key = JSON.stringify(resolveStateLocation(this.url, opts));
    let store = this.open.get(key);
    if (!store) {
      store = openStateStore(this.url, opts);
      this.open.set(key, store);
    }
    return store;
  }

  async closeAll(): Promise<void> {
    const stores = await Promise.allSettled([...this.open.values()]);
    await Promise.all(stores.map((s) => (s.status === "fulfilled" ? s.value.close() : undefined)));
    this.open.clear();
  }
}

/**
 * Creates the state rows, and so the secret keys, of the stacks with secrets that have none, in
 * one transaction per store. Planning would otherwise create each on its own (planner.ts,
 * secretKey), one write transaction per stack.
 */
export async function ensureSecretKeys(jobs: readonly StackJob[]): Promise<void> {
  const byStore = new Map<StateStore, string[]>();
  for (const { stack, store } of jobs) {
    if (Object.keys(stack.service.secrets).length === 0) continue;
    const ids = byStore.get(store) ?? [];
    ids.push(stack.id);
    byStore.set(store, ids);
  }
  await Promise.all([...byStore].map(([store, ids]) => store.ensureAll(ids)));
}

export async function stackJobs(
  loaded: readonly LoadResult[],
  env: string | undefined,
  stores: Stores,
): Promise<StackJob[]> {
  const jobs: StackJob[] = [];
  for (const { manifest, bytes } of loaded) {
    const sha256 = hash("sha256", bytes, "hex");
    for (const { stack } of selectStacks([manifest], env)) {
      jobs.push({
        manifest,
        stack,
        store: await stores.forDir(dirname(manifest.file)),
        manifestRef: { path: displayPath(manifest.file), sha256 },
      });
    }
  }
  return jobs;
}
