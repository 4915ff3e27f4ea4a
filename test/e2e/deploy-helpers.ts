// Helpers for the deploy e2e and reliability tests, beside helpers.ts (which runs the built CLI):
// a project folder with a test-provider manifest, a local health endpoint on 127.0.0.1, the fake
// cloud's file, the NDJSON stream of --json runs, a CLI child that can be killed mid-run, and
// the canary check that a secret value never leaves the process that resolves it.

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { expect } from "vitest";
import type { StateExport } from "../../src/cli/commands/state/export.js";
import type { CloudData } from "../support/test-provider/cloud.js";
import type { RunResult } from "./helpers.js";
import { BIN, TEST_PROVIDER, apiship, envelope, tempDir } from "./helpers.js";

export interface HealthServer {
  /** Base URL; use it as a target's `endpoint` option. */
  url: string;
  status: number;
  hits: number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 answering every request with `status` (changeable later). */
export async function healthServer(status = 200): Promise<HealthServer> {
  const server = createServer((req, res) => {
    state.hits++;
    res.writeHead(state.status, { "content-type": "text/plain" });
    res.end(state.status === 200 ? "ok" : `unhealthy: ${req.url ?? ""}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const state: HealthServer = {
    url: `http://127.0.0.1:${port}/`,
    status,
    hits: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}

export interface ProjectOptions {
  targets: string[];
  /** Health endpoint of every target (the test provider's default has nothing listening). */
  endpoint?: string;
  /** Per-target extra options, YAML flow-map entries, e.g. `failOn: "create:service"`. */
  extra?: Record<string, string>;
  image?: string;
  name?: string;
}

export const SECRET_VAR = "DEPLOY_E2E_SECRET";

export function manifestText(o: ProjectOptions): string {
  const targets = o.targets.map((t, i) => {
    const opts = [`provider: test`, `region: local-${i % 3}`];
    if (o.endpoint) opts.push(`endpoint: "${o.endpoint}"`);
    if (o.extra?.[t]) opts.push(o.extra[t]);
    return `  ${t}: { ${opts.join(", ")} }`;
  });
  return [
    "apiVersion: apiship/v1",
    `name: ${o.name ?? "shop"}`,
    "service:",
    `  container: { image: "${o.image ?? "ghcr.io/acme/shop:1"}", port: 8080 }`,
    "  env: { LOG_LEVEL: info }",
    `  secrets: { API_KEY: "env:${SECRET_VAR}" }`,
    "  health: { path: /healthz, attempts: 2, interval: 50ms, timeout: 2s }",
    "targets:",
    ...targets,
    "environments:",
    `  dev: { targets: [${o.targets.join(", ")}] }`,
    "defaultEnvironment: dev",
    "",
  ].join("\n");
}

export interface Project {
  dir: string;
  cloud: string;
  stateFile: string;
  canary: string;
  env: Record<string, string>;
  write(o: ProjectOptions): void;
}

/** A temp folder with apiship.yaml, its own cloud file and a canary secret. */
export function project(o: ProjectOptions): Project {
  const dir = tempDir("apiship-deploy-");
  const cloud = join(dir, "cloud.json");
  const canary = `canary-${process.pid}-${Math.random().toString(36).slice(2)}-9d41`;
  const p: Project = {
    dir,
    cloud,
    stateFile: join(dir, ".apiship", "state.db"),
    canary,
    env: { APISHIP_PLUGINS: TEST_PROVIDER, APISHIP_TEST_CLOUD: cloud, [SECRET_VAR]: canary },
    write: (next) => writeFileSync(join(dir, "apiship.yaml"), manifestText(next)),
  };
  p.write(o);
  return p;
}

export function readCloud(path: string): CloudData {
  return existsSync(path)
    ? (JSON.parse(readFileSync(path, "utf8")) as CloudData)
    : { resources: {}, calls: [] };
}

/** Resource names in the cloud that carry this stack's ownership tag. */
export function ownedResources(cloud: CloudData, stack: string): string[] {
  return Object.entries(cloud.resources)
    .filter(([, r]) => r.tags["apiship:stack"] === stack)
    .map(([name]) => name)
    .sort();
}

/** Every physical resource name the exported state records, across its targets. */
export function recordedResources(exp: StateExport): string[] {
  const names: string[] = [];
  for (const record of Object.values(exp.state.targets)) {
    const resources = (record.state as { resources?: Record<string, { name?: unknown }> }).resources ?? {};
    for (const r of Object.values(resources)) if (typeof r.name === "string") names.push(r.name);
  }
  return names.sort();
}

export interface JsonStream<T> {
  events: { type: string; [k: string]: unknown }[];
  envelope: ReturnType<typeof envelope<T>>;
}

/** Splits a --json deploy's stdout, all NDJSON: the events, then the envelope as the last line. */
export function jsonStream<T>(r: RunResult): JsonStream<T> {
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "");
  const last = lines.at(-1);
  if (last === undefined || !last.startsWith('{"status"'))
    throw new Error(`no envelope in stdout (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  const events = lines.slice(0, -1).map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
  return { events, envelope: envelope<T>({ ...r, stdout: last }) };
}

/** Records every run's output so the canary check can search all of it. */
export class Runs {
  readonly all: RunResult[] = [];

  constructor(private readonly p: Project) {}

  async cli(args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
    const r = await apiship(args, { cwd: this.p.dir, env: { ...this.p.env, ...env } });
    this.all.push(r);
    return r;
  }

  async exportState(stack = "shop/dev"): Promise<StateExport> {
    const r = await this.cli(["state", "export", stack, "--json"]);
    const out = envelope<StateExport>(r);
    expect(out.status, r.stderr).toBe("ok");
    return out.result as StateExport;
  }

  /** The canary is in no output, nor in the state file's bytes, nor in any file named. */
  assertNoCanary(files: string[] = []): void {
    expect(this.all.length).toBeGreaterThan(0);
    for (const r of this.all) {
      expect(r.stdout.includes(this.p.canary)).toBe(false);
      expect(r.stderr.includes(this.p.canary)).toBe(false);
    }
    for (const f of [this.p.stateFile, `${this.p.stateFile}-wal`, ...files]) {
      if (existsSync(f)) expect(readFileSync(f).includes(this.p.canary)).toBe(false);
    }
  }
}

export interface Child {
  child: ChildProcess;
  /** Resolves when the process ends (a signal death gives 128 + its number). */
  done: Promise<RunResult>;
  /** Resolves when stderr has printed `n` lines (or the process ended first). */
  lines(n: number): Promise<void>;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** The built CLI as a child the test can signal; environment like helpers.apiship's. */
export function spawnCli(args: string[], p: Project, env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: p.dir,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: p.dir,
      CI: "true",
      NO_COLOR: "1",
      TERM: "dumb",
      ...p.env,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const wake = (all: boolean) => {
    for (const w of waiters.splice(0)) {
      if (all || count >= w.n) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout?.on("data", (b: Buffer) => out.push(b));
  child.stderr?.on("data", (b: Buffer) => {
    err.push(b);
    count += b.toString("utf8").split("\n").length - 1;
    wake(false);
  });
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      wake(true);
      resolve({
        code: code ?? (signal ? 128 + (SIGNALS[signal] ?? 0) : -1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
  const lines = (n: number) =>
    new Promise<void>((resolve) => {
      if (count >= n || child.exitCode !== null) return resolve();
      waiters.push({ n, resolve });
    });
  return { child, done, lines };
}
