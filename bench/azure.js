// Azure benchmarks (run after `npm run build`; imports the adapters from dist/): ARM calls,
// counted in the Azure fake's request log, for a first deploy, an unchanged redeploy (goal: 0
// mutating calls) and a change (a new image for App Service, new code for Functions), driven
// the way the engine drives a deploy: build, read, plan, and apply only when something changes.
// The fake lives under test/ (TypeScript, not compiled to dist/), so it is bundled on the fly.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchContext, countSince, loadBundled, printTable } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = process.env.APISHIP_BENCH_DIST ?? join(ROOT, "dist");
const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";

const baseService = {
  env: { LOG_LEVEL: "info" },
  secrets: {},
  resources: { cpu: 1, memory: 2048 },
  scaling: { min: 1, max: 10 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 50 },
  access: "public",
  timeoutMs: 30000,
};

function contextFor(adapter, target, stack, url) {
  return benchContext(adapter, target, stack, {
    AZURE_RESOURCE_MANAGER_ENDPOINT: url,
    APISHIP_AZURE_POLL_MS: "5",
  });
}

/** Control-plane calls since `from`; requests to the sites themselves (/__sites/) are not ARM's. */
function armCallsSince(fake, isMutating, from) {
  return countSince(fake, isMutating, from, (r) => !r.path.startsWith("/__sites/"));
}

/** first deploy, unchanged redeploy, then `change(service)` deployed: calls of each. */
async function measure(fake, isMutating, adapter, target, service, name, change) {
  let svc = service;
  const stack = { id: "bench/dev", app: "bench", environment: "dev", service: svc, targets: [target] };
  let recorded;
  const deploy = async () => {
    const ctx = await contextFor(adapter, target, { ...stack, service: svc }, fake.url);
    const from = fake.requests.length;
    const artifact = adapter.build ? await adapter.build(ctx, svc) : undefined;
    const observed = await adapter.read(ctx, recorded, name);
    const req = {
      stack: { ...stack, service: svc },
      target,
      service: svc,
      name,
      recorded,
      observed,
      secretHashes: {},
    };
    if (artifact) req.artifact = artifact;
    const { changes } = adapter.plan(req);
    if (changes.some((c) => c.action !== "no-op"))
      recorded = (await adapter.apply(ctx, { ...req, changes, secrets: {} })).state;
    return armCallsSince(fake, isMutating, from);
  };
  const rows = [];
  const row = (label, c) => rows.push([label, c.total, c.reads, c.mutating]);
  row("first deploy", await deploy());
  row("unchanged redeploy", await deploy());
  svc = change(svc);
  row("change", await deploy());
  return rows;
}

async function appServiceCalls(fake, isMutating) {
  const { appService } = await import(pathToFileURL(join(DIST, "providers/azure/app-service.js")).href);
  const target = {
    name: "web",
    provider: "azure",
    platform: "app-service",
    options: appService.options.parse({
      subscription: SUB,
      resourceGroup: "rg-bench",
      location: "westeurope",
    }),
  };
  const service = {
    ...baseService,
    kind: "container",
    container: { image: "ghcr.io/acme/bench:1", port: 8080 },
  };
  const change = (s) => ({ ...s, container: { ...s.container, image: "ghcr.io/acme/bench:2" } });
  return measure(fake, isMutating, appService, target, service, "bench-dev-web", change);
}

export async function runAzureBench() {
  const { startAzureFake, isMutating } = await loadBundled(ROOT, "azure-fake", [
    'export * from "./test/fakes/azure/index.ts";',
  ]);
  const fake = await startAzureFake();
  const src = mkdtempSync(join(tmpdir(), "apiship-bench-azfn-"));
  try {
    const rows = await appServiceCalls(fake, isMutating);
    printTable(
      "azure/app-service: ARM calls per deploy (counted by the Azure fake; change = new image, slot + swap)",
      ["deploy", "calls", "reads", "mutating"],
      rows,
    );
    const fn = await functionsCalls(fake, isMutating, src);
    if (fn)
      printTable(
        "azure/functions: ARM and OneDeploy calls per deploy (change = new code)",
        ["deploy", "calls", "reads", "mutating"],
        fn,
      );
  } finally {
    await fake.close();
    rmSync(src, { recursive: true, force: true });
  }
}

async function functionsCalls(fake, isMutating, src) {
  const mod = await import(pathToFileURL(join(DIST, "providers/azure/functions.js")).href);
  if (typeof mod.functions.apply !== "function") return undefined;
  writeFileSync(join(src, "index.js"), "module.exports = async () => ({ status: 200 });\n");
  const target = {
    name: "fn",
    provider: "azure",
    platform: "functions",
    options: mod.functions.options.parse({
      subscription: SUB,
      resourceGroup: "rg-bench-fn",
      location: "westeurope",
    }),
  };
  const service = {
    ...baseService,
    kind: "function",
    function: { runtime: "nodejs22", handler: "index.handler", source: src },
  };
  const change = (s) => {
    writeFileSync(join(src, "index.js"), "module.exports = async () => ({ status: 204 });\n");
    return { ...s };
  };
  return measure(fake, isMutating, mod.functions, target, service, "bench-dev-fn", change);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runAzureBench();
