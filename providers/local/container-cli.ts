// The container engine on this machine, driven through its CLI: docker, or podman, which takes
// the same commands. Found on PATH when clients are created, so `plan` names what it looked for
// when neither is there. Secret values reach a container as `-e NAME` with the value in the
// CLI's own environment, never on its command line (which `ps` shows to every user).

import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { ProviderError } from "../../src/errors.js";

export interface ContainerClients {
  cli: string;
  /** "docker" or "podman". */
  engine: string;
  env: Record<string, string | undefined>;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function onPath(name: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  return undefined;
}

/** The engine the target names, else docker, else podman, from PATH. */
export async function findEngine(
  env: Record<string, string | undefined>,
  wanted: "docker" | "podman" | undefined,
): Promise<ContainerClients> {
  const tried = wanted ? [wanted] : (["docker", "podman"] as const);
  const path = env.PATH ?? "";
  for (const engine of tried) {
    const cli = await onPath(engine, path);
    if (cli) return { cli, engine, env };
  }
  throw new ProviderError(`no container engine: ${tried.join(" or ")} is not on PATH`, {
    code: "CONTAINER_ENGINE_MISSING",
    fault: "user",
    hint: "install Docker or Podman (or put it on PATH); a function needs none: use platform: process",
  });
}

/** Runs the CLI; `extraEnv` (secret values) goes into its environment only. */
export function run(
  c: ContainerClients,
  args: string[],
  extraEnv: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      c.cli,
      args,
      { env: { ...c.env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024, ...(signal ? { signal } : {}) },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Runs the CLI and fails with its own message when it fails. */
export async function runOk(
  c: ContainerClients,
  args: string[],
  target: string,
  extraEnv: Record<string, string> = {},
): Promise<string> {
  const r = await run(c, args, extraEnv);
  if (r.code === 0) return r.stdout;
  const said = r.stderr.trim().split("\n").slice(-3).join(" ");
  const down =
    /Cannot connect to the Docker daemon|Is the docker daemon running|connection refused|podman\.sock/i.test(
      said,
    );
  throw new ProviderError(`${c.engine} ${args[0] ?? ""} failed: ${said || `exit code ${r.code}`}`, {
    code: down ? "CONTAINER_ENGINE_DOWN" : "CONTAINER_CLI_FAILED",
    fault: down ? "user" : "cloud",
    target,
    hint: down
      ? `start the ${c.engine} daemon (the CLI is installed, but its engine does not answer)`
      : `run \`${c.engine} ${args.join(" ")}\` yourself to see the full error`,
  });
}
