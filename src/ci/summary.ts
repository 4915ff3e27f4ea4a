// What the action reports of a run: the Markdown for the job summary page, the one-line
// `summary` output, the `endpoints` output and `has-changes`. Rendered from the CLI's --json
// results alone, like every other view (DESIGN.md §4).

import type { DeployCommandResult, StackDeploy } from "../cli/commands/deploy.js";
import type { OutputsResult } from "../cli/commands/outputs.js";
import type { PlanResult } from "../cli/commands/plan.js";
import type { Summary } from "../plan/types.js";
import { summaryText } from "../plan/render/common.js";
import { renderMarkdown } from "../plan/render/markdown.js";
import type { Envelope } from "./command.js";

const changed = (s: Summary) => s.create + s.update + s.replace + s.delete > 0;

/** Table cells: no pipes, no line breaks, HTML inert. */
function cell(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ");
}

function codeSpan(s: string): string {
  return `<code>${cell(s)}</code>`;
}

export function planHasChanges(r: PlanResult | undefined): boolean {
  return (r?.plans ?? []).some((p) => changed(p.summary));
}

/**
 * What the deploy applied, not what its plan proposed: true only when some target's release
 * took effect. A run whose targets all failed or were rolled back changed nothing for its users.
 */
export function deployHasChanges(r: DeployCommandResult | undefined): boolean {
  return (r?.stacks ?? []).some(
    (s) => s.outcome === "applied" && (s.deploy?.targets ?? []).some((t) => t.status === "deployed"),
  );
}

export function planSummaryLine(r: PlanResult | undefined): string {
  return (r?.plans ?? [])
    .map((p) => `${p.stack}: ${changed(p.summary) ? summaryText(p.summary) : "no changes"}`)
    .join("\n");
}

const RESULT: Record<number, string> = {
  0: "deployed",
  1: "failed",
  3: "partial: some targets failed",
  130: "interrupted",
};

function stackLine(s: StackDeploy): string {
  if (s.outcome === "no-changes") return `${s.stack}: no changes`;
  if (s.outcome === "cancelled") return `${s.stack}: cancelled`;
  const code = s.deploy?.exitCode ?? 1;
  return `${s.stack}: ${RESULT[code] ?? "failed"} (exit ${code}), ${summaryText(s.changes)}`;
}

export function deploySummaryLine(r: DeployCommandResult | undefined): string {
  return (r?.stacks ?? []).map(stackLine).join("\n");
}

/** The error part of a failed run, for the summary page. */
function errorMarkdown(env: Envelope): string[] {
  if (!env.error) return [];
  const lines = [`> [!CAUTION]`, `> **${cell(env.error.message)}**`];
  if (env.error.hint) lines.push(`> `, `> hint: ${cell(env.error.hint)}`);
  for (const d of env.error.diagnostics ?? []) {
    const where = d.file ? `${d.file}${d.line !== undefined ? `:${d.line}` : ""} ` : "";
    lines.push(`> - ${cell(`${where}${d.path}: ${d.message}`)}`);
  }
  return [...lines, ""];
}

function stackMarkdown(s: StackDeploy): string[] {
  const out = [`### apiship deploy of ${codeSpan(s.stack)}`, ""];
  if (s.outcome !== "applied" || !s.deploy) {
    const what = s.outcome === "cancelled" ? "Cancelled; nothing was changed." : "No changes.";
    return [...out, `**${what}**`, ""];
  }
  const d = s.deploy;
  const release = d.release ? ` Release #${d.release.id}: ${d.release.result}.` : "";
  out.push(`**Result: ${RESULT[d.exitCode] ?? "failed"} (exit ${d.exitCode}).${release}**`, "");
  out.push("| Target | Platform | Status | Endpoint | Release |", "| --- | --- | --- | --- | --- |");
  for (const t of d.targets) {
    out.push(
      `| ${codeSpan(t.target)} | ${cell(t.platform)} | ${cell(t.status)} | ${cell(t.endpoint ?? "")} | ${cell(t.release ?? "")} |`,
    );
  }
  out.push("");
  for (const t of d.targets.filter((x) => x.error))
    out.push(`- ${codeSpan(t.target)}: ${cell(t.error?.message ?? "")}`);
  for (const w of d.warnings) out.push(`- warning: ${cell(w)}`);
  return [...out, ""];
}

export function planMarkdown(env: Envelope<PlanResult>): string {
  const plans = (env.result?.plans ?? []).map(renderMarkdown);
  const head = errorMarkdown(env);
  return [...head, ...plans].join("\n") || "apiship plan produced no plan.\n";
}

export function deployMarkdown(env: Envelope<DeployCommandResult>): string {
  const body = (env.result?.stacks ?? []).flatMap(stackMarkdown);
  const all = [...errorMarkdown(env), ...body];
  return all.length > 0 ? all.join("\n") : "apiship deploy produced no result.\n";
}

/**
 * Endpoints after a deploy: `{target: url}`, keyed `stack:target` when the run covers several
 * stacks (two environments may share target names).
 */
export function endpointsOf(r: OutputsResult | undefined): Record<string, string> {
  const stacks = r?.stacks ?? [];
  const out: Record<string, string> = {};
  for (const s of stacks) {
    for (const t of s.targets) {
      if (t.endpoint === undefined) continue;
      out[stacks.length > 1 ? `${s.stack}:${t.target}` : t.target] = t.endpoint;
    }
  }
  return out;
}
