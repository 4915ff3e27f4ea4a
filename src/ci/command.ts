// The apiship command line the action runs, and running it: the CLI as a child process,
// its --json result read from stdout, its stderr passed through to the job's log, Ctrl-C and
// cancellation forwarded so the CLI can save its state and exit 130.

import { spawn } from "node:child_process";
import { constants } from "node:os";
import { resolve } from "node:path";
import type { Diagnostic } from "../errors.js";
import { InternalError } from "../errors.js";
import type { Env } from "./annotations.js";
import type { ActionInputs } from "./inputs.js";

export interface Invocation {
  args: string[];
  env: Env;
  cwd: string;
  /** The plan file, absolute: written by plan, read by deploy. */
  planFile?: string;
}

function selection(inputs: ActionInputs): string[] {
  // `--flag=value` so that a value starting with "-" is never taken for a flag.
  const args = inputs.files.map((f) => `--file=${f}`);
  if (inputs.environment) args.push(`--env=${inputs.environment}`);
  return args;
}

/** What each command adds to the selection: the confirmations CI gives by configuration. */
function commandArgs(inputs: ActionInputs, planFile: string | undefined): string[] {
  const targets = inputs.targets.map((t) => `--target=${t}`);
  switch (inputs.command) {
    case "validate":
      return [];
    case "plan":
      return [...targets, "--detailed-exitcode", ...(planFile ? [`--out=${planFile}`] : [])];
    case "deploy":
      // Choosing `command: deploy` in a workflow is the confirmation; a saved plan needs none.
      return [...targets, "--yes", ...(planFile ? [`--plan=${planFile}`] : [])];
    case "destroy":
      // destroy asks for the environment's name, not a yes: the environment input repeats it
      // (readInputs refuses destroy without one).
      return [...targets, `--confirm=${inputs.environment ?? ""}`];
    case "rollback":
      return [...targets, "--yes", ...(inputs.rollbackTo !== undefined ? [`--to=${inputs.rollbackTo}`] : [])];
  }
}

/**
 * The command for the inputs. The state URL travels in APISHIP_STATE rather than argv, where
 * a password in it would show in process listings and in the command line the action logs.
 */
export function buildInvocation(inputs: ActionInputs, env: Env, cwd: string): Invocation {
  const dir = resolve(cwd, inputs.workingDirectory);
  const planFile = inputs.planFile ? resolve(dir, inputs.planFile) : undefined;
  const args = [inputs.command, "--json", ...selection(inputs), ...commandArgs(inputs, planFile)];
  // The action's own inputs (the GitHub token among them) are none of the CLI's business.
  const childEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("INPUT_")));
  if (inputs.state) childEnv.APISHIP_STATE = inputs.state;
  return {
    args,
    env: childEnv,
    cwd: dir,
    ...(planFile ? { planFile } : {}),
  };
}

/** `apiship outputs --json` for the same manifests and environment: endpoints after a deploy. */
export function outputsInvocation(inputs: ActionInputs, run: Invocation): Invocation {
  return { args: ["outputs", "--json", ...selection(inputs)], env: run.env, cwd: run.cwd };
}

/** `apiship validate --json` for the same manifests: which secrets the stacks reference. */
export function validateInvocation(inputs: ActionInputs, run: Invocation): Invocation {
  return { args: ["validate", "--json", ...selection(inputs)], env: run.env, cwd: run.cwd };
}

export interface Envelope<T = unknown> {
  status: "ok" | "error";
  result?: T;
  error?: { code: string; message: string; hint?: string; diagnostics?: Diagnostic[] };
  warnings: Diagnostic[];
}

export interface CliRun {
  code: number;
  stdout: string;
}

export interface RunOptions {
  /** Called with every complete stdout line as it arrives (deploy's NDJSON events). */
  onLine?: (line: string) => void;
  stderr: { write(s: string): unknown };
}

function exitOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/** Runs `node <bin> ...args` with stdin closed (CI has none); resolves with its exit code. */
export function runCli(bin: string, inv: Invocation, opts: RunOptions): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...inv.args], {
      cwd: inv.cwd,
      env: inv.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: a Ctrl-C or a runner's signal to ours reaches it once, through
      // `forward`, since a second SIGINT would make the CLI quit without waiting for calls in flight.
      detached: true,
    });
    const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
    const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const chunks: string[] = [];
    let partial = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (s: string) => {
      chunks.push(s);
      if (!opts.onLine) return;
      const lines = (partial + s).split("\n");
      partial = lines.pop() ?? "";
      lines.forEach(opts.onLine);
    });
    child.stderr.on("data", (b: Buffer) => opts.stderr.write(b.toString("utf8")));
    child.on("error", (e) => {
      for (const [s, h] of handlers) process.off(s, h);
      reject(
        new InternalError(`could not run apiship: ${e.message}`, { cause: e, hint: `is ${bin} built?` }),
      );
    });
    child.on("close", (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      if (partial !== "") opts.onLine?.(partial);
      resolvePromise({ code: exitOf(code, signal), stdout: chunks.join("") });
    });
  });
}

/**
 * The `{status, result, warnings}` document: all of stdout for most commands, the last line
 * for those that stream NDJSON events first.
 */
export function parseEnvelope<T>(stdout: string): Envelope<T> {
  const text = stdout.trim();
  const candidates = [text, text.split("\n").at(-1) ?? ""];
  for (const c of candidates) {
    if (!c.startsWith("{")) continue;
    try {
      const doc = JSON.parse(c) as Partial<Envelope<T>>;
      if (doc.status === "ok" || doc.status === "error") return { warnings: [], ...doc } as Envelope<T>;
    } catch {
      // Not this candidate: NDJSON output is not one document; the last line is tried next.
      continue;
    }
  }
  throw new InternalError("apiship printed no JSON result on stdout", {
    hint: `its output began: ${JSON.stringify(text.slice(0, 200))}; this is a bug in the action, please report it`,
  });
}

/** The command line as the log shows it. Values of the state never appear: see buildInvocation. */
export function commandLine(inv: Invocation): string {
  const quote = (a: string) => (/^[\w./:=@,+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  return ["apiship", ...inv.args].map(quote).join(" ");
}
