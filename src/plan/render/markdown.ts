// The plan as a pull-request comment (`plan --format markdown`): a summary table, then one
// collapsible <details> per target with the same lines as the terminal view in a ```diff block
// (GitHub colours its + and - lines), drift apart, diagnostics last. Rendered from the Plan
// JSON alone.

import { coldStartText, estimatesTitle, money, sortedEstimates } from "./estimates.js";
import type { Plan, PlanDiagnostic } from "../types.js";
import type { Line, TargetGroup } from "./common.js";
import {
  changeLines,
  closingLine,
  DRIFT_NOTE,
  driftByTarget,
  driftValues,
  errorCount,
  groupByTarget,
  summaryText,
} from "./common.js";

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Table cells: no pipes, no line breaks, HTML inert. */
function cell(s: string): string {
  return escapeHtml(s).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Inline code that survives backticks in the text. */
function code(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** Inline code inside a table cell, where GFM needs even a code span's pipes escaped. */
function codeCell(s: string): string {
  return code(s).replace(/\|/g, "\\|");
}

/** A fenced block whose fence is longer than any backtick run inside it. */
function fenced(lang: string, lines: readonly string[]): string[] {
  const longest = Math.max(2, ...lines.flatMap((l) => [...l.matchAll(/`+/g)].map((m) => m[0].length)));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${lang}`, ...lines, fence];
}

// In a diff block the symbol must sit in column 0 for GitHub to colour the line; GitHub colours
// "!" lines orange, so updates and replaces ("~", "-/+") are written "!" (as tfcmt does) and
// the verb of the header line tells them apart.
function diffLine(l: Line): string {
  const indent = l.depth === 0 ? "" : "    ";
  if (l.sym === "") return `  ${indent}${l.text}`;
  const sym = l.sym === "~" || l.sym === "-/+" ? "!" : l.sym;
  return `${sym} ${indent}${l.text}`;
}

function statusOf(g: TargetGroup): string {
  return g.changes.every((c) => c.action === "no-op") ? "no changes" : summaryText(g.summary);
}

function summaryTable(plan: Plan, groups: readonly TargetGroup[]): string[] {
  const rows = groups.map(
    (g) =>
      `| ${codeCell(g.target)} | ${cell(g.platform)} | ${g.summary.create} | ${g.summary.update} | ${g.summary.replace} | ${g.summary.delete} |`,
  );
  const failed = [
    ...new Set(plan.diagnostics.filter((d) => d.severity === "error" && d.target).map((d) => d.target)),
  ];
  for (const t of failed)
    if (t && !groups.some((g) => g.target === t))
      rows.push(`| ${codeCell(t)} | _could not be planned_ | | | | |`);
  if (rows.length === 0) return [];
  return [
    "| Target | Platform | Create | Update | Replace | Delete |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
  ];
}

function targetSection(g: TargetGroup): string[] {
  const changed = g.changes.filter((c) => c.action !== "no-op");
  if (changed.length === 0) return [];
  const summary = `<summary><code>${escapeHtml(g.target)}</code> (${escapeHtml(g.platform)}): ${statusOf(g)}</summary>`;
  return [
    "<details>",
    summary,
    "",
    ...fenced("diff", changed.flatMap(changeLines).map(diffLine)),
    "",
    "</details>",
    "",
  ];
}

function driftSection(plan: Plan): string[] {
  if (plan.drift.length === 0) return [];
  const rows = [...driftByTarget(plan)].flatMap(([target, entries]) =>
    entries.map((d) => {
      const v = driftValues(d);
      const path = d.path === "" ? "(whole target)" : codeCell(d.path);
      return `| ${codeCell(target)} | ${path} | ${codeCell(v.recorded)} | ${codeCell(v.observed)} |`;
    }),
  );
  return [
    "<details>",
    `<summary>Drift since last apply: ${plan.drift.length} difference${plan.drift.length === 1 ? "" : "s"}</summary>`,
    "",
    DRIFT_NOTE,
    "",
    "| Target | Attribute | Recorded | Observed |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    "</details>",
    "",
  ];
}

function diagnosticItem(d: PlanDiagnostic): string {
  const label = d.severity === "error" ? "**Error**" : "**Warning**";
  const target = d.target ? ` (${code(d.target)})` : "";
  const hint = d.hint ? `<br>_Hint:_ ${cell(d.hint)}` : "";
  return `- ${label} ${code(d.code)}${target}: ${cell(d.message)}${hint}`;
}

function footer(plan: Plan): string {
  const serial = plan.stateSerial === 0 ? "no state yet" : `state serial ${plan.stateSerial}`;
  const sha = plan.manifest.sha256.slice(0, 12);
  return `<sub>${escapeHtml(plan.tool.name)} ${escapeHtml(plan.tool.version)} · ${serial} · manifest ${code(plan.manifest.path)} (sha256 ${sha}) · ${plan.createdAt}</sub>`;
}

/** The plan as GitHub-flavoured Markdown, ending with a newline. */
/** Cost and cold starts per target, as Infracost's comment shows cost (issue 21). */
function estimatesTable(plan: Plan): string[] {
  const entries = sortedEstimates(plan);
  if (entries.length === 0) return [];
  const rows = entries.map(
    ([t, e]) =>
      `| ${codeCell(t)} | ${cell(money(e.monthly))} | ${cell(e.deltaMonthly === undefined ? "" : `${e.deltaMonthly >= 0 ? "+" : "−"}${money(Math.abs(e.deltaMonthly))}`)} | ${cell(coldStartText(e))} |`,
  );
  return [
    `#### ${estimatesTitle(plan).replace(/:$/, "")}`,
    "",
    "| target | monthly | vs deployed | cold starts |",
    "| --- | ---: | ---: | --- |",
    ...rows,
    "",
  ];
}

export function renderMarkdown(plan: Plan): string {
  const groups = groupByTarget(plan);
  const errors = errorCount(plan);
  const out = [`### apiship plan for ${code(plan.stack)}`, "", `**${closingLine(plan)}**`, ""];
  if (errors > 0) out.push(`:x: ${errors} error${errors === 1 ? "" : "s"}: see below.`, "");
  out.push(
    ...summaryTable(plan, groups),
    ...driftSection(plan),
    ...groups.flatMap(targetSection),
    ...estimatesTable(plan),
  );
  if (plan.diagnostics.length > 0)
    out.push("#### Diagnostics", "", ...plan.diagnostics.map(diagnosticItem), "");
  out.push(footer(plan));
  return `${out.join("\n")}\n`;
}
