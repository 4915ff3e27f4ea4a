// The terminal view of a plan, in Terraform's manner, rendered from the Plan JSON alone.
// Colour only when the caller asks (the CLI: a TTY without NO_COLOR), so piped output and
// golden files are plain text.

import {
  coldStartText,
  costText,
  estimatesTitle,
  foldedWarnings,
  money,
  sortedEstimates,
} from "./estimates.js";
import { neutralContract } from "../../manifest/runtimes.js";
import type { Plan, PlanDiagnostic } from "../types.js";
import type { Line, Tone } from "./common.js";
import {
  DRIFT_NOTE,
  changeLines,
  closingLine,
  driftByTarget,
  driftText,
  groupByTarget,
  hasChanges,
  unchangedTargets,
} from "./common.js";

export interface HumanOptions {
  color: boolean;
  /** Append the diagnostics (default true); the CLI prints them to stderr instead. */
  diagnostics?: boolean;
  /** Print each estimate's assumptions (plan --explain). */
  explain?: boolean;
}

const ANSI: Record<Tone | "bold" | "dim" | "error" | "warning", string> = {
  create: "32",
  update: "33",
  replace: "35",
  delete: "31",
  plain: "",
  bold: "1",
  dim: "2",
  error: "1;31",
  warning: "1;33",
};

type Paint = (style: keyof typeof ANSI, s: string) => string;

function painter(color: boolean): Paint {
  return (style, s) => (color && ANSI[style] ? `\u001b[${ANSI[style]}m${s}\u001b[0m` : s);
}

function renderLine(l: Line, paint: Paint): string {
  const indent = l.depth === 0 ? "  " : "      ";
  if (l.sym === "") return `${indent}${paint("dim", l.text)}`;
  // Right-align the symbol as Terraform does, so "-/+" lines up with "+" and "~".
  const sym = l.depth === 0 ? l.sym.padStart(3) : l.sym;
  const text = l.depth === 0 ? paint("bold", l.text) : l.text;
  return `${l.depth === 0 ? "" : indent}${paint(l.tone, sym)} ${text}`;
}

function header(plan: Plan): string[] {
  const serial = plan.stateSerial === 0 ? "no state yet" : `state serial ${plan.stateSerial}`;
  return [`apiship plan for ${plan.stack} (${serial}, manifest ${plan.manifest.path})`, ""];
}

function driftSection(plan: Plan, paint: Paint): string[] {
  if (plan.drift.length === 0) return [];
  const out = [paint("bold", "Drift since last apply:"), `  ${DRIFT_NOTE}`, ""];
  for (const [target, entries] of driftByTarget(plan)) {
    out.push(`  ${paint("bold", target)}`);
    for (const d of entries) out.push(`      ${paint("update", "~")} ${driftText(d)}`);
    out.push("");
  }
  return out;
}

function changesSection(plan: Plan, paint: Paint): string[] {
  if (!hasChanges(plan)) return [];
  const out = [
    "apiship will perform the following actions:",
    `  ${paint("create", "+")} create   ${paint("update", "~")} update in place   ${paint("replace", "-/+")} replace   ${paint("delete", "-")} delete`,
    "",
  ];
  const groups = groupByTarget(plan);
  for (const g of groups) {
    const changed = g.changes.filter((c) => c.action !== "no-op");
    if (changed.length === 0) continue;
    out.push(paint("bold", `${g.target} (${g.platform})`));
    for (const c of changed) out.push(...changeLines(c).map((l) => renderLine(l, paint)));
    out.push("");
  }
  const unchanged = unchangedTargets(groups);
  if (unchanged.length > 0) {
    out.push(
      paint("dim", `Unchanged: ${unchanged.map((g) => `${g.target} (${g.platform})`).join(", ")}`),
      "",
    );
  }
  return out;
}

function diagnosticLines(d: PlanDiagnostic, paint: Paint): string[] {
  const label = d.severity === "error" ? paint("error", "Error:") : paint("warning", "Warning:");
  const out = [`${label} ${d.message}`];
  const where = d.path ? `at ${d.path}` : d.target ? `target ${d.target}` : "";
  out.push(paint("dim", `  ${where ? `${where} ` : ""}(${d.code})`));
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out;
}

/** What each function target will run: its interface, package size and code identity. */
function codeSection(plan: Plan, paint: Paint): string[] {
  const entries = Object.entries(plan.code ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([t]) => t.length));
  const out = [paint("bold", "Function code:")];
  for (const [target, c] of entries) {
    const size = c.bytes === undefined ? "built by the platform from git" : `${kib(c.bytes)} package`;
    const kind = c.interface === "portable" ? "portable (generated entry)" : nativeKind(c.runtime);
    out.push(`  ${target.padEnd(width)}  ${kind}, ${size}, code ${c.sha256.slice(0, 12)}`);
  }
  return [...out, ""];
}

/** "native", saying why when the runtime has no portable interface to choose instead. */
function nativeKind(runtime: string | undefined): string {
  return runtime !== undefined && !neutralContract(runtime)
    ? `native (${runtime} has no portable interface)`
    : "native";
}

/** Monthly cost with its breakdown, the change against what is deployed, and cold starts. */
function estimatesSection(plan: Plan, paint: Paint, explain: boolean): string[] {
  const entries = sortedEstimates(plan);
  if (entries.length === 0) return [];
  const out = [paint("bold", estimatesTitle(plan))];
  for (const [target, e] of entries) {
    out.push(`  ${target}: ${costText(e)}`, `    cold starts: ${coldStartText(e)}`);
    for (const l of e.lines)
      out.push(paint("dim", `    ${money(l.amount).padStart(10)}  ${l.label} (${l.priceId})`));
    for (const w of foldedWarnings(e)) out.push(paint("warning", `    warning: ${w}`));
    if (explain) for (const x of e.explain) out.push(paint("dim", `    · ${x}`));
  }
  return [...out, ""];
}

const kib = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);

/** The plan as terminal text, ending with a newline; diagnostics last unless `diagnostics: false`. */
export function renderHuman(plan: Plan, opts: HumanOptions): string {
  const paint = painter(opts.color);
  const out = [
    ...header(plan),
    ...driftSection(plan, paint),
    ...changesSection(plan, paint),
    ...codeSection(plan, paint),
    ...estimatesSection(plan, paint, opts.explain === true),
  ];
  out.push(paint("bold", closingLine(plan)));
  if (opts.diagnostics !== false)
    for (const d of plan.diagnostics) out.push("", ...diagnosticLines(d, paint));
  return `${out.join("\n")}\n`;
}

/** The plan's diagnostics alone, for stderr, so `apiship plan > plan.txt` still shows them. */
export function renderHumanDiagnostics(plan: Plan, opts: { color: boolean }): string {
  const paint = painter(opts.color);
  return plan.diagnostics.map((d) => diagnosticLines(d, paint).join("\n")).join("\n\n");
}
