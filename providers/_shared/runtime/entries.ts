// The catalogue of per-platform runtime entries: which source file, what it becomes in the
// artifact, what the platform must be told (handler / entry point), what stays out of a Node
// bundle, which files go beside it and which environment variables it reads. The build step and
// the conformance suite (test/conformance) both bundle through esbuildOptions, so the suite tests
// exactly what a build ships.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";

/**
 * The package's root, where the entries' sources ship (package.json `files`): found by walking up
 * to apiship's package.json, because this file runs from providers/_shared/runtime in the
 * repository and tests, and from a chunk of dist/ in the built CLI.
 */
export const REPO_ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown };
      if (pkg.name === "apiship") return dir;
    } catch {
      // No package.json here: keep walking up.
    }
    if (path.dirname(dir) === dir) return path.resolve(from, "../../..");
  }
}

export type RuntimePlatform =
  | "aws/lambda"
  | "gcp/cloud-functions"
  | "firebase/functions"
  | "azure/functions"
  | "digitalocean/functions"
  | "heroku/web";

export interface ExtraFile {
  /** Repository-relative source. */
  source: string;
  /** Path inside the artifact. */
  output: string;
}

export interface RuntimeEntry {
  platform: RuntimePlatform;
  language: "nodejs" | "python";
  /** Repository-relative source of the entry. */
  source: string;
  /** File name of the entry in the artifact (the bundle, or the copied Python file). */
  output: string;
  /** Node bundles: esbuild output format. */
  format?: "esm" | "cjs";
  /** What the platform is told to run: handler, entry point, function name or Procfile line. */
  invoke: string;
  /** Node packages left out of the bundle: the platform installs them from package.json. */
  external: string[];
  /**
   * Dependencies the artifact's package.json must list for the externals (Node.js), or its
   * requirements.txt for what the entry imports (Python: name → version specifier).
   */
  dependencies: Record<string, string>;
  /** Files shipped beside the entry. */
  extraFiles: ExtraFile[];
  /** Environment variables the entry reads (name → meaning). */
  env: Record<string, string>;
  /** Build-time settings the platform needs (e.g. Cloud Functions' GOOGLE_FUNCTION_SOURCE). */
  buildEnv: Record<string, string>;
}

const NODE_ENV = { APISHIP_BASE_PATH: "path prefix the platform puts in front of the app's paths; stripped" };
const PY_ENV = {
  APISHIP_APP: 'the ASGI/WSGI app as "module:attribute" (default "main:app")',
  APISHIP_BASE_PATH: NODE_ENV.APISHIP_BASE_PATH,
};
const PY_SHARED: ExtraFile = {
  source: "providers/_shared/runtime/apiship_asgi.py",
  output: "apiship_asgi.py",
};

// host.json with routePrefix "", so Azure's paths are not under /api.
const AZURE_HOST_JSON: ExtraFile = { source: "providers/azure/runtime/host.json", output: "host.json" };
const AZURE_AUTH_LEVEL = 'HTTP auth level: "anonymous" (default), "function" or "admin"';

export const RUNTIME_ENTRIES: readonly RuntimeEntry[] = [
  {
    platform: "aws/lambda",
    language: "nodejs",
    source: "providers/aws/runtime/lambda.mjs",
    output: "apiship-lambda.mjs",
    format: "esm",
    invoke: "apiship-lambda.handler",
    external: [],
    dependencies: {},
    extraFiles: [],
    env: NODE_ENV,
    buildEnv: {},
  },
  {
    platform: "gcp/cloud-functions",
    language: "nodejs",
    source: "providers/gcp/runtime/cloud-functions.mjs",
    output: "apiship-cloud-functions.mjs",
    format: "esm",
    invoke: "apiship",
    external: [],
    dependencies: {},
    extraFiles: [],
    env: NODE_ENV,
    buildEnv: {},
  },
  {
    platform: "firebase/functions",
    language: "nodejs",
    source: "providers/firebase/runtime/functions.mjs",
    output: "apiship-firebase.mjs",
    format: "esm",
    invoke: "apiship",
    external: ["firebase-functions", "firebase-admin"],
    dependencies: { "firebase-functions": "^7.4.0", "firebase-admin": "^13.9.0" },
    extraFiles: [],
    env: NODE_ENV,
    buildEnv: {},
  },
  {
    platform: "azure/functions",
    language: "nodejs",
    source: "providers/azure/runtime/functions.mjs",
    output: "apiship-azure.mjs",
    format: "esm",
    invoke: "apiship",
    // Provided by the Azure Functions Node.js worker at run time, never installed.
    external: ["@azure/functions-core"],
    dependencies: {},
    extraFiles: [AZURE_HOST_JSON],
    env: { ...NODE_ENV, APISHIP_AUTH_LEVEL: AZURE_AUTH_LEVEL },
    buildEnv: {},
  },
  {
    platform: "digitalocean/functions",
    language: "nodejs",
    source: "providers/digitalocean/runtime/functions.mjs",
    output: "index.js",
    format: "cjs",
    invoke: "main",
    external: [],
    dependencies: {},
    extraFiles: [],
    env: NODE_ENV,
    buildEnv: {},
  },
  {
    platform: "heroku/web",
    language: "nodejs",
    source: "providers/heroku/runtime/server.mjs",
    output: "apiship-server.mjs",
    format: "esm",
    invoke: "web: node apiship-server.mjs",
    external: [],
    dependencies: {},
    extraFiles: [],
    env: { ...NODE_ENV, PORT: "port to listen on (set by the platform)", HOST: "interface (default: all)" },
    buildEnv: {},
  },
  {
    platform: "aws/lambda",
    language: "python",
    source: "providers/aws/runtime/lambda.py",
    output: "apiship_lambda.py",
    invoke: "apiship_lambda.handler",
    external: [],
    dependencies: {},
    extraFiles: [PY_SHARED],
    env: PY_ENV,
    buildEnv: {},
  },
  {
    platform: "gcp/cloud-functions",
    language: "python",
    source: "providers/gcp/runtime/cloud_functions.py",
    output: "apiship_cloud_functions.py",
    invoke: "apiship",
    external: [],
    dependencies: {},
    extraFiles: [PY_SHARED],
    env: PY_ENV,
    buildEnv: { GOOGLE_FUNCTION_SOURCE: "apiship_cloud_functions.py" },
  },
  {
    platform: "azure/functions",
    language: "python",
    source: "providers/azure/runtime/function_app.py",
    // The Python v2 model's worker indexes this file by its name (PYTHON_SCRIPT_FILE_NAME's default).
    output: "function_app.py",
    invoke: "apiship",
    external: [],
    // Installed by Azure's build from the package's requirements.txt, as Microsoft's template
    // lists it (unpinned: the worker supplies a compatible one too).
    dependencies: { "azure-functions": "" },
    extraFiles: [PY_SHARED, AZURE_HOST_JSON],
    env: { ...PY_ENV, APISHIP_AUTH_LEVEL: AZURE_AUTH_LEVEL },
    buildEnv: {},
  },
  {
    platform: "heroku/web",
    language: "python",
    source: "providers/heroku/runtime/server.py",
    output: "apiship_server.py",
    invoke: "web: python apiship_server.py",
    external: [],
    dependencies: {},
    extraFiles: [PY_SHARED],
    env: { ...PY_ENV, PORT: "port to listen on (set by the platform)", HOST: "interface (default: all)" },
    buildEnv: {},
  },
];

export function runtimeEntry(platform: RuntimePlatform, language: "nodejs" | "python"): RuntimeEntry {
  const entry = RUNTIME_ENTRIES.find((e) => e.platform === platform && e.language === language);
  if (!entry) throw new Error(`no ${language} runtime entry for ${platform}`);
  return entry;
}

/** Node major version → esbuild target. */
export function nodeTarget(runtime: string): string {
  const major = /(\d+)/.exec(runtime)?.[1] ?? "20";
  return `node${major}`;
}

// An ESM bundle of CommonJS code that calls require() (of builtins, or of the Azure worker's
// @azure/functions-core) needs a real require: esbuild's shim throws in ESM otherwise.
const ESM_REQUIRE_BANNER =
  'import { createRequire as __apishipCreateRequire } from "node:module";\n' +
  "const require = __apishipCreateRequire(import.meta.url);";

/**
 * esbuild options that turn a Node.js entry plus the user's module into one deterministic file.
 * `appEntry` is the user's module (absolute path), bound to the entry's `apiship:app` import.
 */
export function esbuildOptions(
  entry: RuntimeEntry,
  appEntry: string,
  outfile: string,
  runtime = "nodejs20",
): BuildOptions {
  if (entry.language !== "nodejs") throw new Error(`${entry.source} is not a Node.js entry`);
  const format = entry.format ?? "esm";
  return {
    entryPoints: [path.join(REPO_ROOT, entry.source)],
    outfile,
    bundle: true,
    platform: "node",
    target: nodeTarget(runtime),
    format,
    alias: { "apiship:app": appEntry },
    external: entry.external,
    banner: format === "esm" ? { js: ESM_REQUIRE_BANNER } : {},
    treeShaking: true,
    minify: false,
    sourcemap: false,
    legalComments: "eof",
    logLevel: "silent",
    // The entries' own import of a package the user also bundles must resolve from the user's
    // node_modules first, then apiship's.
    nodePaths: [path.join(REPO_ROOT, "node_modules")],
  };
}
