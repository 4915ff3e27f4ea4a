// service.openapi at load time (issue 23): each distinct OpenAPI document the environments name
// is checked once, by src/openapi/check.ts, which is imported only when some environment sets the
// key (the parser and ajv are not on the path of a manifest without one). Problems inside the
// document keep their own file:line:column; a document that cannot be read, or that does not
// serve an environment's health path, is reported at the manifest line that names it.

import { resolve } from "node:path";
import type { Diagnostic } from "../errors.js";
import { formatPath } from "./issues.js";
import { isPlainObject } from "./merge.js";
import type { Manifest, Stack } from "./types.js";

interface Use {
  /** Absolute path of the document. */
  file: string;
  stacks: Stack[];
}

function documentsOf(manifest: Manifest): Use[] {
  const byFile = new Map<string, Use>();
  for (const stack of manifest.stacks) {
    const rel = stack.service.openapi;
    if (rel === undefined) continue;
    const file = resolve(stack.baseDir ?? ".", rel);
    const use = byFile.get(file) ?? { file, stacks: [] };
    use.stacks.push(stack);
    byFile.set(file, use);
  }
  return [...byFile.values()];
}

/** The manifest path where `service.<keys>` is written for `env`: its override, else the base; undefined when neither sets it. */
export function writtenAt(raw: unknown, env: string, keys: readonly string[]): string | undefined {
  const has = (node: unknown) => {
    for (const k of keys) {
      if (!isPlainObject(node) || !Object.hasOwn(node, k)) return false;
      node = node[k];
    }
    return true;
  };
  const doc = isPlainObject(raw) ? raw : {};
  const envs = isPlainObject(doc.environments) ? doc.environments : {};
  const override = isPlainObject(envs[env]) ? envs[env].service : undefined;
  if (has(override)) return formatPath(["environments", env, "service", ...keys]);
  return has(doc.service) ? formatPath(["service", ...keys]) : undefined;
}

function healthWarnings(use: Use, missing: readonly string[], raw: unknown, shown: string): Diagnostic[] {
  return use.stacks
    .filter((s) => missing.includes(s.service.health.path))
    .map((s) => ({
      severity: "warning" as const,
      code: "openapi-health-path",
      message: `the health path ${s.service.health.path} is not among the paths of ${shown}`,
      path:
        writtenAt(raw, s.environment, ["health", "path"]) ?? writtenAt(raw, s.environment, ["openapi"]) ?? "",
      hint: `document it under paths: (e.g. "${s.service.health.path}": { get: { responses: { "200": { description: ok } } } }), or set service.health.path to a path the API serves`,
    }));
}

/** Every diagnostic of the OpenAPI documents the manifest's environments name (none: no import). */
export async function checkOpenApiDocuments(manifest: Manifest, raw: unknown): Promise<Diagnostic[]> {
  const uses = documentsOf(manifest);
  if (uses.length === 0) return [];
  const { checkOpenApi } = await import("../openapi/check.js");
  const out: Diagnostic[] = [];
  for (const use of uses) {
    const first = use.stacks[0];
    const written = first?.service.openapi ?? use.file;
    const healthPaths = [...new Set(use.stacks.map((s) => s.service.health.path))];
    const checked = await checkOpenApi(use.file, healthPaths);
    for (const d of checked.diagnostics) {
      // A file that cannot be read has no place in itself: it is reported where it is named.
      if (d.file === undefined && first)
        out.push({ ...d, path: writtenAt(raw, first.environment, ["openapi"]) ?? "" });
      else out.push(d);
    }
    out.push(...healthWarnings(use, checked.missingHealthPaths, raw, written));
  }
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.file ?? ""}\u0000${d.path}\u0000${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
