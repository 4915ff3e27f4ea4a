// The portable function interface (issue 19): one handler, written to its language's neutral
// contract (Node.js: a Web fetch handler; Python: an ASGI app), served on each function platform
// by that platform's runtime entry (providers/<provider>/runtime/, catalogued in
// runtime/entries.ts). This builds what a platform receives: for Node.js the entry and the
// user's module bundled into one file by esbuild (tree-shaken, deterministic, so node_modules
// never ships), for Python the user's source with the entry and its bridge beside it. The
// package is then zipped like any source (artifact.ts): its content digest covers the built
// output, so an unchanged source still plans as no change and a saved plan deploys the bytes it
// showed.

import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { functionInterface } from "../../src/manifest/runtimes.js";
import type { FunctionSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import { buildZip, listSourceFiles } from "./artifact.js";
import type { ZipArtifact } from "./artifact.js";
import { IGNORE_FILES } from "./ignore.js";
import { REPO_ROOT, esbuildOptions, runtimeEntry } from "./runtime/entries.js";
import type { RuntimeEntry, RuntimePlatform } from "./runtime/entries.js";

export type FunctionInterface = "native" | "portable";

/**
 * The function's interface: as the manifest says, which load always sets (portable for Node.js
 * and Python, native for runtimes without a neutral contract); a spec built by hand without one
 * is defaulted by the same rule (src/manifest/runtimes.ts), so plan and build agree.
 */
export function interfaceOf(fn: FunctionSpec | undefined): FunctionInterface {
  return fn ? functionInterface(fn) : "native";
}

/** The language whose neutral contract a runtime speaks; undefined: native only (Go, Java, ...). */
export function languageOf(runtime: string): "nodejs" | "python" | undefined {
  if (/^nodejs/.test(runtime)) return "nodejs";
  if (/^python/.test(runtime)) return "python";
  return undefined;
}

/** The entry that serves `fn` on `platform`, or a user error saying why there is none. */
export function portableEntry(platform: RuntimePlatform, fn: FunctionSpec, target: string): RuntimeEntry {
  const language = languageOf(fn.runtime);
  if (!language)
    throw new ProviderError(
      `${fn.runtime} has no portable interface: only Node.js (a fetch handler) and Python (an ASGI app) do`,
      {
        code: "PORTABLE_UNSUPPORTED",
        fault: "user",
        target,
        hint: "set service.function.interface: native and write the handler to the platform's own signature",
      },
    );
  try {
    return runtimeEntry(platform, language);
  } catch {
    throw new ProviderError(`${platform} has no portable ${language} entry yet`, {
      code: "PORTABLE_UNSUPPORTED",
      fault: "user",
      target,
      hint: "set service.function.interface: native for this target's platform",
    });
  }
}

export interface PortableBuild {
  entry: RuntimeEntry;
  /** The folder holding what the platform receives. */
  dir: string;
  /** Environment variables the entry needs on the platform (APISHIP_APP for Python). */
  env: Record<string, string>;
}

const NODE_EXTENSIONS = ["", ".mjs", ".js", ".cjs", ".ts", ".mts", "/index.mjs", "/index.js", "/index.ts"];

const isFile = (p: string) =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * "src/index.handler" → the module file src/index.{mjs,js,...}. The portable contract reads the
 * module's `handler` or `default` export, so the handler names the module and one of those.
 */
async function nodeModuleOf(root: string, handler: string, target: string): Promise<string> {
  const dot = handler.lastIndexOf(".");
  const mod = dot > 0 ? handler.slice(0, dot) : handler;
  const name = dot > 0 ? handler.slice(dot + 1) : "handler";
  if (name !== "handler" && name !== "default")
    throw new ProviderError(`handler ${handler}: a portable function exports \`handler\` or \`default\``, {
      code: "PORTABLE_HANDLER",
      fault: "user",
      target,
      hint: `export the fetch handler as \`handler\` (handler: ${mod}.handler), or a Hono app as default`,
    });
  for (const ext of NODE_EXTENSIONS) {
    const file = resolve(root, `${mod}${ext}`);
    if (await isFile(file)) return file;
  }
  throw new ProviderError(`handler ${handler}: no module ${mod} (.mjs, .js, .cjs, .ts) in ${root}`, {
    code: "PORTABLE_HANDLER",
    fault: "user",
    target,
    hint: "handler is <module path>.<export>, relative to function.source, e.g. src/index.handler",
  });
}

/** "main:app" or "main.app" → "main:app", the form APISHIP_APP takes. */
export function asgiTarget(handler: string): string {
  if (handler.includes(":")) return handler;
  const dot = handler.lastIndexOf(".");
  return dot > 0 ? `${handler.slice(0, dot)}:${handler.slice(dot + 1)}` : `${handler}:app`;
}

async function bundleNode(entry: RuntimeEntry, fn: FunctionSpec, root: string, dir: string, target: string) {
  const app = await nodeModuleOf(root, fn.handler, target);
  const { build } = await import("esbuild");
  try {
    await build(esbuildOptions(entry, app, join(dir, entry.output), fn.runtime));
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string } | null }[] }).errors ?? [];
    const addon = errors.find((x) => /\.node\b/.test(x.text) || /\.node$/.test(x.location?.file ?? ""));
    const first = errors[0];
    throw new ProviderError(
      addon
        ? `the function uses a native addon (${addon.text}): a portable bundle cannot carry compiled code`
        : `bundling ${fn.handler} failed: ${first ? `${first.location?.file ?? ""} ${first.text}` : String(e)}`,
      {
        code: addon ? "NATIVE_ADDON" : "BUNDLE_FAILED",
        fault: "user",
        target,
        cause: e,
        hint: addon
          ? "replace the addon with a pure-JavaScript package, or deploy a container image instead"
          : "check that the function's dependencies are installed (npm install in function.source)",
      },
    );
  }
  const pkg: Record<string, unknown> = { name: "apiship-function", private: true, main: entry.output };
  if ((entry.format ?? "esm") === "esm") pkg.type = "module";
  if (Object.keys(entry.dependencies).length > 0) pkg.dependencies = entry.dependencies;
  await writeFile(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
}

/**
 * Copies what the source's package holds into `dir`, without its ignore files: they were applied
 * by this copy, and left in they would apply again, when the folder is zipped, to what apiship
 * adds (a Python .gitignore's `lib/`, `build/` or `*.so` would drop installed packages).
 */
async function copySource(root: string, dir: string): Promise<string[]> {
  const files = await listSourceFiles(root);
  for (const f of files) {
    if (IGNORE_FILES.includes(f.path.slice(f.path.lastIndexOf("/") + 1))) continue;
    const out = join(dir, f.path);
    await mkdir(dirname(out), { recursive: true });
    await copyFile(f.abs, out);
  }
  return files.map((f) => f.path);
}

/** PEP 503's normalized name of a requirement line's project; undefined for options and comments. */
export function requirementName(line: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line.replace(/#.*/, ""));
  return m?.[1]?.toLowerCase().replace(/[-_.]+/g, "-");
}

/**
 * The package's requirements.txt lists what the entry imports (azure-functions for Azure's):
 * missing lines are appended to the copy in the package, never to the user's file.
 */
async function addRequirements(dir: string, deps: Record<string, string>): Promise<void> {
  const names = Object.keys(deps);
  if (names.length === 0) return;
  const file = join(dir, "requirements.txt");
  const text = await readFile(file, "utf8").catch(() => "");
  const have = new Set(text.split(/\r?\n/).map(requirementName));
  const missing = names.filter((n) => !have.has(requirementName(n)));
  if (missing.length === 0) return;
  const lines = missing.map((n) => `${n}${deps[n]}`);
  const sep = text === "" || text.endsWith("\n") ? "" : "\n";
  await writeFile(
    file,
    `${text}${sep}# added by apiship: the platform entry imports it\n${lines.join("\n")}\n`,
  );
}

/** Builds the package of a portable function for `platform` into a fresh `dir`. */
export async function buildPortable(
  platform: RuntimePlatform,
  fn: FunctionSpec,
  root: string,
  dir: string,
  target: string,
): Promise<PortableBuild> {
  const entry = portableEntry(platform, fn, target);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const env: Record<string, string> = {};
  if (entry.language === "nodejs") await bundleNode(entry, fn, root, dir, target);
  else {
    const files = await copySource(root, dir);
    // The platform runs this file by its name (Azure's function_app.py): a user's file of that
    // name would be replaced, and an app that is that module would import the entry instead.
    if (files.includes(entry.output))
      throw new ProviderError(`the source has ${entry.output}, the file apiship generates for ${platform}`, {
        code: "PORTABLE_HANDLER",
        fault: "user",
        target,
        hint: `rename your ${entry.output} (and handler) to another module, e.g. main.py with handler main:app`,
      });
    await copyFile(join(REPO_ROOT, entry.source), join(dir, entry.output));
    await addRequirements(dir, entry.dependencies);
    env.APISHIP_APP = asgiTarget(fn.handler);
  }
  for (const x of entry.extraFiles) await copyFile(join(REPO_ROOT, x.source), join(dir, x.output));
  return { entry, dir, env };
}

export interface PackageOptions {
  /**
   * Adds what the platform needs beside the code into the built folder before it is zipped
   * (Lambda: the Python requirements, installed). A native function then gets a built folder
   * too: a copy of its source.
   */
  addFiles?: (dir: string) => Promise<void>;
}

/**
 * A function's package, written to `final`: the zip of its source folder (native), or of its
 * portable build (the generated entry with the user's module), plus what `options.addFiles` adds.
 * Built under per-process names and renamed, so a concurrent build of the same target never
 * tears the file.
 */
export async function packageFunction(
  platform: RuntimePlatform,
  fn: FunctionSpec,
  root: string,
  final: string,
  target: string,
  options: PackageOptions = {},
): Promise<ZipArtifact> {
  const work = `${final}.${process.pid}`;
  const built = `${work}.d`;
  let packaged = root;
  try {
    if (interfaceOf(fn) === "portable")
      packaged = (await buildPortable(platform, fn, root, built, target)).dir;
    else if (options.addFiles) {
      packaged = built;
      await rm(built, { recursive: true, force: true });
      await mkdir(built, { recursive: true });
      await copySource(root, built);
    }
    if (options.addFiles) await options.addFiles(packaged);
    // A folder apiship generated had the source's ignore rules applied when it was made; the
    // repository's rules could ignore where it lies.
    const zip = await buildZip(packaged, `${work}.zip`, { ignores: packaged === root });
    await rename(zip.path, final);
    return { ...zip, path: final };
  } finally {
    await rm(built, { recursive: true, force: true });
  }
}
