// The GitHub Action's script (action.yml runs its bundle, action/dist/index.js): read the
// inputs, mask what must never show in the log, run `apiship <command> --json`, then write the
// step's outputs, the job summary, the annotations and the comments (run-commands.ts).

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ValidateResult } from "../cli/commands/validate.js";
import { toApishipError } from "../errors.js";
import { inGitHubActions } from "./annotations.js";
import type { Invocation } from "./command.js";
import { buildInvocation, commandLine, parseEnvelope, runCli, validateInvocation } from "./command.js";
import type { ActionInputs } from "./inputs.js";
import { checkVersion, readInputs } from "./inputs.js";
import { maskCommands, secretValues } from "./mask.js";
import * as commands from "./run-commands.js";
import type { ActionContext } from "./run-io.js";
import { annotate, line } from "./run-io.js";

export type { ActionContext } from "./run-io.js";

/** The version in the package.json of the apiship that `bin` belongs to. */
export function versionOf(bin: string): string | undefined {
  for (let dir = dirname(bin), i = 0; i < 4; i++, dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
    if (pkg.name === "apiship" && typeof pkg.version === "string") return pkg.version;
  }
  return undefined;
}

/** Runs the action; resolves with the exit code for the step. Every failure is reported, none thrown. */
export async function runAction(ctx: ActionContext): Promise<number> {
  try {
    const inputs = readInputs(ctx.env);
    checkVersion(inputs.version, ctx.version ?? versionOf(ctx.bin) ?? "unknown", ctx.env);
    const inv = buildInvocation(inputs, ctx.env, ctx.cwd);
    mask(ctx, inputs.state ? [inputs.state] : []);
    if (inputs.command === "deploy" || inputs.command === "rollback")
      mask(ctx, await secrets(ctx, inputs, inv));
    line(ctx, `Running: ${commandLine(inv)}`);
    switch (inputs.command) {
      case "validate":
        return await commands.validate(ctx, inv);
      case "plan":
        return await commands.plan(ctx, inputs, inv);
      case "deploy":
        return await commands.deploy(ctx, inputs, inv);
      case "rollback":
        return await commands.rollback(ctx, inputs, inv);
      case "destroy":
        return await commands.destroy(ctx, inv);
    }
  } catch (e) {
    const error = toApishipError(e);
    const hint = error.hint ? `\nhint: ${error.hint}` : "";
    line(ctx, annotate(ctx.env, "error", `apiship: ${error.code}`, `${error.message}${hint}`));
    return error.exitCode;
  }
}

/** Masks values in the whole job's log; outside Actions there is no log to mask. */
function mask(ctx: ActionContext, values: readonly string[]): void {
  if (!inGitHubActions(ctx.env)) return;
  for (const c of maskCommands(values)) line(ctx, c);
}

/**
 * The values of the env: and file: secrets the manifests reference, which deploy and rollback
 * resolve and send to the clouds (a cloud's error may echo one): `apiship validate --json` says
 * which they are. A manifest that does not validate has nothing resolved; the run reports it.
 */
async function secrets(ctx: ActionContext, inputs: ActionInputs, inv: Invocation): Promise<string[]> {
  if (!inGitHubActions(ctx.env)) return [];
  const run = await runCli(ctx.bin, validateInvocation(inputs, inv), { stderr: { write: () => true } });
  try {
    const manifests = parseEnvelope<ValidateResult>(run.stdout).result?.manifests ?? [];
    const stacks = manifests.flatMap((m) =>
      m.stacks.map((s) => ({ ...s, baseDir: s.baseDir ?? dirname(m.file) })),
    );
    return secretValues(stacks, inv.env);
  } catch {
    // No result: no stack, no secret to resolve.
    return [];
  }
}
