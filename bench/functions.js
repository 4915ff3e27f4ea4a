// Portable function benchmark (issue 19): for examples/hello-fn and examples/hono-fn, on every
// Node.js function platform's entry, the median time of buildPortable (entry + user module
// bundled by esbuild; 5 runs after a warm-up), then the package it gives zipped with buildZip
// (bytes and files shipped), beside the plain folder as it would ship natively (buildZip of the
// source folder). For hono-fn the plain folder carries Hono in node_modules, as a user's
// `npm install` leaves it, so the comparison is honest. Figures only: nothing here fails on them.
// portable.ts and artifact.ts are TypeScript (not compiled to a stable dist/ path), so they are
// bundled with esbuild on the fly, as the other benchmarks bundle their fakes.
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { loadBundled, median, printTable } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = 5;
const EXAMPLES = ["hello-fn", "hono-fn"];
const PLATFORMS = [
  "aws/lambda",
  "gcp/cloud-functions",
  "firebase/functions",
  "azure/functions",
  "digitalocean/functions",
  "heroku/web",
];

function loadPortable() {
  return loadBundled(ROOT, "functions-portable", [
    'export { buildPortable } from "./providers/_shared/portable.ts";',
    'export { buildZip } from "./providers/_shared/artifact.ts";',
  ]);
}

/**
 * The example's function for `platform`: service.function, with the override of the first
 * environment that deploys a target on that platform (DigitalOcean's nodejs18, for one).
 */
function functionFor(manifest, platform) {
  const base = manifest.service.function;
  const targets = Object.entries(manifest.targets ?? {})
    .filter(([, t]) => `${t.provider}/${t.platform}` === platform)
    .map(([name]) => name);
  const env = Object.values(manifest.environments ?? {}).find((e) =>
    (e.targets ?? []).some((t) => targets.includes(t)),
  );
  return { ...base, ...(env?.service?.function ?? {}) };
}

/** The example's folder as it ships natively: for a dependency, node_modules as npm leaves it. */
function plainFolder(example, work) {
  const src = join(ROOT, "examples", example);
  const dir = join(work, `${example}-plain`);
  cpSync(src, dir, {
    recursive: true,
    filter: (p) => basename(p) !== "node_modules" && basename(p) !== ".apiship",
  });
  const deps = Object.keys(JSON.parse(readFileSync(join(src, "package.json"), "utf8")).dependencies ?? {});
  for (const d of deps)
    cpSync(join(ROOT, "node_modules", d), join(dir, "node_modules", d), { recursive: true });
  return { dir, deps };
}

export async function runFunctionsBench() {
  const { buildPortable, buildZip } = await loadPortable();
  const work = mkdtempSync(join(tmpdir(), "apiship-bench-fn-"));
  try {
    for (const example of EXAMPLES) {
      const root = join(ROOT, "examples", example);
      const manifest = parse(readFileSync(join(root, "apiship.yaml"), "utf8"));
      const plain = plainFolder(example, work);
      const native = await buildZip(plain.dir, join(work, `${example}-plain.zip`));
      const rows = [];
      for (const platform of PLATFORMS) {
        const fn = functionFor(manifest, platform);
        const out = join(work, `${example}-${platform.replace("/", "-")}`);
        const times = [];
        for (let i = 0; i <= RUNS; i++) {
          const t0 = process.hrtime.bigint();
          await buildPortable(platform, fn, root, out, "bench");
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          if (i > 0) times.push(ms);
        }
        const zip = await buildZip(out, `${out}.zip`);
        rows.push([
          platform,
          fn.runtime,
          median(times).toFixed(1),
          zip.bytes,
          zip.files,
          native.bytes,
          native.files,
          `${(native.bytes / zip.bytes).toFixed(1)}x`,
        ]);
      }
      const withDeps =
        plain.deps.length > 0 ? ` (plain folder with node_modules/${plain.deps.join(", ")})` : "";
      printTable(
        `functions: examples/${example}, portable build per platform (median of ${RUNS}) vs the plain folder${withDeps}`,
        ["platform", "runtime", "build ms", "zip bytes", "files", "plain bytes", "plain files", "plain/zip"],
        rows,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
