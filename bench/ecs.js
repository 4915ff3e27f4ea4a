// ECS Fargate benchmark (run after `npm run build`; imports the adapter from dist/): AWS API
// calls, counted in the AWS fake's request log, for a first deploy, an unchanged redeploy
// (goal: 0 mutating, reads only) and an image change. The fake lives under test/ (not compiled
// to dist/), so it is bundled with esbuild on the fly (bench/lib.js loadAwsFake).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { awsBenchContext, countSince, loadAwsFake, printTable } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = process.env.APISHIP_BENCH_DIST ?? join(ROOT, "dist");

function serviceOf(image) {
  return {
    kind: "container",
    container: { image, port: 8000 },
    env: { LOG_LEVEL: "info" },
    secrets: {},
    resources: { cpu: 1, memory: 2048 },
    scaling: { min: 1, max: 10, concurrency: 80 },
    health: { path: "/healthz", status: 200, timeoutMs: 5000, attempts: 3, intervalMs: 100 },
    access: "public",
    timeoutMs: 30000,
  };
}

export async function runEcsBench() {
  const { ecsFargate } = await import(pathToFileURL(join(DIST, "providers/aws/ecs-fargate.js")).href);
  const { startAwsFake, isMutating } = await loadAwsFake(ROOT);
  const fake = await startAwsFake();
  fake.world.ecs.rolloutMs = 20;
  const target = {
    name: "api",
    provider: "aws",
    platform: "ecs-fargate",
    options: ecsFargate.options.parse({ region: "us-east-1" }),
  };
  let service = serviceOf("ghcr.io/acme/sentiment-api:1.0.0");
  const stack = { id: "bench/dev", app: "bench", environment: "dev", service, targets: [target] };
  const ctx = await awsBenchContext(ecsFargate, target, stack, fake.url);
  let recorded;
  // As the engine deploys: read, plan; apply only when something changes.
  const deploy = async () => {
    const from = fake.requests.length;
    const observed = await ecsFargate.read(ctx, recorded, "bench-dev-api");
    const req = { stack, target, service, name: "bench-dev-api", recorded, observed, secretHashes: {} };
    const { changes } = ecsFargate.plan(req);
    if (changes.some((c) => c.action !== "no-op")) {
      recorded = (await ecsFargate.apply(ctx, { ...req, changes, secrets: {} })).state;
    }
    return countSince(fake, isMutating, from);
  };
  try {
    const rows = [];
    const row = (name, c) => rows.push([name, c.total, c.reads, c.mutating]);
    row("first deploy", await deploy());
    row("unchanged redeploy", await deploy());
    service = serviceOf("ghcr.io/acme/sentiment-api:1.1.0");
    row("image change", await deploy());
    printTable(
      "AWS API calls per ECS Fargate deploy (counted by the AWS fake)",
      ["deploy", "calls", "reads", "mutating"],
      rows,
    );
    return rows;
  } finally {
    await fake.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runEcsBench();
