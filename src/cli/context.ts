// What commands share: the registry of built-in providers plus plugins, and manifest loading.
// The CLI is the one place that knows providers/ exists (core never imports it).

import { createBuiltinRegistry } from "../../providers/index.js";
import { pluginsFromEnv } from "../core/registry.js";
import type { Registry } from "../core/registry.js";
import { loadManifests } from "../manifest/load.js";
import type { LoadResult } from "../manifest/load.js";
import { ManifestError } from "../errors.js";
import type { Diagnostic } from "../errors.js";

export function registry(): Registry {
  return createBuiltinRegistry();
}

/**
 * The registry with the plugins of APISHIP_PLUGINS loaded, for commands that list every
 * platform without a manifest (providers, schema); loadAll loads them per manifest instead.
 */
export async function registryWithPlugins(): Promise<Registry> {
  const reg = createBuiltinRegistry();
  try {
    await reg.addPlugins(pluginsFromEnv(process.env), process.cwd());
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    // No manifest to point at: say where the plugin was named instead, as loadAll does.
    const diagnostics = e.diagnostics.map((d) => ({
      ...d,
      path: "",
      message: `${d.message} (named in APISHIP_PLUGINS)`,
    }));
    throw new ManifestError(e.message, diagnostics, {
      cause: e,
      hint: "fix or remove the entry in APISHIP_PLUGINS",
    });
  }
  return reg;
}

export interface Loaded {
  registry: Registry;
  results: LoadResult[];
  warnings: Diagnostic[];
}

/**
 * `openapi`: also check the OpenAPI documents of service.openapi (validate, plan, deploy,
 * catalog); commands that read the recorded state leave it off.
 */
export async function loadAll(
  files: string[] | undefined,
  env: string | undefined,
  opts: { openapi?: boolean } = {},
): Promise<Loaded> {
  const reg = registry();
  const { results } = await loadManifests(files ?? [], {
    registry: reg,
    env,
    environ: process.env,
    cwd: process.cwd(),
    openapi: opts.openapi === true,
  });
  return { registry: reg, results, warnings: results.flatMap((r) => r.warnings) };
}
