// Loading a manifest: read → parse (with positions) → plugins → interpolate → validate → give
// every diagnostic its file:line:column. All problems of a file are reported at once, and with
// several files (a monorepo of services) all problems of all files.

import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { InternalError, ManifestError, UsageError } from "../errors.js";
import type { Diagnostic } from "../errors.js";
import { pluginsFromEnv } from "../core/registry.js";
import type { Registry } from "../core/registry.js";
import type { Manifest } from "./types.js";
import { plural, problemsError } from "./format.js";
import { asksPositions, interpolate } from "./interpolate.js";
import { checkOpenApiDocuments } from "./openapi.js";
import type { Substitution } from "./interpolate.js";
import type { PositionIndex } from "./positions.js";
import { validateDocument } from "./validate.js";
import type { ValidateOptions, ValidateResult } from "./validate.js";
import { parseManifest } from "./parse.js";
import { readManifestFile } from "./read.js";

export type Validator = (doc: unknown, opts: ValidateOptions) => Promise<ValidateResult>;

export interface LoadOptions {
  registry: Registry;
  /** Load only this environment's stack; default: all of them. */
  env?: string;
  /** Variables for `${env:...}` and APISHIP_PLUGINS; default process.env. */
  environ?: Record<string, string | undefined>;
  /** The document validator; tests inject one. Default: validateDocument. */
  validate?: Validator;
  /**
   * Check the OpenAPI documents named by service.openapi (validate, plan, deploy, catalog). Off
   * for commands that only read the state, which a broken document must not stop.
   */
  openapi?: boolean;
}

export interface LoadResult {
  manifest: Manifest;
  warnings: Diagnostic[];
  /** The manifest's bytes as loaded and validated (plans record their SHA-256). */
  bytes: Uint8Array;
}

export const DEFAULT_MANIFEST_NAMES = ["apiship.yaml", "apiship.yml"] as const;

/** Loads and validates one manifest; throws ManifestError with every problem, positioned. */
export async function loadManifest(file: string, opts: LoadOptions): Promise<LoadResult> {
  const environ = opts.environ ?? process.env;
  const source = await readManifestFile(file);
  const parsed = await parseManifest(source.text, file);
  await loadPlugins(parsed.value, file, opts.registry, environ, parsed.positions);
  if (asksPositions(parsed.value)) await parsed.positions.ready();
  const interp = interpolate(parsed.value, { environ, positions: parsed.positions });
  const validate = opts.validate ?? validateDocument;
  const checked = await validate(interp.value, { file, env: opts.env, registry: opts.registry });
  // A value left uninterpolated would only fail validation again at the same place.
  const broken = new Set(interp.diagnostics.map((d) => d.path));
  const diagnostics = await placeAll(
    [
      ...parsed.warnings,
      ...interp.diagnostics,
      ...checked.diagnostics.filter((d) => !broken.has(d.path)),
    ].map((d) => redact(d, interp.substituted)),
    file,
    parsed.positions,
  );
  sortByPosition(diagnostics);
  // Only a valid manifest says which documents each environment uses; their problems follow
  // the manifest's own, each in its file.
  if (opts.openapi && checked.manifest && !diagnostics.some((d) => d.severity === "error")) {
    const found = await checkOpenApiDocuments(checked.manifest, interp.value);
    diagnostics.push(...(await placeAll(found, file, parsed.positions)));
  }
  if (diagnostics.some((d) => d.severity === "error")) throw problemsError(file, diagnostics);
  if (!checked.manifest) {
    throw new InternalError(`validation of ${file} returned neither a manifest nor an error`, {
      hint: "this is a bug in apiship; please report it with the manifest",
    });
  }
  return { manifest: checked.manifest, warnings: diagnostics, bytes: source.bytes };
}

/** Expands files and globs (relative to `cwd`) into sorted, de-duplicated absolute paths. */
export async function resolveManifestFiles(patterns: readonly string[], cwd: string): Promise<string[]> {
  if (patterns.length === 0) {
    const found = await findDefault(cwd);
    if (found) return [found];
    throw new UsageError(`no ${DEFAULT_MANIFEST_NAMES.join(" or ")} in ${cwd}`, {
      hint: "create apiship.yaml here, or pass manifests with -f FILE (globs work: -f 'services/*/apiship.yaml')",
    });
  }
  const files = new Set<string>();
  for (const pattern of patterns) {
    for (const f of await expand(pattern, cwd)) files.add(f);
  }
  return [...files].sort();
}

/** Characters that make a pattern a glob (tinyglobby's own test is in the module we load lazily). */
const GLOB_CHARS = /[*?[\]{}()!]/;

// The folder every match of `pattern` lies under (its leading segments without a glob
// character) and the rest of the pattern, relative to it. tinyglobby walks from the common root
// of its cwd and the pattern, so an absolute pattern given from another folder was a walk from
// the filesystem's root: ~20 ms of a one-manifest plan.
export function globBase(pattern: string, cwd: string): { cwd: string; pattern: string } {
  const parts = pattern.split("/");
  let i = 0;
  while (i < parts.length - 1 && !GLOB_CHARS.test(parts[i] ?? "")) i++;
  const base = parts.slice(0, i).join("/") || (pattern.startsWith("/") ? "/" : ".");
  return { cwd: resolve(cwd, base), pattern: parts.slice(i).join("/") };
}

async function expand(pattern: string, cwd: string): Promise<string[]> {
  // The glob library costs ~13 ms to load: only a pattern that needs it pays for it.
  const { glob, isDynamicPattern } = GLOB_CHARS.test(pattern)
    ? await import("tinyglobby")
    : { glob: undefined, isDynamicPattern: () => false };
  if (glob && isDynamicPattern(pattern)) {
    // node_modules holds other projects' manifests; a pattern naming it explicitly still reaches it.
    const ignore = pattern.includes("node_modules") ? [] : ["**/node_modules/**"];
    const from = globBase(pattern, cwd);
    const found = await glob([from.pattern], {
      cwd: from.cwd,
      absolute: true,
      onlyFiles: true,
      ignore,
      expandDirectories: false,
    });
    if (found.length > 0) return found.map((f) => resolve(f));
    throw new UsageError(`no file matches ${pattern}`, {
      hint: `patterns are relative to ${cwd}; quote them so the shell does not expand them: -f 'services/*/apiship.yaml'`,
    });
  }
  const path = resolve(cwd, pattern);
  const info = await stat(path).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  });
  if (info?.isDirectory()) {
    const found = await findDefault(path);
    if (found) return [found];
    throw new UsageError(`no ${DEFAULT_MANIFEST_NAMES.join(" or ")} in ${pattern}`, {
      hint: "pass the manifest file itself, e.g. -f services/api/apiship.yaml",
    });
  }
  if (!info) {
    throw new UsageError(`manifest not found: ${pattern}`, {
      hint: `check the path (relative paths start from ${cwd}); globs work too: -f 'services/*/apiship.yaml'`,
    });
  }
  return [path];
}

async function findDefault(dir: string): Promise<string | undefined> {
  for (const name of DEFAULT_MANIFEST_NAMES) {
    const path = resolve(dir, name);
    const info = await stat(path).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    });
    if (info?.isFile()) return path;
  }
  return undefined;
}

/** Loads every manifest the patterns name; problems of all files come back in one ManifestError. */
export async function loadManifests(
  patterns: readonly string[],
  opts: LoadOptions & { cwd: string },
): Promise<{ results: LoadResult[] }> {
  const files = await resolveManifestFiles(patterns, opts.cwd);
  const results: LoadResult[] = [];
  const failures: ManifestError[] = [];
  // One after another, as a manifest's plugins register on the shared registry.
  for (const file of files) {
    try {
      results.push(await loadManifest(file, opts));
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      failures.push(e);
    }
  }
  if (failures.length === 0) return { results };
  if (files.length === 1 && failures[0]) throw failures[0];
  const diagnostics = [...failures.flatMap((f) => f.diagnostics), ...results.flatMap((r) => r.warnings)];
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const message = `${failures.length} of ${plural(files.length, "manifest")} have problems (${plural(errors, "problem")})`;
  throw new ManifestError(message, diagnostics, { hint: "fix the problems listed above, file by file" });
}

async function loadPlugins(
  doc: Record<string, unknown>,
  file: string,
  registry: Registry,
  environ: Record<string, string | undefined>,
  positions: PositionIndex,
): Promise<void> {
  const fromEnv = pluginsFromEnv(environ);
  const declared = Array.isArray(doc.plugins) ? doc.plugins : [];
  const jobs: { spec: string; baseDir: string; path: string; viaEnv: boolean }[] = [
    ...fromEnv.map((spec) => ({ spec, baseDir: process.cwd(), path: "", viaEnv: true })),
    // Anything but a string is left for validation to report.
    ...declared.flatMap((spec, i) =>
      typeof spec === "string"
        ? [{ spec, baseDir: dirname(resolve(file)), path: `plugins[${i}]`, viaEnv: false }]
        : [],
    ),
  ];
  const diagnostics: Diagnostic[] = [];
  for (const job of jobs) {
    try {
      await registry.addPlugins([job.spec], job.baseDir);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      // A plugin named in the environment has no place in the file to point at.
      if (job.viaEnv) {
        for (const d of e.diagnostics)
          diagnostics.push({ ...d, message: `${d.message} (named in APISHIP_PLUGINS)`, path: "", file });
      } else {
        const at = e.diagnostics.map((d) => ({ ...d, path: job.path }));
        diagnostics.push(...(await placeAll(at, file, positions)));
      }
    }
  }
  if (diagnostics.length > 0) throw problemsError(file, diagnostics);
}

/**
 * place() for each diagnostic. The position index is made ready (the `yaml` library imported,
 * parse.ts) only when there is one to place: a clean manifest never builds it.
 */
async function placeAll(ds: Diagnostic[], file: string, positions: PositionIndex): Promise<Diagnostic[]> {
  if (ds.length === 0) return [];
  await positions.ready();
  return ds.map((d) => place(d, file, positions));
}

/** Gives a diagnostic its file and the line/column of its path (or of the nearest parent that exists). */
function place(d: Diagnostic, file: string, positions: PositionIndex): Diagnostic {
  const out: Diagnostic = { ...d, file: d.file ?? file };
  if (out.line !== undefined) return out;
  const hit = positions.nearest(d.path);
  if (!hit) return out;
  const { entry } = hit;
  // A mapping or list reads best from its key; a missing or unknown key is reported at a key.
  const atKey =
    entry.key && (hit.path !== d.path || entry.kind === "map" || entry.kind === "seq" || /key/.test(d.code));
  const pos = atKey && entry.key ? entry.key : entry.value;
  return { ...out, line: pos.line, column: pos.column };
}

/** Keeps values that came from the environment out of messages about the place they went to. */
function redact(d: Diagnostic, substituted: readonly Substitution[]): Diagnostic {
  let { message, hint } = d;
  for (const s of substituted) {
    const here = d.path === s.path || d.path.startsWith(`${s.path}.`) || d.path.startsWith(`${s.path}[`);
    if (!here || s.value.length === 0) continue;
    message = message.split(s.value).join("***");
    if (hint !== undefined) hint = hint.split(s.value).join("***");
  }
  return hint === undefined ? { ...d, message } : { ...d, message, hint };
}

function sortByPosition(ds: Diagnostic[]): void {
  ds.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
