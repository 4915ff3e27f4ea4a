// What apiship records of a local process, and where its files live on this machine.
//
// The "cloud" of the local provider is a marker file per target (`<target>.json` below
// `.apiship/local/<app>/<env>/`, beside the manifest) plus the kernel's process table: read()
// answers from them, as a cloud adapter answers from its control plane. The marker holds what
// the state holds (pid, identity, command line, port, code hash, env, secret fingerprints) and
// never a secret value; the process's environment is the only place those go.

import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { writeFileSync, mkdirSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Stack } from "../../src/manifest/types.js";

export interface LocalProcessState {
  pid: number;
  /** Kernel start identity of `pid` (pids.ts): how a reused pid is told apart. */
  identity: string;
  /** The supervisor's argv as the kernel holds it: part of the identity. */
  command: string[];
  /** What the supervisor runs: the entry under Node.js or Python. */
  run: string[];
  /** Folder the process runs in: the kept build of its code. */
  cwd: string;
  host: string;
  port: number;
  /** Content digest of the build it runs (codeIdentity). */
  code: string;
  env: Record<string, string>;
  /** Secret name → keyed hash; values go only into the process's environment. */
  secrets: Record<string, string>;
  startedAt: string;
  log: string;
  /** Observed: the recorded process is still running (false: exited or killed). */
  running: boolean;
}

/** Where a target's files live: `.apiship/local/<app>/<env>/` beside the manifest. */
export interface LocalPaths {
  dir: string;
  marker: string;
  log: string;
  builds: string;
  /** The ownership label every process of this target carries (APISHIP_OWNER). */
  owner: string;
}

export function localPaths(
  stack: Pick<Stack, "app" | "environment" | "baseDir">,
  target: string,
): LocalPaths {
  const base = resolve(stack.baseDir ?? process.cwd());
  const dir = join(base, ".apiship", "local", stack.app, stack.environment);
  // Two checkouts of the same app are different deployments: the folder is part of the label.
  const where = createHash("sha256").update(base).digest("hex").slice(0, 10);
  return {
    dir,
    marker: join(dir, `${target}.json`),
    log: join(dir, `${target}.log`),
    builds: join(dir, target, "builds"),
    owner: `${stack.app}/${stack.environment}/${target}@${where}`,
  };
}

type Marker = Omit<LocalProcessState, "running">;

export async function readMarker(path: string): Promise<Marker | undefined> {
  try {
    const m = JSON.parse(await readFile(path, "utf8")) as Partial<Marker>;
    return typeof m.pid === "number" && typeof m.identity === "string" && Array.isArray(m.command)
      ? (m as Marker)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Written synchronously, right after spawn() returned the pid: nothing else runs between the
 * two, so a run killed at any point either left no process or left it recorded here (and the
 * ownership label covers a kill inside spawn itself).
 */
export function writeMarkerSync(path: string, m: Marker): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(m, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export async function writeMarker(path: string, m: Marker): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify(m, null, 2)}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export const removeMarker = (path: string) => rm(path, { force: true });
