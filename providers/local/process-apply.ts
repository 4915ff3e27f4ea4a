// apply, rollback and destroy of local/process. A deploy stops the running process and starts
// the new build on the same port (a process cannot change in place); the engine's HTTP health
// check then runs against it, and a failed one brings rollback(), which starts the kept
// previous build again. Each process runs under the supervisor (runtime/supervise.mjs), as the
// leader of its own process group, detached from apiship so that it outlives the CLI.

import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { ApplyResult, Artifact, Ctx, PlannedChange } from "../../src/core/provider.js";
import { codeIdentity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { REPO_ROOT, runtimeEntry } from "../_shared/runtime/entries.js";
import { languageOf } from "../_shared/portable.js";
import { pruneBuilds } from "./build.js";
import { endpointOf, freePort, listening, waitListening } from "./net.js";
import { findOwned, identify, stopProcess } from "./pids.js";
import type { ProcessId } from "./pids.js";
import type { LocalProcessOptions } from "./process-plan.js";
import { processEnv } from "./process-plan.js";
import { localPaths, removeMarker, writeMarkerSync } from "./state.js";
import type { LocalPaths, LocalProcessState } from "./state.js";

export interface LocalClients {
  /** The deploying machine's environment: PATH and friends are passed on to the process. */
  env: Record<string, string | undefined>;
}

type LocalCtx = Ctx<LocalClients>;
type Change = PlannedChange<LocalProcessOptions, LocalProcessState>;

const SUPERVISOR = join(REPO_ROOT, "providers/local/runtime/supervise.mjs");
/** How long a new process may take to listen on its port. */
const START_TIMEOUT_MS = 20_000;

// What a process inherits from the deploying shell: enough to find its interpreter and its
// packages (a virtualenv's python, a corporate CA bundle), and nothing else. Like a cloud, it
// gets the manifest's env and secrets, not the deployer's credentials.
const PASSED_ON = [
  "PATH",
  "HOME",
  "USER",
  "LANG",
  "LC_ALL",
  "TZ",
  "TMPDIR",
  "SYSTEMROOT",
  "VIRTUAL_ENV",
  "PYTHONPATH",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
];

function baseEnv(clients: LocalClients): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of PASSED_ON) {
    const v = clients.env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const userError = (ctx: LocalCtx, message: string, code: string, hint: string) =>
  new ProviderError(message, { code, fault: "user", target: ctx.target.name, hint });

const logsHint = (ctx: LocalCtx) =>
  `see its output: apiship logs --env ${ctx.stack.environment} --target ${ctx.target.name}`;

async function logTail(log: string, lines: number): Promise<string> {
  const text = await readFile(log, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Every process this target runs or left behind: the recorded one and any labelled orphan. */
async function stopAll(ctx: LocalCtx, paths: LocalPaths, recorded: ProcessId | undefined, grace: number) {
  const owned = await findOwned(paths.owner);
  const all = recorded ? [recorded, ...owned.filter((o) => o.pid !== recorded.pid)] : owned;
  if (all.length === 0) return;
  ctx.progress.step("stop process");
  for (const p of all) await stopProcess(p, grace);
  ctx.progress.done("stop process");
}

interface Launch {
  cwd: string;
  command: string[];
  code: string;
  host: string;
  port: number;
  env: Record<string, string>;
  secrets: Record<string, string>;
  secretHashes: Record<string, string>;
}

/** Starts `l` under the supervisor and waits until it listens; records it the moment it has a pid. */
async function launch(ctx: LocalCtx, paths: LocalPaths, l: Launch): Promise<LocalProcessState> {
  ctx.progress.step("start process");
  await mkdir(paths.dir, { recursive: true });
  if (await listening(l.host, l.port))
    throw userError(
      ctx,
      `port ${l.port} on ${l.host} is in use by another program`,
      "PORT_IN_USE",
      "stop that program, or set another `port:` on the target (or remove it to get a free one)",
    );
  const env = {
    ...baseEnv(ctx.clients),
    ...l.env,
    ...l.secrets,
    PORT: String(l.port),
    HOST: l.host,
    APISHIP_OWNER: paths.owner,
    APISHIP_CODE: l.code,
  };
  const argv = [process.execPath, SUPERVISOR, paths.log, ...l.command];
  const fd = openSync(paths.log, "a", 0o600);
  let child;
  try {
    child = spawn(argv[0] as string, argv.slice(1), {
      cwd: l.cwd,
      env,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw userError(ctx, `cannot start ${argv[0]}`, "START_FAILED", logsHint(ctx));
  const id = await identify(pid);
  const state: LocalProcessState = {
    pid,
    identity: id?.identity ?? "",
    command: id?.command ?? argv,
    run: l.command,
    cwd: l.cwd,
    host: l.host,
    port: l.port,
    code: l.code,
    env: l.env,
    secrets: l.secretHashes,
    startedAt: new Date().toISOString(),
    log: paths.log,
    running: true,
  };
  const { running: _, ...marker } = state;
  writeMarkerSync(paths.marker, marker);
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  child.unref();
  if (await waitListening(l.host, l.port, START_TIMEOUT_MS, () => exited !== undefined)) {
    ctx.progress.done("start process");
    return state;
  }
  if (exited === undefined) await stopProcess(state, 2000);
  const tail = await logTail(paths.log, 8);
  throw userError(
    ctx,
    exited !== undefined
      ? `the process exited (code ${exited}) before it listened on port ${l.port}${tail ? `:\n${tail}` : ""}`
      : `the process did not listen on port ${l.port} within ${START_TIMEOUT_MS / 1000}s`,
    "START_FAILED",
    logsHint(ctx),
  );
}

/** The command that runs a build: the heroku/web entry under the host's Node.js or Python. */
function commandOf(ctx: LocalCtx, change: Change): string[] {
  const fn = change.service.function;
  const language = fn ? languageOf(fn.runtime) : undefined;
  if (!language)
    throw userError(
      ctx,
      "local/process runs Node.js and Python functions",
      "UNSUPPORTED",
      "use platform: container",
    );
  const entry = runtimeEntry("heroku/web", language);
  // The CLI's own Node.js runs Node functions: the machine has it, whatever the manifest's minor.
  if (language === "nodejs") return [process.execPath, entry.output];
  // A path (".venv/bin/python") is the manifest's, like function.source; a bare name is looked up on PATH.
  const python = change.target.options.python;
  const exe =
    python.includes("/") && !isAbsolute(python) ? resolve(ctx.stack.baseDir ?? ".", python) : python;
  return [exe, entry.output];
}

function artifactOf(ctx: LocalCtx, change: Change): Artifact {
  const a = change.artifact;
  if (a) return a;
  // Re-applying without a build (a rollback through plan): the build already running.
  const seen = change.observed;
  if (seen) return { path: seen.cwd, sha256: seen.code, digest: seen.code, bytes: 0 };
  throw userError(
    ctx,
    "no build of the function to start",
    "NO_BUILD",
    "run apiship deploy, which builds it",
  );
}

export async function apply(ctx: LocalCtx, change: Change): Promise<ApplyResult<LocalProcessState>> {
  const paths = localPaths(ctx.stack, ctx.target.name);
  const o = change.target.options;
  const seen = change.observed;
  const action = change.changes[0]?.action ?? "no-op";
  if (action === "no-op" && seen?.running) return resultOf(seen);
  const artifact = artifactOf(ctx, change);
  const grace = o.stopTimeout * 1000;
  await stopAll(ctx, paths, seen?.running ? seen : undefined, grace);
  const port = o.port ?? seen?.port ?? change.recorded?.port ?? (await freePort(o.host));
  const state = await launch(ctx, paths, {
    cwd: artifact.path,
    command: commandOf(ctx, change),
    code: codeIdentity(artifact),
    host: o.host,
    port,
    env: processEnv(change),
    secrets: change.secrets,
    secretHashes: { ...change.secretHashes },
  });
  await pruneBuilds(paths.builds, [artifact.path, ...(seen ? [seen.cwd] : [])]);
  return resultOf(state);
}

export async function rollback(
  ctx: LocalCtx,
  state: LocalProcessState,
  to: LocalProcessState,
  secrets: Record<string, string> = {},
): Promise<ApplyResult<LocalProcessState>> {
  const paths = localPaths(ctx.stack, ctx.target.name);
  if (!(await isDir(to.cwd)))
    throw userError(
      ctx,
      `the build of release ${to.code.slice(0, 12)} is no longer kept`,
      "ROLLBACK_UNAVAILABLE",
      "deploy that version of the source again",
    );
  const grace = ((ctx.target.options as Partial<LocalProcessOptions>).stopTimeout ?? 5) * 1000;
  await stopAll(ctx, paths, state, grace);
  const restored = await launch(ctx, paths, {
    cwd: to.cwd,
    command: to.run,
    code: to.code,
    host: to.host,
    port: state.port,
    env: to.env,
    secrets,
    secretHashes: to.secrets,
  });
  return resultOf(restored);
}

const isDir = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );

export async function destroy(ctx: LocalCtx, state: LocalProcessState): Promise<void> {
  const paths = localPaths(ctx.stack, ctx.target.name);
  const grace = ((ctx.target.options as Partial<LocalProcessOptions>).stopTimeout ?? 5) * 1000;
  await stopAll(ctx, paths, state.pid ? state : undefined, grace);
  await removeMarker(paths.marker);
  await rm(join(paths.builds, ".."), { recursive: true, force: true });
}

export function resultOf(s: LocalProcessState): ApplyResult<LocalProcessState> {
  const endpoint = endpointOf(s.host, s.port);
  return {
    state: s,
    endpoint,
    outputs: { pid: String(s.pid), port: String(s.port), log: s.log },
    release: s.code.slice(0, 12),
  };
}
