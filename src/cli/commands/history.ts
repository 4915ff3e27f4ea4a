import { Flags } from "@oclif/core";
import type { Release } from "../../state/store.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { withJobs } from "../engine.js";
import { envFlag, fileFlag, stateFlag } from "../flags.js";
import { ago } from "../when.js";

/** A release as history shows it: everything but the target snapshots rollback re-applies. */
export type HistoryEntry = Omit<Release, "targets"> & {
  targets: string[];
  /** Per target, what it ran after this release: the image, code hash or platform release id. */
  runs: Record<string, string>;
};

export interface HistoryResult {
  stacks: { stack: string; releases: HistoryEntry[] }[];
}

export default class HistoryCommand extends BaseCommand<HistoryResult> {
  static override summary = "List a stack's releases: when, who, what changed and how it ended.";
  static override description =
    "Every deploy, rollback and destroy that changed something is a release, newest first. " +
    "`apiship rollback --to ID` goes back to one of them. Reads the state only.";
  static override examples = [
    "<%= config.bin %> history --env production",
    "<%= config.bin %> history --limit 5 --json",
  ];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    state: stateFlag,
    limit: Flags.integer({ description: "Show at most this many releases (the newest).", min: 1 }),
  };

  protected async exec(): Promise<Outcome<HistoryResult>> {
    const { flags } = await this.parse(HistoryCommand);
    return withJobs(
      flags,
      (d) => this.addWarning(d),
      async (_loaded, jobs) => {
        const stacks: HistoryResult["stacks"] = [];
        for (const job of jobs) {
          const all = await job.store.listReleases(job.stack.id);
          const newest = [...all].sort((a, b) => b.id - a.id).slice(0, flags.limit ?? all.length);
          stacks.push({
            stack: job.stack.id,
            releases: newest.map(({ targets, ...rest }) => ({
              ...rest,
              targets: Object.keys(targets).sort(),
              runs: Object.fromEntries(
                Object.entries(targets).flatMap(([t, r]) => (r.release ? [[t, r.release] as const] : [])),
              ),
            })),
          });
        }
        return { result: { stacks } };
      },
    );
  }

  protected render(r: HistoryResult): string {
    return r.stacks
      .map((s) => {
        if (s.releases.length === 0) return `${s.stack}: no releases yet.`;
        const lines = [`Releases of ${s.stack}:`];
        for (const rel of s.releases) {
          lines.push(
            `#${rel.id}  ${rel.createdAt} (${ago(rel.createdAt)})  ${rel.who}  ${rel.result}  (${rel.command})`,
          );
          for (const l of rel.summary) lines.push(`    ${l}`);
          const runs = Object.entries(rel.runs).sort(([a], [b]) => a.localeCompare(b));
          if (runs.length > 0) lines.push(`    runs: ${runs.map(([t, what]) => `${t} ${what}`).join(", ")}`);
        }
        return lines.join("\n");
      })
      .join("\n\n");
  }
}
