import { Flags } from "@oclif/core";
import { stackStatus } from "../../apply/status.js";
import type { StackStatusResult } from "../../apply/types.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { withJobs } from "../engine.js";
import { envFlag, fileFlag, stateFlag } from "../flags.js";
import { linkUrls } from "../hyperlink.js";
import { table } from "../output.js";
import { ago } from "../when.js";

export interface StatusCommandResult {
  stacks: StackStatusResult[];
}

export default class StatusCommand extends BaseCommand<StatusCommandResult> {
  static override summary = "Show each target's health, endpoint, release and drift.";
  static override description =
    "Asks each platform how the recorded deployment is doing (ready, partial, down, missing, unknown) and " +
    "compares the cloud with the record (drift). Reads only: no lock, no change. A target that cannot be " +
    "reached shows as unknown with the reason. Exit code 0 whatever the health; 1 on error.";
  static override examples = ["<%= config.bin %> status --env production", "<%= config.bin %> status --json"];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    state: stateFlag,
    drift: Flags.boolean({
      default: true,
      allowNo: true,
      description: "Compare the cloud with the record (--no-drift saves one cloud read per target).",
    }),
  };

  protected async exec(): Promise<Outcome<StatusCommandResult>> {
    const { flags } = await this.parse(StatusCommand);
    return withJobs(
      flags,
      (d) => this.addWarning(d),
      async (loaded, jobs) => {
        const stacks: StackStatusResult[] = [];
        for (const job of jobs) {
          stacks.push(
            await stackStatus({
              stack: job.stack,
              registry: loaded.registry,
              store: job.store,
              env: process.env,
              drift: flags.drift,
            }),
          );
        }
        return { result: { stacks } };
      },
    );
  }

  protected render(r: StatusCommandResult): string {
    return r.stacks
      .map((s) => {
        const rows = s.targets.map((t) => [
          t.target,
          t.platform ?? "",
          t.health,
          t.endpoint ?? "",
          t.release ?? "",
          t.deployedAt ? `${t.deployedAt.replace(/\.\d+Z$/, "Z")} (${ago(t.deployedAt)})` : "",
          t.drift === undefined
            ? "?"
            : t.drift
              ? `yes (${(t.driftPaths ?? []).map((d) => d || "(whole)").join(", ")})`
              : "no",
        ]);
        const notes = s.targets.filter((t) => t.detail).map((t) => `  ${t.target}: ${t.detail ?? ""}`);
        return [
          `Stack ${s.stack}  serial ${s.serial}`,
          rows.length
            ? linkUrls(
                table(rows, ["TARGET", "PLATFORM", "HEALTH", "ENDPOINT", "RELEASE", "DEPLOYED", "DRIFT"]),
              )
            : "No targets.",
          ...notes,
        ].join("\n");
      })
      .join("\n\n");
  }
}
