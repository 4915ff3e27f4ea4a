// What every command of the action's script shares: its context, the log lines and annotations
// it writes, the CLI's --json envelope read back, and the step's outputs and job summary.

import type { Env, GroupStream } from "./annotations.js";
import { diagnosticAnnotation, inGitHubActions, workflowCommand } from "./annotations.js";
import { formatDiagnostic } from "../manifest/format.js";
import type { Envelope } from "./command.js";
import { parseEnvelope } from "./command.js";
import { writeOutputs, writeStepSummary } from "./github.js";
import type { ApiTarget } from "./github-api.js";
import type { OutputName } from "./inputs.js";

export interface ActionContext {
  env: Env;
  cwd: string;
  /** The CLI entry: action/dist/bin/run.js in the bundle, the checkout's bin/run.js in tests. */
  bin: string;
  /** The apiship version the action runs (its package.json); the `version` input must match it. */
  version?: string;
  stdout: GroupStream;
  stderr: GroupStream;
  fetch?: typeof fetch;
  /** Waits between GitHub API retries (tests record them instead). */
  sleep?: ApiTarget["sleep"];
}

export type Outputs = Record<OutputName, string>;

/** Every declared output, empty: each command fills in those that apply to it. */
export function emptyOutputs(): Outputs {
  return {
    "has-changes": "false",
    "plan-file": "",
    "plan-json": "",
    "plan-markdown": "",
    endpoints: "{}",
    "release-id": "",
    "comment-url": "",
    summary: "",
    "exit-code": "",
  };
}

export const line = (ctx: ActionContext, s: string) => void ctx.stdout.write(s.endsWith("\n") ? s : `${s}\n`);

export function annotate(
  env: Env,
  kind: "error" | "warning" | "notice",
  title: string,
  message: string,
): string {
  return inGitHubActions(env) ? workflowCommand(kind, { title }, message) : `${kind}: ${message}`;
}

/** The envelope, or an error envelope saying what happened when the CLI printed none (killed). */
export function envelopeOf<T>(stdout: string, code: number): Envelope<T> {
  try {
    return parseEnvelope<T>(stdout);
  } catch (e) {
    if (code === 0 || code === 2) throw e;
    const message = code === 130 ? "apiship was interrupted" : `apiship exited ${code} without a result`;
    return {
      status: "error",
      error: { code: code === 130 ? "INTERRUPTED" : "NO_RESULT", message },
      warnings: [],
    };
  }
}

/** The manifest's problems and the run's error: the --json run printed none of them. */
export function report(ctx: ActionContext, env: Envelope): void {
  const gh = inGitHubActions(ctx.env);
  const diagnostics = [...env.warnings, ...(env.error?.diagnostics ?? [])];
  for (const d of diagnostics)
    line(ctx, gh ? diagnosticAnnotation(d, ctx.env, ctx.cwd) : formatDiagnostic(d, { cwd: ctx.cwd }));
  if (!env.error) return;
  // Diagnostics carry their own annotations; the error that sums them up is one plain line.
  if ((env.error.diagnostics ?? []).length > 0) return line(ctx, `Error: ${env.error.message}`);
  const hint = env.error.hint ? `\nhint: ${env.error.hint}` : "";
  line(ctx, annotate(ctx.env, "error", `apiship: ${env.error.code}`, `${env.error.message}${hint}`));
}

/**
 * Writes the outputs (the declared ones and `extra`, such as endpoint-<target>, which a
 * JavaScript action may set without declaring), the job summary, and the outputs to the log.
 * plan-markdown is in the summary already and is not logged again.
 */
export function finish(
  ctx: ActionContext,
  outputs: Outputs,
  markdown: string,
  extra: Record<string, string> = {},
): void {
  const all = { ...outputs, ...extra };
  writeOutputs(ctx.env, all);
  writeStepSummary(ctx.env, markdown);
  for (const [k, v] of Object.entries(all)) {
    if (k === "plan-markdown") continue;
    line(ctx, `output ${k}: ${v.replace(/\n/g, "; ")}`);
  }
}
