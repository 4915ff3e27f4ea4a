// whoami() of the local platforms (`apiship doctor`). There is no account: the principal is the
// user on this machine, and the reach read is the program the target runs with. local/process:
// the CLI's own Node.js for a Node function, or `python --version` of the target's interpreter
// for a Python one; local/container: the engine found on PATH (createClients fails when there is
// none) and `<engine> version`, which asks its daemon. Nothing is started or changed.

import { execFile } from "node:child_process";
import { hostname, userInfo } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { Ctx, Identity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { reachBy } from "../_shared/whoami.js";
import type { ContainerClients } from "./container-cli.js";
import { runOk } from "./container-cli.js";

function me(): Identity {
  let user = "unknown user";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container run under an arbitrary uid): the user stays unnamed.
  }
  return { principal: `${user}@${hostname()}`, detail: "the user on this machine" };
}

function versionOf(exe: string, cwd: string, signal: AbortSignal): Promise<string> {
  return new Promise((done, fail) => {
    execFile(exe, ["--version"], { cwd, timeout: 10_000, signal }, (err, stdout, stderr) => {
      if (err) fail(err);
      else done(`${String(stdout)}${String(stderr)}`.trim().split("\n")[0] ?? "");
    });
  });
}

/** The interpreter a local/process target runs with, as commandOf (process-apply.ts) picks it. */
async function runtimeReach(ctx: Ctx<unknown>): Promise<string> {
  const fn = ctx.stack.service.function;
  if (!fn) return "no function to run (local/process runs functions)";
  if (/^nodejs/.test(fn.runtime)) return `Node.js ${process.version} (this CLI's own) runs ${fn.runtime}`;
  const python = String((ctx.target.options as { python?: unknown }).python ?? "python3");
  const base = ctx.stack.baseDir ?? ".";
  const exe = python.includes("/") && !isAbsolute(python) ? resolve(base, python) : python;
  try {
    return `${await versionOf(exe, base, ctx.signal)} (${python}) runs ${fn.runtime}`;
  } catch (e) {
    throw new ProviderError(`${python} cannot run: ${(e as Error).message.split("\n")[0] ?? ""}`, {
      code: "PYTHON_MISSING",
      fault: "user",
      target: ctx.target.name,
      cause: e,
      hint: "install Python 3 (python3 on PATH), or point the target's `python` at an interpreter (e.g. .venv/bin/python)",
    });
  }
}

export async function whoamiProcess(ctx: Ctx<unknown>): Promise<Identity> {
  const id = me();
  id.reach = await reachBy(() => runtimeReach(ctx));
  return id;
}

export async function whoamiContainer(ctx: Ctx<ContainerClients>): Promise<Identity> {
  const c = ctx.clients;
  const id = { ...me(), detail: `the user on this machine; ${c.engine} at ${c.cli}` };
  id.reach = await reachBy(async () => {
    const v = (await runOk(c, ["version", "--format", "{{.Server.Version}}"], ctx.target.name)).trim();
    return `the ${c.engine} engine answered${v ? ` (server ${v})` : ""}`;
  });
  return id;
}
