// The human view of an engine run's result (deploy, rollback, destroy): one row per target and
// a closing line that says what the exit code means. Rendered from the typed result alone.
// After the live view (`live`), its final rows already show each target's mark and status and
// its lines the warnings: this view then adds only what they lack (endpoints, releases, the
// failure reasons with their hints) and the one result line, so nothing is on screen twice.

import { describeHealth } from "../apply/health.js";
import type { DeployResult, DestroyResult } from "../apply/types.js";
import { linkUrls } from "./hyperlink.js";
import { table } from "./output.js";

const MEANING: Record<number, string> = {
  0: "ok",
  1: "failed",
  3: "partial: the targets that failed were rolled back or named above, the others went through",
  130: "interrupted: run it again to finish",
};

export function renderRun(
  command: string,
  r: DeployResult | DestroyResult,
  opts: { live?: boolean } = {},
): string {
  const extra = (t: (typeof r.targets)[number]) =>
    "endpoint" in t ? [t.endpoint ?? "", "release" in t && t.release ? `release ${t.release}` : ""] : [];
  const rows = opts.live
    ? r.targets.filter((t) => extra(t).some((x) => x !== "")).map((t) => [t.target, ...extra(t)])
    : r.targets.map((t) => [t.target, t.status, ...extra(t)]);
  const lines = [`${command} ${r.stack}`];
  // Links after the table is laid out: the escape bytes must not count in its column widths.
  if (rows.length > 0) lines.push(linkUrls(table(rows).replace(/^/gm, "  ")));
  else if (r.targets.length === 0) lines.push("  nothing recorded: nothing to do");
  for (const t of r.targets) {
    if (t.error) {
      lines.push(`  ${t.target}: ${t.error.message}`);
      if (t.error.hint) lines.push(`    hint: ${t.error.hint}`);
    }
    // The engine's error already quotes a failed check; a kept unhealthy release may have none.
    else if ("health" in t && t.health && !t.health.ok)
      lines.push(`  ${t.target}: health check ${describeHealth(t.health)}`);
  }
  if (!opts.live) for (const w of r.warnings) lines.push(`  warning: ${w}`);
  const release = r.release ? ` Release #${r.release.id}: ${r.release.result}.` : "";
  lines.push(`Result: ${MEANING[r.exitCode] ?? "failed"} (exit ${r.exitCode}).${release}`);
  return lines.join("\n");
}
