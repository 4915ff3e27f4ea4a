// `apiship catalog` and `deploy --catalog`: every stack's recorded endpoints, read from its state
// store, written out with its OpenAPI document (write.ts). Reads the state only; no cloud call.

import { dirname } from "node:path";
import { UsageError } from "../errors.js";
import type { Manifest } from "../manifest/types.js";
import { loadBundled } from "../openapi/document.js";
import type { StateStore } from "../state/store.js";
import type { CatalogManifest, CatalogStack } from "./write.js";
import { writeCatalog } from "./write.js";

export interface CatalogResult {
  /** The folder written to (absolute). */
  out: string;
  manifests: CatalogManifest[];
}

/** Writes the catalogue of every stack the manifests hold (all environments, or the one loaded). */
export async function catalogManifests(
  manifests: readonly Manifest[],
  stores: { forDir(manifestDir: string): Promise<StateStore> },
  out: string,
): Promise<CatalogResult> {
  if (!manifests.some((m) => m.stacks.some((s) => s.service.openapi !== undefined))) {
    throw new UsageError("nothing to catalogue: no environment sets service.openapi", {
      hint: "add service.openapi: ./openapi.yaml (OpenAPI 3.0 or 3.1) to the manifest",
    });
  }
  const written: CatalogManifest[] = [];
  for (const m of manifests) {
    const store = await stores.forDir(dirname(m.file));
    const stacks: CatalogStack[] = [];
    for (const stack of m.stacks) {
      const state = await store.read(stack.id);
      stacks.push({ stack, records: Object.values(state?.targets ?? {}) });
    }
    written.push(await writeCatalog(m.name, stacks, out, loadBundled));
  }
  return { out, manifests: written };
}
