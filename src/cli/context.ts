// What commands share: the registry of built-in providers plus plugins, and manifest loading.
// The CLI is the one place that knows providers/ exists (core never imports it).

import { createBuiltinRegistry } from "../../providers/index.js";
import type { Registry } from "../core/registry.js";
import { loadManifests } from "../manifest/load.js";
import type { LoadResult } from "../manifest/load.js";
import type { Diagnostic } from "../errors.js";

export function registry(): Registry {
  return createBuiltinRegistry();
}

export interface Loaded {
  registry: Registry;
  results: LoadResult[];
  warnings: Diagnostic[];
}

export async function loadAll(files: string[] | undefined, env: string | undefined): Promise<Loaded> {
  const reg = registry();
  const { results } = await loadManifests(files ?? [], {
    registry: reg,
    env,
    environ: process.env,
    cwd: process.cwd(),
  });
  return { registry: reg, results, warnings: results.flatMap((r) => r.warnings) };
}
