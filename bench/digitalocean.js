// DigitalOcean benchmarks (run after `npm run build`; imports the adapters from dist/): API
// calls and mutating calls, counted in the DigitalOcean fake's request log, per platform for a
// first deploy, an unchanged redeploy (goal: 0 mutating) and an image change (a code change for
// Functions and App Platform source builds, whose git repository is a local one the fake reads). The fake lives under test/ (not compiled to dist/), so it is bundled with esbuild
// on the fly, with the OpenAPI extract it validates bodies against copied beside it.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchCache, benchContext, loadBundled, printTable } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = process.env.APISHIP_BENCH_DIST ?? join(ROOT, "dist");

function loadDoFake() {
  // The fake reads the OpenAPI extract beside its module as it loads: copied there first.
  const out = benchCache(ROOT);
  mkdirSync(out, { recursive: true });
  copyFileSync(join(ROOT, "test/fakes/digitalocean/openapi.json"), join(out, "openapi.json"));
  return loadBundled(ROOT, "digitalocean-fake", ['export * from "./test/fakes/digitalocean/server.ts";']);
}

const baseService = {
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { cpu: 1, memory: 512 },
  scaling: { min: 1, max: 1 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  access: "public",
  timeoutMs: 10000,
};

/** Deploys as the engine does: build, read, plan, apply only when something changes. */
function deployer(fake, adapter, target, name, env) {
  let recorded;
  return async (service) => {
    const stack = { id: "bench/dev", app: "bench", environment: "dev", service, targets: [target] };
    const ctx = await benchContext(adapter, target, stack, env);
    const calls = fake.apiCalls().length;
    const mutating = fake.mutations().length;
    // As the engine: only a function service is built.
    const artifact =
      adapter.build && service.kind === "function" ? await adapter.build(ctx, service) : undefined;
    const observed = await adapter.read(ctx, recorded, name);
    const req = {
      stack,
      target,
      service,
      name,
      recorded,
      observed,
      secretHashes: { API_KEY: "hmac:1" },
      ...(artifact ? { artifact } : {}),
    };
    const { changes } = adapter.plan(req);
    if (changes.some((c) => c.action !== "no-op"))
      recorded = (await adapter.apply(ctx, { ...req, changes, secrets: { API_KEY: "s3cret" } })).state;
    return [fake.apiCalls().length - calls, fake.mutations().length - mutating];
  };
}

const git = (cwd, ...args) =>
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], {
    cwd,
    stdio: ["ignore", "pipe", "ignore"],
  });

/** App Platform building function.source from a pushed branch: code and monorepo commits. */
async function sourceRows(fake, env, appPlatform, row) {
  const root = mkdtempSync(join(tmpdir(), "apiship-bench-dosrc-"));
  const work = join(root, "work");
  const remote = join(root, "remote.git");
  mkdirSync(join(work, "api"), { recursive: true });
  git(root, "init", "-q", "--bare", "-b", "main", remote);
  git(work, "init", "-q", "-b", "main");
  writeFileSync(join(work, "api", "package.json"), '{ "name": "api" }\n');
  writeFileSync(join(work, "api", "server.js"), "// v1\n");
  writeFileSync(join(work, "README.md"), "bench\n");
  git(work, "add", ".");
  git(work, "commit", "-qm", "v1");
  git(work, "remote", "add", "origin", remote);
  git(work, "push", "-q", "origin", "main");
  const commit = (file, text) => {
    writeFileSync(join(work, file), text);
    git(work, "commit", "-qam", file);
    git(work, "push", "-q", "origin", "main");
  };
  fake.world.opts.gitRemotes = { "github:acme/api": remote };
  const { container: _c, ...rest } = baseService;
  void _c;
  const svc = {
    ...rest,
    kind: "function",
    function: { runtime: "nodejs22", handler: "server.js", source: join(work, "api"), interface: "native" },
  };
  const target = {
    name: "src",
    provider: "digitalocean",
    platform: "app-platform",
    options: appPlatform.options.parse({ region: "fra", git: { repo: "acme/api" }, endpoint: fake.url }),
  };
  const deploy = deployer(fake, appPlatform, target, "bench-dev-src", env);
  try {
    row("app-platform source", "first deploy", await deploy(svc));
    row("app-platform source", "unchanged redeploy", await deploy(svc));
    commit("README.md", "other code of the monorepo\n");
    row("app-platform source", "commit outside function.source", await deploy(svc));
    commit("api/server.js", "// v2\n");
    row("app-platform source", "code change (pushed)", await deploy(svc));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function platformRows(fake, env, rows) {
  const mod = (f) => import(pathToFileURL(join(DIST, "providers/digitalocean", f)).href);
  const { appPlatform } = await mod("app-platform.js");
  const { droplet } = await mod("droplet.js");
  const { functions } = await mod("functions.js");
  const row = (platform, what, [calls, mutating]) => rows.push([platform, what, calls, mutating]);
  const image2 = { ...baseService, container: { image: "ghcr.io/acme/shop:2", port: 8080 } };

  const app = {
    name: "app",
    provider: "digitalocean",
    platform: "app-platform",
    options: appPlatform.options.parse({ region: "fra", endpoint: fake.url }),
  };
  const deployApp = deployer(fake, appPlatform, app, "bench-dev-app", env);
  row("app-platform", "first deploy", await deployApp(baseService));
  row("app-platform", "unchanged redeploy", await deployApp(baseService));
  row("app-platform", "image change", await deployApp(image2));
  await sourceRows(fake, env, appPlatform, row);

  const vm = {
    name: "vm",
    provider: "digitalocean",
    platform: "droplet",
    options: droplet.options.parse({ region: "fra1", endpoint: fake.url }),
  };
  const deployVm = deployer(fake, droplet, vm, "bench-dev-vm", env);
  row("droplet", "first deploy", await deployVm(baseService));
  row("droplet", "unchanged redeploy", await deployVm(baseService));
  row("droplet", "image change (blue/green)", await deployVm(image2));

  const src = mkdtempSync(join(tmpdir(), "apiship-bench-dofn-"));
  writeFileSync(join(src, "index.js"), "exports.main = () => ({ body: 'ok' });\n");
  const { container: _c, ...rest } = baseService;
  void _c;
  const fnService = {
    ...rest,
    kind: "function",
    function: { runtime: "nodejs18", handler: "index.main", source: src, interface: "native" },
  };
  const fn = {
    name: "fn",
    provider: "digitalocean",
    platform: "functions",
    options: functions.options.parse({ region: "fra1", endpoint: fake.url }),
  };
  const deployFn = deployer(fake, functions, fn, "bench-dev-fn", env);
  try {
    row("functions", "first deploy", await deployFn(fnService));
    row("functions", "unchanged redeploy", await deployFn(fnService));
    writeFileSync(join(src, "index.js"), "exports.main = () => ({ body: 'v2' });\n");
    row("functions", "code change", await deployFn(fnService));
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

export async function runDigitaloceanBench() {
  const { startDoFake } = await loadDoFake();
  const fake = await startDoFake();
  const env = {
    DIGITALOCEAN_TOKEN: "bench",
    APISHIP_DO_POLL_MS: "1",
    APISHIP_DO_DROPLET_HTTP_PORT: String(fake.dropletHttpPort),
  };
  const rows = [];
  try {
    await platformRows(fake, env, rows);
  } finally {
    await fake.close();
  }
  printTable(
    "DigitalOcean API calls per deploy (counted by the DigitalOcean fake)",
    ["platform", "deploy", "calls", "mutating"],
    rows,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runDigitaloceanBench();
