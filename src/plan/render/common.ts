// What the human and Markdown views share: the plan as lines of (symbol, text, tone), computed
// from the Plan JSON alone (never from adapter objects), so a saved plan renders exactly like
// a fresh one. Each view only decides how to indent, colour and wrap these lines.

import type { Action } from "../../core/provider.js";
import { diffValues, flattenLeaves, pathMatches, pathOverlaps } from "../diff.js";
import type { Change, Drift, Plan, Summary } from "../types.js";

export type Tone = "create" | "update" | "replace" | "delete" | "plain";

export interface Line {
  /** "+", "~", "-/+", "-" or "" for a plain line. */
  sym: string;
  text: string;
  tone: Tone;
  /** 0: a resource's header; 1: one of its attributes. */
  depth: 0 | 1;
}

export const SENSITIVE = "(sensitive)";

const SYMBOL: Record<Action, string> = { "no-op": "", create: "+", update: "~", replace: "-/+", delete: "-" };
const TONE: Record<Action, Tone> = {
  "no-op": "plain",
  create: "create",
  update: "update",
  replace: "replace",
  delete: "delete",
};
const VERB: Record<Action, string> = {
  "no-op": "is unchanged",
  create: "will be created",
  update: "will be updated in place",
  replace: "must be replaced",
  delete: "will be destroyed",
};

export function summaryText(s: Summary): string {
  return `${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete`;
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== "no-op");
}

export function errorCount(plan: Plan): number {
  return plan.diagnostics.filter((d) => d.severity === "error").length;
}

/** The plan's closing line, in Terraform's words. */
export function closingLine(plan: Plan): string {
  if (hasChanges(plan)) return `Plan: ${summaryText(plan.summary)}.`;
  if (errorCount(plan) > 0) return "No changes in the targets that could be planned.";
  return "No changes. Your infrastructure matches the configuration.";
}

export interface TargetGroup {
  target: string;
  platform: string;
  changes: Change[];
  summary: Summary;
}

/** Changes grouped by target, in plan order. */
export function groupByTarget(plan: Plan): TargetGroup[] {
  const groups = new Map<string, TargetGroup>();
  for (const c of plan.changes) {
    const g = groups.get(c.target) ?? {
      target: c.target,
      platform: c.platform,
      changes: [],
      summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 0 },
    };
    g.changes.push(c);
    if (c.action === "no-op") g.summary.noop += 1;
    else g.summary[c.action] += 1;
    groups.set(c.target, g);
  }
  return [...groups.values()];
}

export function formatValue(v: unknown): string {
  return v === undefined ? "null" : JSON.stringify(v);
}

function attributeLine(c: Change, path: string, before: unknown, after: unknown): Line {
  const secret = pathOverlaps(path, c.sensitivePaths);
  const show = (v: unknown): string => (secret ? SENSITIVE : formatValue(v));
  const forces = c.action === "replace" && pathOverlaps(path, c.replacePaths) ? "  # forces replacement" : "";
  if (before === undefined)
    return { sym: "+", text: `${path} = ${show(after)}${forces}`, tone: "create", depth: 1 };
  if (after === undefined)
    return { sym: "-", text: `${path} = ${show(before)}${forces}`, tone: "delete", depth: 1 };
  const text = secret ? `${path} = ${SENSITIVE}` : `${path} = ${show(before)} → ${show(after)}`;
  return { sym: "~", text: `${text}${forces}`, tone: "update", depth: 1 };
}

function attributeLines(c: Change): Line[] {
  if (c.action === "create") {
    return flattenLeaves(c.after ?? undefined).map((l) => attributeLine(c, l.path, undefined, l.value));
  }
  if (c.action === "delete") {
    return flattenLeaves(c.before ?? undefined).map((l) => attributeLine(c, l.path, l.value, undefined));
  }
  return diffValues(c.before ?? undefined, c.after ?? undefined).map((d) =>
    attributeLine(c, d.path, d.before, d.after),
  );
}

/** A forcing path the attribute diff cannot show (e.g. an adapter-declared trigger). */
function unlistedForces(c: Change, attrs: readonly Line[]): Line[] {
  if (c.action !== "replace") return [];
  const shown = attrs.map((l) => l.text.split(" = ")[0] ?? "");
  return c.replacePaths
    .filter((p) => !shown.some((s) => pathMatches(s, [p]) || pathMatches(p, [s])))
    .map((p) => ({ sym: "", text: `# ${p} forces replacement`, tone: "plain" as const, depth: 1 as const }));
}

/** The header and attribute lines of one change. */
export function changeLines(c: Change): Line[] {
  const header: Line = {
    sym: SYMBOL[c.action],
    text: `${c.address} "${c.name}" ${VERB[c.action]}`,
    tone: TONE[c.action],
    depth: 0,
  };
  const reason: Line[] = c.reason ? [{ sym: "", text: `# (${c.reason})`, tone: "plain", depth: 1 }] : [];
  const attrs = attributeLines(c);
  return [header, ...reason, ...attrs, ...unlistedForces(c, attrs)];
}

export const DRIFT_NOTE =
  "Found in the cloud but not made by apiship; the actions below start from what was found.";

/** A drift entry's recorded and observed values as text, secrets masked. */
export function driftValues(d: Drift): { recorded: string; observed: string } {
  if (d.path === "")
    return { recorded: d.recorded ? "exists" : "absent", observed: d.observed ? "exists" : "absent" };
  if (d.sensitive) return { recorded: SENSITIVE, observed: SENSITIVE };
  return { recorded: formatValue(d.recorded), observed: formatValue(d.observed) };
}

/** One line describing a drift entry, secrets masked. */
export function driftText(d: Drift): string {
  if (d.path === "") {
    return d.observed ? "exists in the cloud but was not recorded" : "was deleted outside apiship";
  }
  if (d.sensitive) return `${d.path} = ${SENSITIVE}`;
  const v = driftValues(d);
  return `${d.path} = ${v.recorded} → ${v.observed}`;
}

export function driftByTarget(plan: Plan): Map<string, Drift[]> {
  const out = new Map<string, Drift[]>();
  for (const d of plan.drift) out.set(d.target, [...(out.get(d.target) ?? []), d]);
  return out;
}

/** Targets whose changes are all no-ops. */
export function unchangedTargets(groups: readonly TargetGroup[]): TargetGroup[] {
  return groups.filter((g) => g.changes.every((c) => c.action === "no-op"));
}
