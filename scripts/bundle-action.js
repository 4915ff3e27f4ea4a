// Bundles the GitHub Action into action/dist (committed; action.yml runs action/dist/index.js),
// so a job starts the action without `npm ci`: the action's script, the CLI and every
// dependency, cloud SDKs included, as ES modules split into chunks that load on first use, so
// `validate` still loads no SDK and a Lambda deploy loads no Azure code. What cannot be bundled:
// - better-sqlite3 and esbuild hold native code per platform and Node ABI: their imports become
//   a stub that installs the lockfile's version on first use (src/ci/on-demand.ts);
// - oclif reads package.json and oclif.manifest.json from its root, written here one folder
//   above bin/run.js;
// - the price tables and the portable-function entries are read or copied at run time, from the
//   package root that holds package.json: copied here.
//
// node scripts/bundle-action.js [outdir]   (default action/dist; the freshness test builds into
// a temp folder and compares). Run `npm run build:action` after changing src/, providers/ or the
// lockfile, and commit action/dist.
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { writeOclifManifest } from "./oclif-manifest.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const read = (p) => JSON.parse(readFileSync(join(ROOT, p), "utf8"));

/** The exact versions the lockfile installs: what the on-demand stubs fetch. */
function lockedVersion(name) {
  const v = read("package-lock.json").packages?.[`node_modules/${name}`]?.version;
  if (!v) throw new Error(`package-lock.json has no node_modules/${name}`);
  return v;
}

/** Packages with native code, loaded by src/ci/on-demand.ts instead of bundled. */
const ON_DEMAND = ["better-sqlite3", "esbuild"];

/**
 * Each on-demand package's import becomes a stub that installs and loads it, with the named
 * exports Node gives the installed package (asked of this checkout's copy, at its locked version).
 */
const onDemandPlugin = {
  name: "on-demand",
  setup(b) {
    const filter = new RegExp(`^(${ON_DEMAND.join("|")})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "on-demand" }));
    b.onLoad({ filter: /.*/, namespace: "on-demand" }, (args) => {
      const loader = join(ROOT, "src/ci/on-demand.ts").replace(/\\/g, "/");
      const installed = createRequire(join(ROOT, "package.json")).resolve(args.path);
      const names = namedExports(installed).filter((n) => n !== "default" && /^[A-Za-z_$][\w$]*$/.test(n));
      return {
        resolveDir: ROOT,
        loader: "js",
        contents: [
          `import { loadOnDemand } from ${JSON.stringify(loader)};`,
          `const m = loadOnDemand(${JSON.stringify(args.path)}, ${JSON.stringify(lockedVersion(args.path))});`,
          "export default m;",
          ...names.map((n) => `export const ${n} = m.${n};`),
        ].join("\n"),
      };
    });
  },
};

/**
 * The Google clients' index modules export `protos`, their generated message classes (2.6 MB
 * minified for Kubernetes Engine alone). apiship takes only types from it; the clients encode
 * and decode through protos.json, which they require themselves. The export becomes empty.
 */
const googleProtosPlugin = {
  name: "google-protos",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/protos\/protos$/ }, (args) =>
      /[\\/]@google-cloud[\\/][^\\/]+[\\/]build[\\/]src$/.test(args.resolveDir)
        ? { path: args.path, namespace: "google-protos" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "google-protos" }, () => ({
      contents: "module.exports = {};",
      loader: "js",
    }));
  },
};

/**
 * Whether esbuild bundles a file as CommonJS: Node's rules (extension, then the nearest
 * package.json's "type"), except that a plain .js file written with import/export (a package's
 * "module" build, which esbuild prefers where the package offers one) is an ES module.
 */
function isCommonJs(file) {
  if (file.endsWith(".cjs")) return true;
  if (file.endsWith(".mjs")) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    let type;
    try {
      type = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).type;
    } catch {
      continue;
    }
    if (type === "module") return false;
    break;
  }
  return !/^\s*(?:import\s*[{*"']|import\s+\w|export\s*[{*]|export\s+\w)/m.test(readFileSync(file, "utf8"));
}

/**
 * `await import("pkg")` of a CommonJS package, as Node answers it: `default` is module.exports and
 * the names Node's own CommonJS lexer finds are named exports. esbuild, when it splits the
 * package into its own chunk, exports `default` alone, so `const { ServicesClient } = await
 * import("@google-cloud/run")` would get undefined. Each such import goes through a small ES
 * module that re-exports the names Node reports for the package, asked of Node at build time.
 */
/**
 * The named exports Node gives `import()` of a CommonJS file, asked of a plain `node` process:
 * in-process, a test runner's own module loader would answer (vitest adds and drops names), and
 * the bundle must not depend on who builds it.
 */
function namedExports(file) {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(JSON.stringify(Object.keys(m)));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "--eval", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(out).sort();
}

const cjsImportPlugin = {
  name: "cjs-dynamic-import",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== "dynamic-import" || args.pluginData?.inner || args.path.startsWith("node:")) return;
      const real = await b.resolve(args.path, {
        kind: "dynamic-import",
        resolveDir: args.resolveDir,
        pluginData: { inner: true },
      });
      if (real.errors.length > 0 || real.external || !isCommonJs(real.path)) return undefined;
      // Relative to the checkout: a path in a plugin namespace goes into esbuild's chunk hashes
      // as written, so an absolute one made the bundle differ with the checkout's location.
      return { path: relative(ROOT, real.path).split(sep).join("/"), namespace: "cjs-import" };
    });
    b.onLoad({ filter: /.*/, namespace: "cjs-import" }, async (args) => {
      const file = resolve(ROOT, args.path);
      const names = namedExports(file).filter((n) => n !== "default" && /^[A-Za-z_$][\w$]*$/.test(n));
      return {
        resolveDir: dirname(file),
        loader: "js",
        contents: [
          `const m = require(${JSON.stringify(`./${basename(file)}`)});`,
          "export default m;",
          ...names.map((n) => `export const ${n} = m.${n};`),
        ].join("\n"),
      };
    });
  },
};

/** package.json for oclif and for apiship's own root lookups: the root's, minus what npm needs. */
function packageJson() {
  const pkg = read("package.json");
  return {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    type: "module",
    private: true,
    oclif: {
      ...pkg.oclif,
      commands: { ...pkg.oclif.commands, target: "./apiship.js" },
      // A plugin is loaded from node_modules, which the bundle has not (and the action runs
      // fixed commands, which need neither completion nor did-you-mean).
      plugins: undefined,
    },
  };
}

/** What the CLI reads from its package root at run time (package.json `files`). */
function copyRuntimeFiles(outdir) {
  cpSync(join(ROOT, "prices"), join(outdir, "prices"), { recursive: true });
  for (const provider of readdirSync(join(ROOT, "providers"))) {
    const dir = join(ROOT, "providers", provider, "runtime");
    if (!statSync(join(ROOT, "providers", provider)).isDirectory()) continue;
    try {
      statSync(dir);
    } catch {
      continue;
    }
    cpSync(dir, join(outdir, "providers", provider, "runtime"), {
      recursive: true,
      // The TypeScript is bundled into the chunks; only the files copied into artifacts ship.
      filter: (src) => !/\.(ts|mts|md)$/.test(src),
    });
  }
}

/**
 * Copies, as they are installed, the node_modules files a bundle of `entry` reads, and their
 * packages' package.json, so that Node and esbuild resolve them from outdir/node_modules at run
 * time as they would from an installed apiship.
 */
async function vendor(outdir, entry, options = {}) {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    logLevel: "error",
    outdir: join(outdir, ".vendor"),
    ...options,
  });
  const files = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!m || input.includes(":")) continue;
    files.add(input).add(`${m[1]}/package.json`);
  }
  for (const f of files) {
    const to = join(outdir, f.slice(f.indexOf("node_modules/")));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(join(ROOT, f), to);
  }
}

/**
 * What the CLI loads from node_modules by path rather than by import, which therefore cannot be
 * bundled:
 * - the proxy agents, which providers/_shared/proxy.ts takes with createRequire, and
 *   google-auth-library, which providers/gcp/adc.ts imports by a name esbuild cannot follow;
 * - what the portable-function entries import (@azure/functions), which esbuild bundles into the
 *   user's function from apiship's node_modules (entries.ts `nodePaths`), so that a function
 *   packed by the action has the same bytes as one packed by an installed apiship.
 */
async function vendorRuntimeDependencies(outdir) {
  for (const name of ["https-proxy-agent", "http-proxy-agent", "google-auth-library"]) {
    await vendor(outdir, join(ROOT, "node_modules", name, read(`node_modules/${name}/package.json`).main));
  }
  // The entries' catalogue, compiled on its own to read which packages each entry leaves out.
  const compiled = await build({
    absWorkingDir: ROOT,
    entryPoints: ["providers/_shared/runtime/entries.ts"],
    // It finds the package root from its own location, which a data: URL has not.
    define: {
      "import.meta.url": JSON.stringify(
        pathToFileURL(join(ROOT, "providers/_shared/runtime/entries.ts")).href,
      ),
    },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    logLevel: "error",
  });
  const source = compiled.outputFiles[0].text;
  const { RUNTIME_ENTRIES } = await import(
    `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`
  );
  for (const e of RUNTIME_ENTRIES.filter((x) => x.language === "nodejs")) {
    await vendor(outdir, join(ROOT, e.source), {
      format: e.format ?? "esm",
      external: [...e.external, "apiship:app"],
    });
  }
}

/** Every file under dir, relative, sorted: the freshness test hashes the same list. */
export function listFiles(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
    )
    .map((p) => p.split("\\").join("/"))
    .sort();
}

/** One hash over the names and contents of every file in dir. */
export function hashTree(dir) {
  const h = createHash("sha256");
  for (const f of listFiles(dir))
    h.update(`${f}\0`)
      .update(readFileSync(join(dir, f)))
      .update("\0");
  return h.digest("hex");
}

export async function bundleAction(outdir = join(ROOT, "action/dist")) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    // bin/run.js sits one folder down, as in the package, since the CLI finds oclif.manifest.json
    // at ../ from its entry.
    // commands.js: the real command classes, from which the oclif manifest is written.
    entryPoints: {
      index: "src/ci/action.ts",
      "bin/run": "src/ci/cli.ts",
      apiship: "src/cli/main.ts",
      commands: "src/cli/commands/index.ts",
    },
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    keepNames: true,
    // One LEGAL.txt per output that bundles licensed code, linked from that file.
    legalComments: "linked",
    logLevel: "error",
    metafile: true,
    // Never reached in the action: oclif's TypeScript support (development only) and pg's
    // optional libpq binding, which loads only on `pg.native`.
    external: ["typescript", "pg-native"],
    plugins: [onDemandPlugin, googleProtosPlugin, cjsImportPlugin],
    // CommonJS dependencies call require() for Node built-ins and some read __dirname at load
    // (google-gax's gRPC proto folder, unused on the REST transport apiship uses).
    banner: {
      js: [
        "import { createRequire as __apishipRequire } from 'node:module';",
        "import { fileURLToPath as __apishipPath } from 'node:url';",
        "const require = __apishipRequire(import.meta.url);",
        "const __filename = __apishipPath(import.meta.url);",
        "const __dirname = __apishipPath(new URL('.', import.meta.url));",
      ].join(" "),
    },
  });
  writeFileSync(join(outdir, "package.json"), JSON.stringify(packageJson(), null, 2) + "\n");
  copyRuntimeFiles(outdir);
  await vendorRuntimeDependencies(outdir);
  await writeOclifManifest(outdir, "./commands.js");
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const outdir = resolve(process.argv[2] ?? join(ROOT, "action/dist"));
  const started = Date.now();
  await bundleAction(outdir);
  const files = listFiles(outdir);
  const bytes = files.reduce((n, f) => n + statSync(join(outdir, f)).size, 0);
  console.log(
    `${relative(process.cwd(), outdir) || "."}: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB, ` +
      `built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
