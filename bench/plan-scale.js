// Plan at scale (issue: plan): an offline plan of N generated manifests with 6 test-provider
// targets each, in one CLI run. Prints wall time and peak RSS per size; goal: 400 manifests
// in under 1 s, memory growing linearly, and no cloud SDK loaded.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchEnv, median, printTable } from "./lib.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const plugin = join(root, "dist/test/support/test-provider/index.js");
const SIZES = [50, 100, 200, 400];
const TARGETS = 6;

function manifest(i) {
  const targets = Array.from(
    { length: TARGETS },
    (_, t) => `  t${t}: { provider: test, platform: service, region: local-${t % 3} }`,
  );
  return [
    "apiVersion: apiship/v1",
    `name: svc-${i}`,
    "service:",
    `  container: { image: "ghcr.io/acme/svc-${i}:1", port: 8080 }`,
    "  env: { LOG_LEVEL: info }",
    "  secrets: { TOKEN: env:BENCH_TOKEN }",
    "  scaling: { min: 1, max: 4 }",
    "targets:",
    ...targets,
    "environments:",
    `  production: { targets: [${Array.from({ length: TARGETS }, (_, t) => `t${t}`).join(", ")}] }`,
    "",
  ].join("\n");
}

function generate(dir, n) {
  for (let i = 0; i < n; i++) {
    mkdirSync(join(dir, `svc-${i}`), { recursive: true });
    writeFileSync(join(dir, `svc-${i}`, "apiship.yaml"), manifest(i));
  }
}

// Records peak RSS at exit of the measured process, and every cloud SDK module it resolves
// (through an ESM resolve hook: the CLI loads SDKs with import()).
const SDK = "/@aws-sdk|@azure|@google-cloud|@kubernetes|@smithy/";
const HOOKS = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (${SDK}.test(r.url)) appendFileSync(process.env.BENCH_PROBE_OUT + ".sdk", r.url + "\\n");
  return r;
}
`;
// Timed runs load only this: peak RSS at exit, no hooks (a resolve hook costs every import a
// round trip to its thread, which would inflate the times it is not there to measure).
const RSS_PROBE = `
import { writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(process.env.BENCH_PROBE_OUT, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })));
`;
// One extra, untimed run per size also records every module resolved.
const TRACE_PROBE = `
import { register } from "node:module";
register(new URL("./hooks.mjs", import.meta.url));
`;

function sdkLoaded(out) {
  return existsSync(`${out}.sdk`) ? readFileSync(`${out}.sdk`, "utf8").split("\n").filter(Boolean) : [];
}

function planRun(work, probes, out) {
  const args = [
    ...probes.flatMap((p) => ["--import", p]),
    join(root, "bin/run.js"),
    "plan",
    "--offline",
    "--env",
    "production",
    "-f",
    `${work}/*/apiship.yaml`,
    "--state",
    `sqlite:${join(work, "state.db")}`,
    "--json",
  ];
  rmSync(join(work, "state.db"), { force: true });
  const env = benchEnv({
    APISHIP_PLUGINS: plugin,
    BENCH_TOKEN: "bench-secret",
    BENCH_PROBE_OUT: out,
    CI: "1",
  });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`plan exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return { ms, plans: JSON.parse(r.stdout).result.plans.length };
}

export function runPlanScale() {
  const dir = mkdtempSync(join(tmpdir(), "apiship-plan-scale-"));
  const rss = join(dir, "rss.mjs");
  const trace = join(dir, "trace.mjs");
  writeFileSync(rss, RSS_PROBE);
  writeFileSync(trace, TRACE_PROBE);
  writeFileSync(join(dir, "hooks.mjs"), HOOKS);
  const rows = [];
  try {
    for (const n of SIZES) {
      const work = join(dir, String(n));
      generate(work, n);
      const out = join(dir, `probe-${n}.json`);
      const times = [];
      for (let run = 0; run < 3; run++) {
        const r = planRun(work, [rss], out);
        if (r.plans !== n) throw new Error(`expected ${n} plans, got ${r.plans}`);
        times.push(r.ms);
      }
      const { maxRssKiB } = JSON.parse(readFileSync(out, "utf8"));
      planRun(work, [trace], out);
      const sdk = sdkLoaded(out);
      rows.push([
        n,
        n * TARGETS,
        median(times).toFixed(0),
        (maxRssKiB / 1024).toFixed(1),
        sdk.length === 0 ? "none" : sdk.join(","),
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    "Offline plan at scale (median of 3 runs; one CLI process per size; SDKs traced in a 4th run)",
    ["manifests", "targets", "wall ms", "peak RSS MiB", "cloud SDKs loaded"],
    rows,
  );
  const last = rows.at(-1);
  console.log(`goal: 400 manifests < 1000 ms: ${last && Number(last[2]) < 1000 ? "ok" : "MISSED"}`);
}
