// The GitHub Action's script (action.yml runs it as dist/src/ci/action.js): read the inputs,
// run `apiship plan|deploy --json`, then write the step's outputs, the job summary, the
// annotations and, on a pull request, the plan comment. Its exit code is apiship's, except that
// a plan with changes (exit 2 of --detailed-exitcode) succeeds with has-changes=true: a PR whose
// plan changes something is the normal case, not a failed check.

import { existsSync } from "node:fs";
import { createSink } from "../apply/progress.js";
import type { StampedEvent } from "../apply/types.js";
import type { DeployCommandResult } from "../cli/commands/deploy.js";
import type { OutputsResult } from "../cli/commands/outputs.js";
import type { PlanResult } from "../cli/commands/plan.js";
import { renderRun } from "../cli/run-view.js";
import { toApishipError } from "../errors.js";
import { formatDiagnostic } from "../manifest/format.js";
import { renderHuman } from "../plan/render/human.js";
import type { Env, GroupStream } from "./annotations.js";
import { diagnosticAnnotation, groupedSink, inGitHubActions, workflowCommand } from "./annotations.js";
import type { Envelope, Invocation } from "./command.js";
import { buildInvocation, commandLine, outputsInvocation, parseEnvelope, runCli } from "./command.js";
import { commentBody, upsertComment } from "./comment.js";
import { pullRequest, writeOutputs, writeStepSummary } from "./github.js";
import type { ActionInputs, OutputName } from "./inputs.js";
import { readInputs } from "./inputs.js";
import * as view from "./summary.js";

export interface ActionContext {
  env: Env;
  cwd: string;
  /** The CLI entry (bin/run.js of the action's checkout). */
  bin: string;
  stdout: GroupStream;
  stderr: GroupStream;
  fetch?: typeof fetch;
}

type Outputs = Record<OutputName, string>;

const line = (ctx: ActionContext, s: string) => void ctx.stdout.write(s.endsWith("\n") ? s : `${s}\n`);

/** Runs the action; resolves with the exit code for the step. Every failure is reported, none thrown. */
export async function runAction(ctx: ActionContext): Promise<number> {
  try {
    const inputs = readInputs(ctx.env);
    const inv = buildInvocation(inputs, ctx.env, ctx.cwd);
    maskState(ctx, inputs);
    line(ctx, `Running: ${commandLine(inv)}`);
    return inputs.command === "plan" ? await plan(ctx, inputs, inv) : await deploy(ctx, inputs, inv);
  } catch (e) {
    const error = toApishipError(e);
    const hint = error.hint ? `\nhint: ${error.hint}` : "";
    line(ctx, annotate(ctx.env, "error", `apiship: ${error.code}`, `${error.message}${hint}`));
    return error.exitCode;
  }
}

/** A password in the state URL is masked in the whole job's log before anything could print it. */
function maskState(ctx: ActionContext, inputs: ActionInputs): void {
  if (!inputs.state || !inGitHubActions(ctx.env) || !URL.canParse(inputs.state)) return;
  const raw = new URL(inputs.state).password;
  if (!raw) return;
  // Mask both spellings; a malformed %-escape must not fail the step.
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = raw;
  }
  for (const p of new Set([raw, decoded])) line(ctx, `::add-mask::${p}`);
}

function annotate(env: Env, kind: "error" | "warning" | "notice", title: string, message: string): string {
  return inGitHubActions(env) ? workflowCommand(kind, { title }, message) : `${kind}: ${message}`;
}

/** The envelope, or an error envelope saying what happened when the CLI printed none (killed). */
function envelopeOf<T>(stdout: string, code: number): Envelope<T> {
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
function report(ctx: ActionContext, env: Envelope): void {
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

function finish(ctx: ActionContext, outputs: Outputs, markdown: string): void {
  writeOutputs(ctx.env, outputs);
  writeStepSummary(ctx.env, markdown);
  for (const [k, v] of Object.entries(outputs)) line(ctx, `output ${k}: ${v.replace(/\n/g, "; ")}`);
}

async function plan(ctx: ActionContext, inputs: ActionInputs, inv: Invocation): Promise<number> {
  const run = await runCli(ctx.bin, inv, { stderr: ctx.stderr });
  const env = envelopeOf<PlanResult>(run.stdout, run.code);
  for (const p of env.result?.plans ?? []) line(ctx, renderHuman(p, { color: false }));
  report(ctx, env);
  const saved = inv.planFile && (run.code === 0 || run.code === 2) && existsSync(inv.planFile);
  const markdown = view.planMarkdown(env);
  finish(
    ctx,
    {
      "has-changes": String(run.code === 2 || view.planHasChanges(env.result)),
      "plan-file": saved ? (inv.planFile ?? "") : "",
      endpoints: "{}",
      summary: view.planSummaryLine(env.result) || (env.error?.message ?? ""),
      "exit-code": String(run.code),
    },
    markdown,
  );
  if (inputs.comment) await comment(ctx, inputs, env.result);
  return run.code === 2 ? 0 : run.code;
}

/** Renders deploy's NDJSON events as plain lines, grouped per target inside Actions. */
function eventPrinter(ctx: ActionContext): { onLine: (l: string) => void; close: () => void } {
  const sink = inGitHubActions(ctx.env)
    ? groupedSink(ctx.stdout, (s) => createSink("plain", s))
    : createSink("plain", ctx.stdout);
  const onLine = (l: string) => {
    if (l.trim() === "" || l.startsWith('{"status"')) return;
    try {
      sink.emit(JSON.parse(l) as StampedEvent);
    } catch {
      // Not an event: a line the CLI printed for people; it goes to the log as it is.
      line(ctx, l);
    }
  };
  return { onLine, close: () => sink.close() };
}

async function deploy(ctx: ActionContext, inputs: ActionInputs, inv: Invocation): Promise<number> {
  const printer = eventPrinter(ctx);
  const run = await runCli(ctx.bin, inv, { stderr: ctx.stderr, onLine: printer.onLine });
  printer.close();
  const env = envelopeOf<DeployCommandResult>(run.stdout, run.code);
  for (const s of env.result?.stacks ?? []) if (s.deploy) line(ctx, renderRun("deploy", s.deploy));
  report(ctx, env);
  const endpoints = env.result ? await endpointsAfter(ctx, inputs, inv) : {};
  finish(
    ctx,
    {
      "has-changes": String(view.deployHasChanges(env.result)),
      "plan-file": inv.planFile ?? "",
      endpoints: JSON.stringify(endpoints),
      summary: view.deploySummaryLine(env.result) || (env.error?.message ?? ""),
      "exit-code": String(run.code),
    },
    view.deployMarkdown(env),
  );
  return run.code;
}

/** `apiship outputs --json`: the state's endpoints, those of unchanged targets included. */
async function endpointsAfter(
  ctx: ActionContext,
  inputs: ActionInputs,
  inv: Invocation,
): Promise<Record<string, string>> {
  const run = await runCli(ctx.bin, outputsInvocation(inputs, inv), { stderr: ctx.stderr });
  const env = envelopeOf<OutputsResult>(run.stdout, run.code);
  if (env.status === "error") {
    line(
      ctx,
      annotate(ctx.env, "warning", "apiship outputs", `endpoints unknown: ${env.error?.message ?? ""}`),
    );
  }
  return view.endpointsOf(env.result);
}

/**
 * Posts or edits each stack's plan comment. A comment that cannot be written is a warning, not
 * a failed plan: a pull request from a fork gets a read-only token, and the plan is still in the
 * job summary.
 */
async function comment(
  ctx: ActionContext,
  inputs: ActionInputs,
  result: PlanResult | undefined,
): Promise<void> {
  const pr = pullRequest(ctx.env);
  if (!pr) {
    line(
      ctx,
      annotate(ctx.env, "notice", "apiship", "comment: true, but this run is not for a pull request"),
    );
    return;
  }
  if (!inputs.githubToken) {
    line(
      ctx,
      annotate(ctx.env, "warning", "apiship comment", "no github-token: the plan comment was skipped"),
    );
    return;
  }
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = ctx.env;
  const runUrl = server && repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
  const target = {
    apiUrl: ctx.env.GITHUB_API_URL || "https://api.github.com",
    token: inputs.githubToken,
    pr,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  };
  for (const p of result?.plans ?? []) {
    try {
      const body = commentBody(
        p.stack,
        view.planMarkdown({ status: "ok", result: { plans: [p] }, warnings: [] }),
        runUrl,
      );
      const saved = await upsertComment(target, p.stack, body);
      line(
        ctx,
        `Plan of ${p.stack}: comment ${saved.action} on #${pr.number}${saved.url ? ` (${saved.url})` : ""}`,
      );
    } catch (e) {
      const error = toApishipError(e);
      line(
        ctx,
        annotate(ctx.env, "warning", "apiship comment", `${error.message}\nhint: ${error.hint ?? ""}`),
      );
    }
  }
}
