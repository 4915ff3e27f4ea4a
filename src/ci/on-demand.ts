// Packages the action's bundle cannot carry, because they hold native code built for one
// platform and one Node ABI: better-sqlite3 (only for a sqlite: state) and esbuild (only to
// bundle a portable Node function). scripts/bundle-action.js swaps their imports for a stub that
// awaits loadOnDemand: the first import installs the lockfile's exact version with npm into a
// cache folder, and later imports (and later jobs, on a runner that keeps its tool cache) load it
// from there. A run that needs neither, such as `validate` or a container service's plan,
// installs nothing.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { UsageError } from "../errors.js";
import type { Env } from "./annotations.js";

/** Why a run needs each package: said in the log line and in the error when it cannot be had. */
const PURPOSE: Record<string, string> = {
  "better-sqlite3": "the sqlite: state store",
  esbuild: "bundling a portable Node.js function",
};

/**
 * Where a package is installed: keyed on its version, the platform and Node's ABI (a native
 * module built for one does not load in another). Under the runner's tool cache, which a
 * self-hosted runner keeps between jobs; APISHIP_ACTION_MODULES moves it.
 */
export function onDemandDir(env: Env, name: string, version: string): string {
  const root = env.APISHIP_ACTION_MODULES || join(env.RUNNER_TOOL_CACHE || tmpdir(), "apiship-action");
  const abi = `${process.platform}-${process.arch}-abi${process.versions.modules}`;
  return join(root, `${name}-${version}-${abi}`);
}

/** npm's arguments: exactly this version, no package.json or lockfile written, install scripts run. */
export function installArgs(name: string, version: string, prefix: string): string[] {
  return [
    "install",
    `${name}@${version}`,
    "--prefix",
    prefix,
    "--no-save",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    // better-sqlite3 fetches its prebuilt binary, and esbuild checks its own, in install scripts.
    "--ignore-scripts=false",
    "--loglevel=error",
  ];
}

/**
 * npm: the one on PATH, else the one installed beside this Node.js (a runner's Node may have
 * no npm of its own on PATH).
 */
function npmCommand(): { file: string; args: string[]; shell: boolean } {
  const win = process.platform === "win32";
  const onPath = spawnSync(win ? "npm.cmd" : "npm", ["--version"], { stdio: "ignore", shell: win });
  if (onPath.status === 0) return { file: win ? "npm.cmd" : "npm", args: [], shell: win };
  const prefix = win ? dirname(process.execPath) : dirname(dirname(process.execPath));
  const cli = join(prefix, win ? "" : "lib", "node_modules", "npm", "bin", "npm-cli.js");
  return {
    file: process.execPath,
    args: existsSync(cli) ? [cli] : ["--eval", "process.exit(127)"],
    shell: false,
  };
}

function installedAt(dir: string, name: string): boolean {
  return existsSync(join(dir, "node_modules", name, "package.json"));
}

/**
 * Installs `name@version` into its folder unless it is there. npm works in a scratch folder that
 * is renamed into place at the end, so a job killed halfway, or two jobs at once on one runner,
 * never leave a half-installed package where the next run would load it.
 */
export function ensureInstalled(env: Env, name: string, version: string): string {
  const dir = onDemandDir(env, name, version);
  if (installedAt(dir, name)) return dir;
  const purpose = PURPOSE[name] ?? name;
  // stderr: with --json, stdout carries the result document alone.
  process.stderr.write(`apiship: installing ${name}@${version} for ${purpose} (once per runner)\n`);
  mkdirSync(dirname(dir), { recursive: true });
  const scratch = `${dir}.tmp-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  const npm = npmCommand();
  const run = spawnSync(npm.file, [...npm.args, ...installArgs(name, version, scratch)], {
    // npm's own output goes to stderr too (fd 2 for its stdout).
    stdio: ["ignore", 2, 2],
    // A registry that never answers must not hold the job until its own timeout. Generous: with
    // no prebuilt binary for the platform, better-sqlite3 compiles from source.
    timeout: 600_000,
    shell: npm.shell,
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  if (run.status !== 0 || !installedAt(scratch, name)) {
    rmSync(scratch, { recursive: true, force: true });
    const why = run.error ? run.error.message : `npm exited ${run.status ?? run.signal ?? "?"}`;
    // Said in the message, since a caller may wrap this error and keep only its message.
    const instead = name === "better-sqlite3" ? "; a postgres:// state needs no install" : "";
    throw new UsageError(
      `${purpose} needs ${name}@${version}, which the action installs with npm on first use, and installing it failed: ${why}${instead}`,
      { hint: "give the job npm and access to the npm registry (npm's own output is above)" },
    );
  }
  try {
    renameSync(scratch, dir);
  } catch (e) {
    // Another job on this runner finished first: its copy is as good as ours.
    rmSync(scratch, { recursive: true, force: true });
    if (!installedAt(dir, name)) throw e;
  }
  return dir;
}

/** The package's CommonJS exports, installed first when needed. */
export function loadOnDemand<T = unknown>(name: string, version: string, env: Env = process.env): T {
  const dir = ensureInstalled(env, name, version);
  // Resolved from inside the folder, as a module there would resolve it.
  const require = createRequire(join(dir, "node_modules", ".apiship-on-demand.cjs"));
  return require(name) as T;
}
