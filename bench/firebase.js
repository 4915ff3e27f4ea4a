// firebase/functions benchmark (run after `npm run build`; imports the adapter from dist/):
// API calls and mutating calls, counted in the fakes' request logs, for a first deploy, an
// unchanged redeploy (goal: 0 mutating) and a code change, each as the engine runs it
// (read → plan → apply when something changes). With the gcp/cloud-functions adapter's
// behaviour built, the function half runs against the GCP fake; until then an in-memory stub
// stands in for it and only the Hosting calls are real (the table says which).
// The fakes live under test/ (TypeScript, not compiled to dist/): bundled with esbuild here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchContext, loadBundled, printTable } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = process.env.APISHIP_BENCH_DIST ?? join(ROOT, "dist");
const NAME = "shop-prod-api";

function loadFakes() {
  return loadBundled(ROOT, "firebase-fakes", [
    'export { startFirebaseFake } from "./test/fakes/firebase/index.ts";',
    'export { functionStub } from "./test/fakes/firebase/function-stub.ts";',
    'export { startGcpFake, isMutating as gcpIsMutating } from "./test/fakes/gcp/index.ts";',
  ]);
}

function service(source) {
  return {
    kind: "function",
    function: { runtime: "nodejs22", handler: "index.handler", source },
    env: { LOG_LEVEL: "info" },
    secrets: {},
    resources: { memory: 512 },
    scaling: { min: 0, max: 10 },
    health: { path: "/healthz", status: 200, timeoutMs: 5000, attempts: 2, intervalMs: 50 },
    access: "public",
    timeoutMs: 30000,
  };
}

async function run(adapter, fakes, env, src) {
  const target = {
    name: "api",
    provider: "firebase",
    platform: "functions",
    options: adapter.options.parse({
      project: "acme-web",
      region: "europe-west1",
      hosting: {},
      endpoint: fakes.url,
    }),
  };
  const svc = service(".");
  const stack = {
    id: "shop/prod",
    app: "shop",
    environment: "prod",
    service: svc,
    targets: [target],
    baseDir: src,
  };
  const ctx = await benchContext(adapter, target, stack, env);
  let recorded;
  const deploy = async (svcNow) => {
    const from = fakes.count();
    const artifact = adapter.build
      ? await adapter.build({ ...ctx, stack: { ...stack, service: svcNow } }, svcNow)
      : undefined;
    const base = {
      stack: { ...stack, service: svcNow },
      target,
      service: svcNow,
      name: NAME,
      recorded,
      secretHashes: {},
    };
    const observed = await adapter.read(ctx, recorded, NAME);
    const req = { ...base, observed, ...(artifact ? { artifact } : {}) };
    const changes = adapter.plan(req).changes;
    if (changes.some((c) => c.action !== "no-op"))
      recorded = (await adapter.apply(ctx, { ...req, changes, secrets: {} })).state;
    else recorded = observed;
    return fakes.since(from);
  };
  const first = await deploy(svc);
  const unchanged = await deploy(svc);
  writeFileSync(join(src, "index.js"), "exports.handler = (req, res) => res.send('v2');\n");
  // The stub's "code" is the env; the real adapter sees the new source in the artifact.
  const changed = await deploy(fakes.real ? svc : { ...svc, env: { LOG_LEVEL: "debug" } });
  return [
    ["first deploy", first],
    ["unchanged redeploy", unchanged],
    ["code change", changed],
  ];
}

export async function runFirebaseBench() {
  const { functions } = await import(pathToFileURL(join(DIST, "providers/firebase/functions.js")).href);
  const { composeFirebase } = await import(pathToFileURL(join(DIST, "providers/firebase/compose.js")).href);
  const f = await loadFakes();
  const real = typeof functions.apply === "function";
  const gcp = real ? await f.startGcpFake({ knobs: { opPolls: 1 } }) : undefined;
  const hosting = await f.startFirebaseFake(gcp ? { gcp } : {});
  const isMut = (r) => r.method !== "GET";
  const fakes = {
    url: hosting.url,
    real,
    count: () => [hosting.requests.length, gcp?.requests.length ?? 0],
    since: ([h, g]) => {
      const hr = hosting.requests.slice(h);
      const gr = gcp ? gcp.requests.slice(g) : [];
      const gm = gr.filter((r) => (f.gcpIsMutating ? f.gcpIsMutating(r) : isMut(r))).length;
      return { hosting: hr.length, hostingMut: hr.filter(isMut).length, gcp: gr.length, gcpMut: gm };
    },
  };
  const adapter = real ? functions : { ...functions, ...composeFirebase(f.functionStub().fn) };
  const src = mkdtempSync(join(tmpdir(), "apiship-bench-firebase-"));
  try {
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "index.js"), "exports.handler = (req, res) => res.send('v1');\n");
    writeFileSync(join(src, "package.json"), '{"name":"bench-fn","version":"1.0.0"}\n');
    const env = {
      GOOGLE_OAUTH_ACCESS_TOKEN: "bench",
      APISHIP_GCP_POLL_MS: "1",
      APISHIP_FIREBASE_RETRY_MS: "1",
    };
    const rows = (await run(adapter, fakes, env, src)).map(([what, c]) => [
      what,
      c.hosting + c.gcp,
      c.hostingMut + c.gcpMut,
      `${c.hosting} / ${c.hostingMut}`,
      real ? `${c.gcp} / ${c.gcpMut}` : "(stub)",
    ]);
    printTable(
      `firebase/functions API calls (${real ? "GCP fake + Hosting fake" : "Hosting fake; function half stubbed: gcp/cloud-functions has no behaviour yet"})`,
      ["scenario", "API calls", "mutating", "Hosting calls / mutating", "Functions+Run calls / mutating"],
      rows,
    );
    return rows;
  } finally {
    rmSync(src, { recursive: true, force: true });
    await hosting.close();
    await gcp?.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runFirebaseBench();
