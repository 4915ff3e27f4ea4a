// Each command of the action's script: run the CLI with --json, print what a person reads in the
// log, then the outputs, the job summary and the comments. Exit codes are apiship's, except that
// a plan with changes (exit 2 of --detailed-exitcode) succeeds with has-changes=true: a PR whose
// plan changes something is the normal case, not a failed check.

import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSink } from "../apply/progress.js";
import type { StampedEvent } from "../apply/types.js";
import type { DeployCommandResult } from "../cli/commands/deploy.js";
import type { DestroyCommandResult } from "../cli/commands/destroy.js";
import type { OutputsResult } from "../cli/commands/outputs.js";
import type { PlanResult } from "../cli/commands/plan.js";
import type { RollbackCommandResult } from "../cli/commands/rollback.js";
import type { ValidateResult } from "../cli/commands/validate.js";
import { renderRun } from "../cli/run-view.js";
import { renderHuman } from "../plan/render/human.js";
import { groupedSink, inGitHubActions } from "./annotations.js";
import type { Invocation } from "./command.js";
import { outputsInvocation, runCli } from "./command.js";
import { cutMarkdown } from "./comment.js";
import type { ActionInputs } from "./inputs.js";
import type { StackComment } from "./run-comment.js";
import { mergeComments, planComments } from "./run-comment.js";
import type { ActionContext } from "./run-io.js";
import { annotate, emptyOutputs, envelopeOf, finish, line, report } from "./run-io.js";
import * as view from "./summary.js";

export async function validate(ctx: ActionContext, inv: Invocation): Promise<number> {
  const run = await runCli(ctx.bin, inv, { stderr: ctx.stderr });
  const env = envelopeOf<ValidateResult>(run.stdout, run.code);
  report(ctx, env);
  const summary = view.validateSummaryLine(env.result);
  if (summary) line(ctx, summary);
  finish(
    ctx,
    { ...emptyOutputs(), summary: summary || (env.error?.message ?? ""), "exit-code": String(run.code) },
    view.validateMarkdown(env),
  );
  return run.code;
}

/**
 * The plan's JSON as a file for later steps (the `plan-json` output): under the runner's temp
 * folder, which the job keeps until it ends and which is not the repository's checkout.
 */
function writePlanJson(ctx: ActionContext, result: PlanResult): string {
  const base = ctx.env.RUNNER_TEMP || tmpdir();
  const file = join(mkdtempSync(join(base, "apiship-plan-")), "plan.json");
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export async function plan(ctx: ActionContext, inputs: ActionInputs, inv: Invocation): Promise<number> {
  const run = await runCli(ctx.bin, inv, { stderr: ctx.stderr });
  const env = envelopeOf<PlanResult>(run.stdout, run.code);
  for (const p of env.result?.plans ?? []) line(ctx, renderHuman(p, { color: false }));
  report(ctx, env);
  const saved = inv.planFile && (run.code === 0 || run.code === 2) && existsSync(inv.planFile);
  const markdown = view.planMarkdown(env);
  const comments: StackComment[] = (env.result?.plans ?? []).map((p) => ({
    stack: p.stack,
    markdown: view.planMarkdown({ status: "ok", result: { plans: [p] }, warnings: [] }),
  }));
  const urls = inputs.comment ? await planComments(ctx, inputs, comments) : [];
  finish(
    ctx,
    {
      ...emptyOutputs(),
      "has-changes": String(run.code === 2 || view.planHasChanges(env.result)),
      "plan-file": saved ? (inv.planFile ?? "") : "",
      "plan-json": env.result ? writePlanJson(ctx, env.result) : "",
      "plan-markdown": env.result ? cutMarkdown(markdown) : "",
      "comment-url": urls.join("\n"),
      summary: view.planSummaryLine(env.result) || (env.error?.message ?? ""),
      "exit-code": String(run.code),
    },
    markdown,
  );
  return run.code === 2 ? 0 : run.code;
}

/** Renders the engine's NDJSON events as plain lines, grouped per target inside Actions. */
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

/** Runs an engine command (deploy, rollback, destroy), its events printed as they come. */
async function engineRun<T>(ctx: ActionContext, inv: Invocation) {
  const printer = eventPrinter(ctx);
  const run = await runCli(ctx.bin, inv, { stderr: ctx.stderr, onLine: printer.onLine });
  printer.close();
  return { code: run.code, env: envelopeOf<T>(run.stdout, run.code) };
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

/** What deploy and rollback report alike: endpoints, release ids and the merged PR's comment. */
async function applied(
  ctx: ActionContext,
  inputs: ActionInputs,
  inv: Invocation,
  r: { code: number; hasResult: boolean; summary: string; markdown: string; changed: boolean },
  runs: readonly { stack: string; release?: { id: number } | undefined }[],
  comments: readonly StackComment[],
): Promise<number> {
  const endpoints = r.hasResult ? await endpointsAfter(ctx, inputs, inv) : {};
  const urls = inputs.commentOnMerge ? await mergeComments(ctx, inputs, comments) : [];
  finish(
    ctx,
    {
      ...emptyOutputs(),
      "has-changes": String(r.changed),
      "plan-file": inv.planFile ?? "",
      endpoints: JSON.stringify(endpoints),
      "release-id": view.releaseIds(runs),
      "comment-url": urls.join("\n"),
      summary: r.summary,
      "exit-code": String(r.code),
    },
    r.markdown,
    view.endpointOutputs(endpoints),
  );
  return r.code;
}

export async function deploy(ctx: ActionContext, inputs: ActionInputs, inv: Invocation): Promise<number> {
  const { code, env } = await engineRun<DeployCommandResult>(ctx, inv);
  for (const s of env.result?.stacks ?? []) if (s.deploy) line(ctx, renderRun("deploy", s.deploy));
  report(ctx, env);
  const stacks = env.result?.stacks ?? [];
  const comments = stacks.map((s) => ({
    stack: s.stack,
    markdown: view.deployMarkdown({ status: "ok", result: { stacks: [s] }, warnings: [] }),
  }));
  const summary = view.deploySummaryLine(env.result) || (env.error?.message ?? "");
  const runs = stacks.map((s) => ({ stack: s.stack, release: s.deploy?.release }));
  const r = { code, hasResult: !!env.result, summary, markdown: view.deployMarkdown(env) };
  return applied(ctx, inputs, inv, { ...r, changed: view.deployHasChanges(env.result) }, runs, comments);
}

export async function rollback(ctx: ActionContext, inputs: ActionInputs, inv: Invocation): Promise<number> {
  const { code, env } = await engineRun<RollbackCommandResult>(ctx, inv);
  const stacks = env.result?.stacks ?? [];
  for (const s of stacks) line(ctx, renderRun("rollback", s));
  report(ctx, env);
  const comments = stacks.map((s) => ({
    stack: s.stack,
    markdown: view.rollbackMarkdown({
      status: "ok",
      result: { stacks: [s], cancelled: false },
      warnings: [],
    }),
  }));
  const summary = view.rollbackSummaryLine(env.result) || (env.error?.message ?? "");
  const r = { code, hasResult: !!env.result, summary, markdown: view.rollbackMarkdown(env) };
  return applied(ctx, inputs, inv, { ...r, changed: view.rollbackHasChanges(env.result) }, stacks, comments);
}

export async function destroy(ctx: ActionContext, inv: Invocation): Promise<number> {
  const { code, env } = await engineRun<DestroyCommandResult>(ctx, inv);
  for (const s of env.result?.stacks ?? []) line(ctx, renderRun("destroy", s));
  report(ctx, env);
  finish(
    ctx,
    {
      ...emptyOutputs(),
      "has-changes": String(view.destroyHasChanges(env.result)),
      "release-id": view.releaseIds(env.result?.stacks ?? []),
      summary: view.destroySummaryLine(env.result) || (env.error?.message ?? ""),
      "exit-code": String(code),
    },
    view.destroyMarkdown(env),
  );
  return code;
}
