// Lambda benchmarks (run after `npm run build`; imports the adapter from dist/):
// (1) zip throughput of the deterministic artifact builder against Info-ZIP `zip -r` on a
//     generated 50 MB, 5,000-file source, measured in the same run;
// (2) AWS API calls, counted in the AWS fake's request log, for a first deploy, an unchanged
//     redeploy (goal: reads only) and a code-only change.
// The fake lives under test/ (not compiled to dist/), so it is bundled with esbuild on the fly.
import { Buffer } from "node:buffer";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { awsBenchContext, countSince, loadAwsFake, printTable } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = process.env.APISHIP_BENCH_DIST ?? join(ROOT, "dist");
const FILES = 5000;
const TOTAL = 50 * 1024 * 1024;

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  "const let function return import export from await async if else for while class new this value result error data item list map node module".split(
    " ",
  );

/** A source tree like a function with its dependencies: mostly text (code), some binary assets. */
function generateSource(dir) {
  const rnd = rng(5);
  const size = Math.floor(TOTAL / FILES);
  for (let i = 0; i < FILES; i++) {
    const rel = `node_modules/pkg${i % 97}/lib/d${i % 13}/file${i}.${i % 10 === 0 ? "bin" : "js"}`;
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    let content;
    if (i % 10 === 0) {
      content = Buffer.alloc(size);
      for (let j = 0; j < size; j++) content[j] = Math.floor(rnd() * 256);
    } else {
      const parts = [];
      let n = 0;
      while (n < size) {
        const w = WORDS[Math.floor(rnd() * WORDS.length)];
        parts.push(w);
        n += w.length + 1;
      }
      content = Buffer.from(parts.join(rnd() < 0.1 ? "\n" : " ")).subarray(0, size);
    }
    writeFileSync(join(dir, rel), content);
  }
}

function seconds(fn) {
  const t0 = process.hrtime.bigint();
  return Promise.resolve(fn()).then(() => Number(process.hrtime.bigint() - t0) / 1e9);
}

async function zipThroughput(buildZip) {
  const src = mkdtempSync(join(tmpdir(), "apiship-bench-src-"));
  const out = mkdtempSync(join(tmpdir(), "apiship-bench-zip-"));
  try {
    generateSource(src);
    const mb = TOTAL / 1024 / 1024;
    const rows = [];
    const ours = [];
    const info = [];
    let ourBytes = 0;
    let infoBytes = 0;
    for (let run = 0; run < 2; run++) {
      const p = join(out, `ours-${run}.zip`);
      ours.push(await seconds(() => buildZip(src, p)));
      ourBytes = statSync(p).size;
      const z = join(out, `info-${run}.zip`);
      info.push(
        await seconds(() => {
          const r = spawnSync("zip", ["-r", "-q", "-X", z, "."], { cwd: src });
          if (r.status !== 0) throw new Error(`zip exited ${r.status}: ${r.stderr}`);
        }),
      );
      infoBytes = statSync(z).size;
    }
    const best = (xs) => Math.min(...xs);
    rows.push([
      "apiship buildZip",
      (mb / best(ours)).toFixed(1),
      best(ours).toFixed(2),
      (ourBytes / 1048576).toFixed(1),
    ]);
    rows.push([
      "Info-ZIP zip -r",
      (mb / best(info)).toFixed(1),
      best(info).toFixed(2),
      (infoBytes / 1048576).toFixed(1),
    ]);
    printTable(
      `Zip throughput: ${FILES} files, ${mb} MB source (best of 2)`,
      ["builder", "MB/s", "seconds", "zip MB"],
      rows,
    );
  } finally {
    rmSync(src, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

async function apiCalls() {
  const { lambda } = await import(pathToFileURL(join(DIST, "providers/aws/lambda.js")).href);
  const { startAwsFake, isMutating } = await loadAwsFake(ROOT);
  const fake = await startAwsFake({ world: { transitionMs: 5 } });
  const src = mkdtempSync(join(tmpdir(), "apiship-bench-fn-"));
  writeFileSync(join(src, "index.mjs"), "export const handler = async () => ({ statusCode: 200 });\n");
  const service = {
    kind: "function",
    function: { runtime: "nodejs22", handler: "index.handler", source: src },
    env: { LOG_LEVEL: "info" },
    secrets: {},
    resources: { memory: 512 },
    scaling: { min: 0, max: 10 },
    health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
    access: "public",
    timeoutMs: 10000,
  };
  const target = {
    name: "api",
    provider: "aws",
    platform: "lambda",
    options: lambda.options.parse({ region: "us-east-1" }),
  };
  const stack = { id: "bench/dev", app: "bench", environment: "dev", service, targets: [target] };
  const ctx = await awsBenchContext(lambda, target, stack, fake.url);
  let recorded;
  // As the engine deploys: build, read, plan; apply only when something changes.
  const deploy = async () => {
    const from = fake.requests.length;
    const artifact = await lambda.build(ctx, service);
    const observed = await lambda.read(ctx, recorded, "bench-dev-api");
    const req = {
      stack,
      target,
      service,
      name: "bench-dev-api",
      recorded,
      observed,
      secretHashes: {},
      artifact,
    };
    const { changes } = lambda.plan(req);
    if (changes.some((c) => c.action !== "no-op")) {
      recorded = (await lambda.apply(ctx, { ...req, changes, secrets: {} })).state;
    }
    return countSince(fake, isMutating, from);
  };
  try {
    const rows = [];
    const row = (name, c) => rows.push([name, c.total, c.reads, c.mutating]);
    row("first deploy", await deploy());
    row("unchanged redeploy", await deploy());
    writeFileSync(join(src, "index.mjs"), "export const handler = async () => ({ statusCode: 204 });\n");
    row("code-only change", await deploy());
    printTable(
      "AWS API calls per deploy (counted by the AWS fake)",
      ["deploy", "calls", "reads", "mutating"],
      rows,
    );
  } finally {
    await fake.close();
    rmSync(src, { recursive: true, force: true });
  }
}

export async function runLambdaBench() {
  const { buildZip } = await import(pathToFileURL(join(DIST, "providers/_shared/artifact.js")).href);
  await zipThroughput(buildZip);
  await apiCalls();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runLambdaBench();
