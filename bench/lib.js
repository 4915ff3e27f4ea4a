// Helpers shared by the benchmarks: timing child processes, printing tables, and bundling the fakes
// under test/ and building an adapter context that talks to them.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The environment benchmarks run in: NODE_EXTRA_CA_CERTS costs ~75 ms per start here. */
export function benchEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs a command `runs` times (after one warm-up) and returns the median wall time in ms. */
export function timeCommand(cmd, args, { runs = 15, cwd, env = benchEnv() } = {}) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    if (i > 0) times.push(ms);
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

export function printTable(title, header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  console.log(`\n${title}`);
  for (const [i, r] of all.entries()) {
    console.log(r.map((c, j) => String(c).padEnd(widths[j])).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

/**
 * The AWS fake for the AWS benchmarks. It lives under test/ (TypeScript, not compiled to dist/),
 * so it is bundled with esbuild into node_modules/.cache on the fly.
 */
export function loadAwsFake(root) {
  return loadBundled(root, "aws-fake", ['export * from "./test/fakes/aws/index.ts";']);
}

/**
 * Requests the fake received since index `from`: total, reads and mutating calls. `counts`
 * leaves out requests that are not the API's (e.g. the fake's own test endpoints).
 */
export function countSince(fake, isMutating, from, counts = () => true) {
  const reqs = fake.requests.slice(from).filter((r) => counts(r));
  const mutating = reqs.filter((r) => isMutating(r)).length;
  return { total: reqs.length, reads: reqs.length - mutating, mutating };
}

/** A Ctx for an AWS adapter whose clients talk to the AWS fake at `url`, with fake credentials. */
export function awsBenchContext(adapter, target, stack, url) {
  return benchContext(adapter, target, stack, {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "example",
    APISHIP_AWS_POLL_MS: "5",
  });
}

/** A Ctx for an adapter whose clients are made from `env` (a fake's endpoint and credentials); progress and log go nowhere. */
export async function benchContext(adapter, target, stack, env) {
  return {
    clients: await adapter.createClients({ target, env }),
    stack,
    target,
    progress: { step() {}, done() {} },
    log: { debug() {}, info() {}, warn() {} },
    signal: new globalThis.AbortController().signal,
  };
}

/** Where loadBundled writes its bundles (a file a bundle reads beside itself goes here too). */
export function benchCache(root) {
  return join(root, "node_modules", ".cache", "apiship-bench");
}

/**
 * TypeScript from the repository (fakes under test/, adapters' helpers), bundled by esbuild
 * into node_modules/.cache/apiship-bench/<name>.mjs and imported: `exports` are the
 * `export ... from "./path.ts"` lines, relative to the repository root.
 */
export async function loadBundled(root, name, exports) {
  const { build } = await import("esbuild");
  const outfile = join(benchCache(root), `${name}.mjs`);
  await build({
    stdin: { contents: exports.join("\n"), resolveDir: root, loader: "ts" },
    bundle: true,
    packages: "external",
    format: "esm",
    platform: "node",
    outfile,
    logLevel: "silent",
  });
  return import(pathToFileURL(outfile).href);
}
