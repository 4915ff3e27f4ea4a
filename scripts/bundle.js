// Bundles the CLI into dist/apiship.js (plus lazily loaded chunks) so start-up reads a few
// files instead of hundreds: measured here, importing oclif, zod and yaml bundled and minified
// takes ~115 ms against ~175 ms unbundled. Cloud SDKs, database drivers and typescript (which
// oclif requires only for development) stay outside and load only where the code imports them.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const result = await build({
  metafile: true,
  // commands.js is the table of the real command classes, read only by scripts/oclif-manifest.js
  // (apiship.js holds stand-ins that import each command when it runs).
  entryPoints: {
    apiship: "src/cli/main.ts",
    oclif: "src/cli/oclif.ts",
    commands: "src/cli/commands/index.ts",
  },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: process.env.APISHIP_BUNDLE_MINIFY !== "0",
  // No keepNames: it wraps every function and class of the bundle in a __name() call at load,
  // ~5% of a `validate` (issue 22 item 8). Nothing here reads a minified name: errors carry an
  // explicit `kind` (src/errors.ts) and the bundled libraries set their errors' names.
  keepNames: false,
  legalComments: "linked",
  logLevel: "warning",
  external: [
    "typescript",
    "better-sqlite3",
    "pg",
    "pg-native",
    "@aws-sdk/*",
    "@smithy/*",
    "@azure/*",
    "@google-cloud/*",
    "@kubernetes/client-node",
    // Loaded only behind HTTPS_PROXY/HTTP_PROXY (src/cli/proxy.ts, providers/_shared/proxy.ts).
    "undici",
    "https-proxy-agent",
    "http-proxy-agent",
    // Bundles users' portable functions at build time (providers/_shared/portable.ts).
    "esbuild",
  ],
  // oclif and some dependencies are CommonJS and call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __apishipRequire } from 'node:module'; const require = __apishipRequire(import.meta.url);",
  },
});

// Chunk names carry content hashes, so each build leaves the previous one's chunks behind. They
// are removed once they are 15 minutes old, not at once: a CLI process started before this
// build (an e2e test while a file is being edited) may still import its lazy chunks.
const kept = new Set(Object.keys(result.metafile.outputs).map((f) => resolve(f)));
const staleBefore = Date.now() - 15 * 60_000;
for (const name of readdirSync("dist/chunks")) {
  const file = resolve(join("dist/chunks", name));
  if (!kept.has(file) && statSync(file).mtimeMs < staleBefore) rmSync(file, { force: true });
}
