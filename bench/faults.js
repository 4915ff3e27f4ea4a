// Fault benchmark (issue 18): every platform's first deploy through the built CLI against its fake
// with 20% throttling and 10% 5xx injected, three seeds each. Per platform: runs that converged,
// requests the fake(s) received (health checks left out), retry events, attempts per call
// (requests / (requests − retries)), the most attempts any one call took (from the retry events)
// and wall time. Figures only: a run that does not converge is counted and named, never thrown.
// The platform table lives under test/ (TypeScript, not compiled to dist/), so it is bundled
// with esbuild on the fly, as the other benchmarks bundle their fakes.
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { clearTimeout, setTimeout } from "node:timers";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchCache, loadBundled, printTable } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin/run.js");
const SEEDS = 3;
/** A run that takes longer than this is stuck, not slow: it is killed and counted as not converged. */
const RUN_TIMEOUT_MS = 180_000;

async function loadPlatforms() {
  // The DigitalOcean fake reads the OpenAPI document beside its module when it is imported, so
  // the copy goes there first (on an empty cache, importing first failed).
  const out = benchCache(ROOT);
  mkdirSync(out, { recursive: true });
  copyFileSync(join(ROOT, "test/fakes/digitalocean/openapi.json"), join(out, "openapi.json"));
  return loadBundled(ROOT, "faults-platforms", ['export * from "./test/reliability/platforms.ts";']);
}

/**
 * The built CLI in `cwd`, with the variables the platform sets and little else (as the e2e helpers
 * run it): nothing of the shell's cloud configuration, APISHIP_* or KUBECONFIG, leaks in.
 */
function cli(args, cwd, extra) {
  const env = { HOME: cwd, CI: "true", NO_COLOR: "1", TERM: "dumb", LANG: "C.UTF-8", ...extra };
  for (const k of ["PATH", "SYSTEMROOT", "TMPDIR"]) if (process.env[k] !== undefined) env[k] = process.env[k];
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({
        code: code ?? -1,
        ms: Number(process.hrtime.bigint() - t0) / 1e6,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

/** The NDJSON of `deploy --json`: the events, then the envelope as the last line. */
function parseStream(stdout) {
  const docs = stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return undefined;
      }
    })
    .filter((d) => d !== undefined);
  const last = docs.at(-1);
  const envelope = last && "status" in last ? last : undefined;
  return { events: envelope ? docs.slice(0, -1) : docs, envelope };
}

/** Why a run did not converge, in one short line. */
function failure(r, envelope, duplicates) {
  if (r.code === 0 && duplicates.length > 0) return `duplicates: ${duplicates.join("; ")}`;
  const target = envelope?.result?.stacks?.[0]?.deploy?.targets?.find((t) => t.status !== "deployed");
  const msg = target?.error?.message ?? envelope?.error?.message ?? r.stderr.trim().split("\n").at(-1) ?? "";
  return `exit ${r.code}: ${msg}`.slice(0, 160);
}

async function runOnce(platform, seed, faults) {
  const dir = mkdtempSync(join(tmpdir(), "apiship-bench-faults-"));
  const site = await platform.start(dir, { ...faults, seed });
  try {
    const r = await cli(["deploy", "--yes", "--json"], dir, site.env);
    const { events, envelope } = parseStream(r.stdout);
    const retries = events.filter((e) => e.type === "retry");
    // A retry event names the attempt that failed; the call went on to attempt + 1.
    const maxAttempts = retries.reduce((m, e) => Math.max(m, Number(e.attempt) + 1), 1);
    const targets = envelope?.result?.stacks?.flatMap((s) => s.deploy?.targets ?? []) ?? [];
    const duplicates = site.duplicates();
    const converged =
      r.code === 0 &&
      envelope?.status === "ok" &&
      targets.length > 0 &&
      targets.every((t) => t.status === "deployed") &&
      duplicates.length === 0;
    return {
      seed,
      converged,
      requests: site.apiRequests(),
      retries: retries.length,
      maxAttempts,
      ms: r.ms,
      why: converged ? "" : failure(r, envelope, duplicates),
    };
  } finally {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const perCall = (requests, retries) =>
  requests > retries ? (requests / (requests - retries)).toFixed(2) : "-";

export async function runFaultsBench() {
  const { PLATFORMS, FAULTS } = await loadPlatforms();
  console.log(
    `\nFirst deploys under faults: ${FAULTS.throttleRate * 100}% throttling, ${FAULTS.errorRate * 100}% 5xx, ${SEEDS} seeds per platform`,
  );
  const summary = [];
  for (const p of PLATFORMS) {
    const runs = [];
    // Sequential: two cores, and each run is a CLI process beside its fake.
    for (let i = 0; i < SEEDS; i++) runs.push(await runOnce(p, p.seed + 10 * i, FAULTS));
    const total = (k) => runs.reduce((n, r) => n + r[k], 0);
    const rows = runs.map((r) => [
      r.seed,
      r.converged ? "yes" : "no",
      r.requests,
      r.retries,
      perCall(r.requests, r.retries),
      r.maxAttempts,
      `${(r.ms / 1000).toFixed(1)} s`,
      r.why,
    ]);
    const converged = runs.filter((r) => r.converged).length;
    rows.push([
      "all",
      `${converged}/${runs.length}`,
      total("requests"),
      total("retries"),
      perCall(total("requests"), total("retries")),
      Math.max(...runs.map((r) => r.maxAttempts)),
      `${(total("ms") / 1000).toFixed(1)} s`,
      "",
    ]);
    printTable(
      p.id,
      ["seed", "converged", "requests", "retries", "attempts/call", "max attempts", "wall", "why not"],
      rows,
    );
    summary.push([p.id, `${converged}/${runs.length}`]);
  }
  printTable("Convergence per platform", ["platform", "converged"], summary);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runFaultsBench();
