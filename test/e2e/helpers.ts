// End-to-end helpers: run the BUILT CLI (`node bin/run.js`) as a user would, in a temp working
// directory and HOME, with an environment the test controls (nothing leaks in from the shell
// that started vitest, so an APISHIP_* variable of the developer cannot change a result).

import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "../../src/core/registry.js";
import { loadManifest } from "../../src/manifest/load.js";
import { targetPhysicalName } from "../../src/manifest/names.js";
import { withRecordedResources } from "../../src/plan/assemble.js";
import { fingerprintSecrets, resolveSecret } from "../../src/plan/secrets.js";
import { SqliteStateStore } from "../../src/state/sqlite.js";
import type { TargetRecord } from "../../src/state/store.js";
import testProvider from "../support/test-provider/index.js";
import { service } from "../support/test-provider/service.js";
import type { TestClients, TestServiceOptions } from "../support/test-provider/service.js";
import type { TestState } from "../support/test-provider/resources.js";
import type { DeployableTarget } from "../../src/core/provider.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = join(ROOT, "bin/run.js");
/** The test provider as the built CLI loads it: a plugin module under dist/. */
export const TEST_PROVIDER = join(ROOT, "dist/test/support/test-provider/index.js");
export const EXAMPLES = ["hello-fn", "py-fn", "sentiment-api"].map((e) =>
  join(ROOT, "examples", e, "apiship.yaml"),
);
/** A line of a JavaScript stack trace: what a user must never see for bad input. */
export const STACK_LINE = /^(?: {4,}at \S| +at \S.*:\d+:\d+\)?$)/m;
/** Modules of the cloud SDKs that `validate` and an offline `plan` must never load. */
export const CLOUD_SDK = /@aws-sdk|@azure|@google-cloud|@kubernetes|firebase|heroku-client|digitalocean/;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Added to the controlled base environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
}

const built = join(ROOT, "dist/src/cli/commands/validate.js");
const manifestFile = join(ROOT, "oclif.manifest.json");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function isStale(): boolean {
  if (!existsSync(built) || !existsSync(TEST_PROVIDER) || !existsSync(manifestFile)) return true;
  const sources = Math.max(...["src", "providers", "test/support"].map((d) => newestSource(join(ROOT, d))));
  return sources > statSync(manifestFile).mtimeMs;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds dist/ when it is missing or older than the sources. Test files run in parallel
 * workers, so one builds under a lock directory while the others wait for it.
 */
function buildIfStale(): void {
  if (!isStale()) return;
  const lock = join(ROOT, "dist/.e2e-build.lock");
  mkdirSync(dirname(lock), { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    // Another worker builds. After three minutes it is presumed dead, and ensureBuilt()
    // reports whatever dist/ holds then.
    for (let waited = 0; existsSync(lock) && waited < 180_000; waited += 250) sleep(250);
    return;
  }
  try {
    // The steps of `npm run build`, except that type errors in files being edited elsewhere
    // must not stop the build: tsc emits anyway, and the steps after it still run.
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: { build: string };
    };
    const env = { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}` };
    for (const step of pkg.scripts.build.split("&&").map((s) => s.trim())) {
      const r = spawnSync("sh", ["-c", step], { cwd: ROOT, env, encoding: "utf8" });
      if (r.status !== 0 && !/^tsc\b/.test(step))
        throw new Error(`build step failed: ${step}\n${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Call from beforeAll: builds a stale dist/, and fails clearly when there is none. */
export function ensureBuilt(): void {
  buildIfStale();
  if (!existsSync(built) || !existsSync(TEST_PROVIDER) || !existsSync(manifestFile)) {
    throw new Error(`the CLI is not built (${built} is missing): run npm run build`);
  }
}

/**
 * Writes `count` manifests, svc-0 … svc-<count-1>, each a container with three Kubernetes
 * targets, under `dir/svc-<i>/apiship.yaml`: a plan of many stacks that needs no cloud.
 */
export function writeKubernetesManifests(dir: string, count: number): void {
  for (let i = 0; i < count; i++) {
    mkdirSync(join(dir, `svc-${i}`), { recursive: true });
    const targets = [0, 1, 2].map(
      (t) => `  t${t}: { provider: kubernetes, context: ctx-${t}, namespace: apis }`,
    );
    writeFileSync(
      join(dir, `svc-${i}`, "apiship.yaml"),
      [
        "apiVersion: apiship/v1",
        `name: svc-${i}`,
        "service:",
        `  container: { image: "ghcr.io/acme/svc-${i}:1", port: 8080 }`,
        "targets:",
        ...targets,
        "",
      ].join("\n"),
    );
  }
}

const dirs: string[] = [];

/** A fresh temp directory, removed by cleanup(). */
export function tempDir(prefix = "apiship-e2e-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Removes every temp directory made so far (call it from afterAll). */
export function cleanup(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

let home: string | undefined;

function baseEnv(): Record<string, string> {
  home ??= tempDir("apiship-e2e-home-");
  const env: Record<string, string> = {
    HOME: home,
    CI: "true",
    NO_COLOR: "1",
    TERM: "dumb",
    LANG: "C.UTF-8",
  };
  for (const k of ["PATH", "SYSTEMROOT", "TMPDIR"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/** Runs `node bin/run.js ...args` with stdin closed; resolves with its exit code and output. */
export function apiship(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const env: Record<string, string | undefined> = { ...baseEnv(), ...opts.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? tempDir(),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

export interface Envelope<T = unknown> {
  status: "ok" | "error";
  result?: T;
  error?: { code: string; message: string; hint?: string; fault?: string };
  warnings: { severity: string; code: string; message: string; path: string }[];
}

/** The `--json` envelope on stdout; fails the test with the output when it is not one JSON document. */
export function envelope<T>(r: RunResult): Envelope<T> {
  try {
    return JSON.parse(r.stdout) as Envelope<T>;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

export interface SeedOptions {
  manifest: string;
  /** The SQLite state file the CLI will be pointed at. */
  stateFile: string;
  cloud: string;
  /** Variables for interpolation and for `env:` secrets. */
  environ: Record<string, string>;
  env?: string;
  /** Leave a lock held by a process on another host (for `state unlock`). */
  leaveLock?: boolean;
}

export interface Seeded {
  stack: string;
  targets: string[];
  lockId?: string;
}

/**
 * Deploys a stack through the test provider's adapter and records it in the state, the way
 * the executor will once it lands: so a re-plan starts from a cloud and a state that agree.
 * It runs in this process on the TypeScript sources; the CLI under test only reads the result.
 */
export async function seedDeployed(o: SeedOptions): Promise<Seeded> {
  const registry = new Registry({ test: () => Promise.resolve(testProvider) });
  const { manifest } = await loadManifest(o.manifest, {
    registry,
    environ: o.environ,
    ...(o.env ? { env: o.env } : {}),
  });
  const stack = manifest.stacks.find((s) => s.environment === (o.env ?? manifest.defaultEnvironment));
  if (!stack) throw new Error(`no stack for environment ${o.env ?? manifest.defaultEnvironment}`);
  const store = SqliteStateStore.open(o.stateFile);
  try {
    const before = await store.ensure(stack.id);
    const baseDir = dirname(o.manifest);
    const { hashes } = await fingerprintSecrets(stack.service, before.secretKey, o.environ, baseDir);
    const values: Record<string, string> = {};
    for (const [k, ref] of Object.entries(stack.service.secrets))
      values[k] = await resolveSecret(ref, o.environ, baseDir);
    const holder = { user: "e2e", host: "e2e-seed.invalid", pid: 1, command: "e2e seed" };
    const { lock } = await store.acquireLock(stack.id, holder, { ttlMs: 3_600_000 });
    const adapter = service as DeployableTarget<TestServiceOptions, TestState, TestClients>;
    const targets: Record<string, TargetRecord> = {};
    for (const spec of stack.targets) {
      const target = spec as typeof spec & { options: TestServiceOptions };
      const clients = await adapter.createClients({
        target,
        env: { ...o.environ, APISHIP_TEST_CLOUD: o.cloud },
      });
      const noop = () => undefined;
      const ctx = {
        clients,
        stack,
        target,
        progress: { step: noop, done: noop },
        log: { debug: noop, info: noop, warn: noop },
        signal: new AbortController().signal,
      };
      const name = targetPhysicalName(stack, spec, adapter.naming);
      const observed = await adapter.read(ctx, undefined, name);
      const req = {
        stack,
        target,
        service: stack.service,
        name,
        recorded: observed,
        observed,
        secretHashes: hashes,
      };
      const { changes } = adapter.plan(req);
      const applied = await adapter.apply(ctx, { ...req, changes, secrets: values });
      targets[spec.name] = {
        target: spec.name,
        platform: adapter.id,
        name,
        state: withRecordedResources(applied.state, changes),
        outputs: applied.outputs,
        ...(applied.endpoint ? { endpoint: applied.endpoint } : {}),
        ...(applied.release ? { release: applied.release } : {}),
        deployedAt: new Date().toISOString(),
      };
    }
    await store.write(stack.id, lock.id, { expectedSerial: before.serial, targets });
    await store.appendRelease(stack.id, lock.id, {
      createdAt: new Date().toISOString(),
      who: "e2e@seed",
      command: "e2e seed",
      result: "succeeded",
      summary: Object.keys(targets).map((t) => `${t}: create`),
      targets,
    });
    if (!o.leaveLock) await store.releaseLock(stack.id, lock.id);
    return { stack: stack.id, targets: Object.keys(targets), ...(o.leaveLock ? { lockId: lock.id } : {}) };
  } finally {
    await store.close();
  }
}

/** Maps with at most `limit` calls in flight: two cores, and each CLI run is a node process. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
