// What the action reports of a run: the Markdown for the job summary page, the one-line
// `summary` output, the `endpoints` output and `has-changes`. Rendered from the CLI's --json
// results alone, like every other view (DESIGN.md §4).

import type { DeployResult, DestroyResult } from "../apply/types.js";
import type { DeployCommandResult, StackDeploy } from "../cli/commands/deploy.js";
import type { DestroyCommandResult } from "../cli/commands/destroy.js";
import type { OutputsResult } from "../cli/commands/outputs.js";
import type { PlanResult } from "../cli/commands/plan.js";
import type { RollbackCommandResult } from "../cli/commands/rollback.js";
import type { ValidateResult } from "../cli/commands/validate.js";
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

/** A run's result in words: exit 0 is the command's own success ("deployed", "destroyed", ...). */
const outcome = (done: string, code: number) => (code === 0 ? done : (RESULT[code] ?? "failed"));

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

/** A run of the engine (deploy, rollback) as its result line and a table of targets. */
function runMarkdown(d: DeployResult, done: string): string[] {
  const release = d.release ? ` Release #${d.release.id}: ${d.release.result}.` : "";
  const out = [`**Result: ${outcome(done, d.exitCode)} (exit ${d.exitCode}).${release}**`, ""];
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

function stackMarkdown(s: StackDeploy): string[] {
  const out = [`### apiship deploy of ${codeSpan(s.stack)}`, ""];
  if (s.outcome !== "applied" || !s.deploy) {
    const what = s.outcome === "cancelled" ? "Cancelled; nothing was changed." : "No changes.";
    return [...out, `**${what}**`, ""];
  }
  return [...out, ...runMarkdown(s.deploy, "deployed")];
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

const VALIDATE_NONE = "apiship validate produced no result.\n";

export function validateSummaryLine(r: ValidateResult | undefined): string {
  return (r?.manifests ?? [])
    .flatMap((m) => m.stacks)
    .map((st) => `${st.id}: valid, ${st.targets.length} target${st.targets.length === 1 ? "" : "s"}`)
    .join("\n");
}

export function validateMarkdown(env: Envelope<ValidateResult>): string {
  const out = errorMarkdown(env);
  for (const m of env.result?.manifests ?? []) {
    out.push(`### apiship validate: ${codeSpan(m.name)} is valid`, "");
    out.push("| Stack | Kind | Targets |", "| --- | --- | --- |");
    for (const st of m.stacks) {
      const targets = st.targets.map((t) => `${t.name} (${t.provider}/${t.platform})`).join(", ");
      out.push(`| ${codeSpan(st.id)} | ${cell(st.service.kind)} | ${cell(targets)} |`);
    }
    out.push("");
  }
  return out.length > 0 ? out.join("\n") : VALIDATE_NONE;
}

/** True when a target was destroyed (a destroy of nothing recorded changed nothing). */
export function destroyHasChanges(r: DestroyCommandResult | undefined): boolean {
  return (r?.stacks ?? []).some((s) => s.targets.some((t) => t.status === "destroyed"));
}

function destroyLine(s: DestroyResult): string {
  if (s.targets.length === 0) return `${s.stack}: nothing recorded, nothing to destroy`;
  const gone = s.targets.filter((t) => t.status === "destroyed").length;
  return `${s.stack}: ${outcome("destroyed", s.exitCode)} (exit ${s.exitCode}), ${gone} of ${s.targets.length} targets destroyed`;
}

export function destroySummaryLine(r: DestroyCommandResult | undefined): string {
  return (r?.stacks ?? []).map(destroyLine).join("\n");
}

export function destroyMarkdown(env: Envelope<DestroyCommandResult>): string {
  const out = errorMarkdown(env);
  for (const s of env.result?.stacks ?? []) {
    out.push(`### apiship destroy of ${codeSpan(s.stack)}`, "", `**${cell(destroyLine(s))}**`, "");
    if (s.targets.length === 0) continue;
    out.push("| Target | Platform | Status |", "| --- | --- | --- |");
    for (const t of s.targets)
      out.push(`| ${codeSpan(t.target)} | ${cell(t.platform)} | ${cell(t.status)} |`);
    out.push("");
    for (const t of s.targets.filter((x) => x.error))
      out.push(`- ${codeSpan(t.target)}: ${cell(t.error?.message ?? "")}`, "");
  }
  return out.length > 0 ? out.join("\n") : "apiship destroy produced no result.\n";
}

/** True when a target went back to the earlier release. */
export function rollbackHasChanges(r: RollbackCommandResult | undefined): boolean {
  return (r?.stacks ?? []).some((s) => s.targets.some((t) => t.status === "deployed"));
}

export function rollbackSummaryLine(r: RollbackCommandResult | undefined): string {
  if (r?.cancelled) return "rollback cancelled; nothing was changed";
  return (r?.stacks ?? [])
    .map((s) => `${s.stack}: ${outcome("rolled back", s.exitCode)} (exit ${s.exitCode})`)
    .join("\n");
}

export function rollbackMarkdown(env: Envelope<RollbackCommandResult>): string {
  const out = errorMarkdown(env);
  for (const s of env.result?.stacks ?? [])
    out.push(`### apiship rollback of ${codeSpan(s.stack)}`, "", ...runMarkdown(s, "rolled back"));
  return out.length > 0 ? out.join("\n") : "apiship rollback produced no result.\n";
}

/** The `release-id` output: the id, or `stack:id` per line when the run covers several stacks. */
export function releaseIds(runs: readonly { stack: string; release?: { id: number } | undefined }[]): string {
  const made = runs.filter((r) => r.release !== undefined);
  if (runs.length <= 1) return made[0]?.release ? String(made[0].release.id) : "";
  return made.map((r) => `${r.stack}:${r.release?.id ?? ""}`).join("\n");
}

/**
 * One output per endpoint, `endpoint-<key>` for each key of the `endpoints` output (a target, or
 * `stack:target`), with what GitHub's expression syntax cannot name in `steps.x.outputs.NAME`
 * turned into "-": `endpoint-web`, `endpoint-shop-prod-web`.
 */
export function endpointOutputs(endpoints: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, url] of Object.entries(endpoints))
    out[`endpoint-${key.replace(/[^A-Za-z0-9_-]+/g, "-")}`] = url;
  return out;
}
