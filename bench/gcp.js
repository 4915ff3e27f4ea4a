// GCP benchmarks (run after `npm run build`; imports the adapters from dist/): Google API calls,
// counted in the GCP fake's request log, for a first deploy, an unchanged redeploy (goal: reads
// only, 0 mutating) and a change (a new image for Cloud Run, a code change for Cloud Functions).
// Operation polls are counted as reads; the fake finishes each operation on its first poll.
// The fake lives under test/ (not compiled to dist/), so it is bundled with esbuild on the fly.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchContext, countSince, loadBundled, printTable } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = process.env.APISHIP_BENCH_DIST ?? join(ROOT, "dist");

const BASE = {
  env: { LOG_LEVEL: "info" },
  secrets: {},
  resources: { cpu: 1, memory: 512 },
  scaling: { min: 0, max: 10, concurrency: 80 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  access: "public",
  timeoutMs: 30000,
};

/** Deploys as the engine does: build, read, plan; apply only when something changes. */
function deployer(adapter, fake, isMutating, target, name) {
  let recorded;
  return async (service) => {
    const stack = { id: "bench/dev", app: "bench", environment: "dev", service, targets: [target] };
    const ctx = await benchContext(adapter, target, stack, {
      GOOGLE_OAUTH_ACCESS_TOKEN: "bench",
      APISHIP_GCP_POLL_MS: "1",
    });
    const from = fake.requests.length;
    const artifact = adapter.build ? await adapter.build(ctx, service) : undefined;
    const observed = await adapter.read(ctx, recorded, name);
    const req = { stack, target, service, name, recorded, observed, secretHashes: {}, artifact };
    const { changes } = adapter.plan(req);
    if (changes.some((c) => c.action !== "no-op")) {
      recorded = (await adapter.apply(ctx, { ...req, changes, secrets: {} })).state;
    }
    return countSince(fake, isMutating, from);
  };
}

async function cloudRunCalls(startGcpFake, isMutating, rows) {
  const { cloudRun } = await import(pathToFileURL(join(DIST, "providers/gcp/cloud-run.js")).href);
  const fake = await startGcpFake();
  try {
    const target = {
      name: "run",
      provider: "gcp",
      platform: "cloud-run",
      options: cloudRun.options.parse({ project: "bench-proj", region: "europe-west1", endpoint: fake.url }),
    };
    const deploy = deployer(cloudRun, fake, isMutating, target, "bench-dev-run");
    const svc = (image) => ({ ...BASE, kind: "container", container: { image, port: 8080 } });
    const row = (name, c) => rows.push(["gcp/cloud-run", name, c.total, c.reads, c.mutating]);
    row("first deploy", await deploy(svc("ghcr.io/acme/api:1")));
    row("unchanged redeploy", await deploy(svc("ghcr.io/acme/api:1")));
    row("new image", await deploy(svc("ghcr.io/acme/api:2")));
  } finally {
    await fake.close();
  }
}

async function cloudFunctionsCalls(startGcpFake, isMutating, rows) {
  const { cloudFunctions } = await import(pathToFileURL(join(DIST, "providers/gcp/cloud-functions.js")).href);
  if (typeof cloudFunctions.apply !== "function") return;
  const fake = await startGcpFake();
  const src = mkdtempSync(join(tmpdir(), "apiship-bench-gcf-"));
  writeFileSync(join(src, "index.js"), "exports.handler = (req, res) => res.send('ok');\n");
  try {
    const target = {
      name: "fn",
      provider: "gcp",
      platform: "cloud-functions",
      options: cloudFunctions.options.parse({
        project: "bench-proj",
        region: "europe-west1",
        endpoint: fake.url,
      }),
    };
    const deploy = deployer(cloudFunctions, fake, isMutating, target, "bench-dev-fn");
    const svc = {
      ...BASE,
      kind: "function",
      function: { runtime: "nodejs22", handler: "handler", source: src, interface: "native" },
    };
    const row = (name, c) => rows.push(["gcp/cloud-functions", name, c.total, c.reads, c.mutating]);
    row("first deploy", await deploy(svc));
    row("unchanged redeploy", await deploy(svc));
    writeFileSync(join(src, "index.js"), "exports.handler = (req, res) => res.send('changed');\n");
    row("code change", await deploy(svc));
  } finally {
    await fake.close();
    rmSync(src, { recursive: true, force: true });
  }
}

export async function runGcpBench() {
  const { startGcpFake, isMutating } = await loadBundled(ROOT, "gcp-fake", [
    'export * from "./test/fakes/gcp/index.ts";',
  ]);
  const rows = [];
  await cloudRunCalls(startGcpFake, isMutating, rows);
  await cloudFunctionsCalls(startGcpFake, isMutating, rows);
  printTable(
    "Google API calls per deploy (counted by the GCP fake; operation polls are reads)",
    ["platform", "deploy", "calls", "reads", "mutating"],
    rows,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runGcpBench();
