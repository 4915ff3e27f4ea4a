// Heroku benchmark (run after `npm run build`; imports the adapter from dist/): Platform API
// calls, counted in the Heroku fake's request log, for a first deploy, an unchanged redeploy
// (goal: 0 mutating, reads only) and an image change, then the same first deploy under a
// nearly empty rate-limit bucket (429s the client waits out). The fake lives under test/ (not
// compiled to dist/), so it is bundled with esbuild on the fly.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchContext, countSince, loadBundled, printTable } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = process.env.APISHIP_BENCH_DIST ?? join(ROOT, "dist");
const APP = "bench-dev-api";
const imageId = (c) => `sha256:${c.repeat(64)}`;

function serviceOf(id) {
  return {
    kind: "container",
    container: { image: `registry.heroku.com/${APP}/web@${id}`, port: 8000 },
    env: { LOG_LEVEL: "info" },
    secrets: { HF_TOKEN: "env:HF_TOKEN" },
    resources: { cpu: 1, memory: 1024 },
    scaling: { min: 2, max: 10 },
    health: { path: "/healthz", status: 200, timeoutMs: 5000, attempts: 3, intervalMs: 100 },
    access: "public",
    timeoutMs: 30000,
  };
}

async function session(heroku, fake, stackId) {
  const target = {
    name: "api",
    provider: "heroku",
    platform: "heroku",
    options: heroku.options.parse({ endpoint: fake.url }),
  };
  const stack = {
    id: stackId,
    app: "bench",
    environment: "dev",
    service: serviceOf(imageId("a")),
    targets: [target],
  };
  const ctx = await benchContext(heroku, target, stack, {
    HEROKU_API_KEY: "bench",
    APISHIP_HEROKU_POLL_MS: "5",
  });
  let recorded;
  // As the engine deploys: read, plan; apply only when something changes.
  return async (service) => {
    const from = fake.requests.length;
    const observed = await heroku.read(ctx, recorded, APP);
    const req = {
      stack,
      target,
      service,
      name: APP,
      recorded,
      observed,
      secretHashes: { HF_TOKEN: "hmac-sha256:1" },
    };
    const { changes } = heroku.plan(req);
    if (changes.some((c) => c.action !== "no-op")) {
      recorded = (await heroku.apply(ctx, { ...req, changes, secrets: { HF_TOKEN: "bench-secret" } })).state;
    }
    // Platform API calls only: the fake's /__ paths (the apps' router, build blobs, log sessions)
    // are not the API; every call but a GET mutates.
    return countSince(
      fake,
      (r) => r.method !== "GET",
      from,
      (r) => !r.path.startsWith("/__"),
    );
  };
}

export async function runHerokuBench() {
  const { heroku } = await import(pathToFileURL(join(DIST, "providers/heroku/heroku.js")).href);
  const { startHerokuFake } = await loadBundled(ROOT, "heroku-fake", [
    'export * from "./test/fakes/heroku/server.ts";',
  ]);
  const fake = await startHerokuFake({ world: { releasePendingReads: 1 } });
  for (const c of ["a", "b"]) fake.world.pushImage(APP, imageId(c));
  try {
    const rows = [];
    const row = (name, c) => rows.push([name, c.total, c.reads, c.mutating]);
    const deploy = await session(heroku, fake, "bench/dev");
    row("first deploy", await deploy(serviceOf(imageId("a"))));
    row("unchanged redeploy", await deploy(serviceOf(imageId("a"))));
    row("image change", await deploy(serviceOf(imageId("b"))));
    fake.world.apps.clear();
    // Two requests in the bucket, refilled at 20 a second: the rest wait out 429s.
    Object.assign(fake.rateLimit, { capacity: 2, perSecond: 20 });
    const t0 = Date.now();
    const throttled = await (await session(heroku, fake, "bench/throttled"))(serviceOf(imageId("a")));
    const ms = Date.now() - t0;
    row(`first deploy, throttled (${ms} ms)`, throttled);
    printTable(
      "Heroku Platform API calls per deploy (counted by the Heroku fake; throttled row includes 429 answers)",
      ["deploy", "calls", "reads", "mutating"],
      rows,
    );
    return rows;
  } finally {
    await fake.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runHerokuBench();
