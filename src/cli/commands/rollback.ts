import { Flags } from "@oclif/core";
import { pickSnapshot, rollbackStack } from "../../apply/rollback.js";
import type { StateStore } from "../../state/store.js";
import type { DeployResult } from "../../apply/types.js";
import type { Outcome } from "../base-command.js";
import { JSON_STREAM_NOTE, confirm, withJobs, worstExit, yesFlag } from "../engine.js";
import { EngineCommand } from "../engine-command.js";
import { envFlag, fileFlag, stateFlag, targetFlag } from "../flags.js";
import { err } from "../output.js";
import { renderRun } from "../run-view.js";
import { ago } from "../when.js";

export interface RollbackCommandResult {
  /** Empty when the prompt was declined. */
  stacks: DeployResult[];
  cancelled: boolean;
}

export default class RollbackCommand extends EngineCommand<RollbackCommandResult> {
  static override summary = "Put targets back on an earlier release (default: the previous healthy one).";
  static override description =
    "Each target goes back by its platform's own mechanism where it has one, else by re-applying the " +
    "earlier release's recorded service and options (secrets are resolved again, never stored). Asks for " +
    "confirmation on a terminal; elsewhere it needs --yes. `apiship history` lists the releases.\n\n" +
    `${JSON_STREAM_NOTE}\n\n` +
    "Exit codes: 0 rolled back; 3 some targets failed; 1 error (or cancelled); 130 interrupted.";
  static override examples = [
    "<%= config.bin %> rollback --env production",
    "<%= config.bin %> rollback --env production --target web --to 12 --yes",
  ];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    target: targetFlag,
    state: stateFlag,
    to: Flags.integer({ description: "Release id to go back to (see `apiship history`).", min: 1 }),
    yes: yesFlag,
  };

  protected async exec(): Promise<Outcome<RollbackCommandResult>> {
    const { flags } = await this.parse(RollbackCommand);
    return withJobs(
      flags,
      (d) => this.addWarning(d),
      async (loaded, jobs) => {
        // What each target goes back to, shown before the question (to stderr: stdout stays the result).
        if (!this.jsonMode)
          for (const job of jobs) err(await rollbackPreview(job.stack.id, job.store, flags.to, flags.target));
        const what = flags.to === undefined ? "the previous healthy release" : `release #${flags.to}`;
        const where = jobs.map((j) => j.stack.id).join(", ");
        const targets = flags.target ? ` (targets ${flags.target.join(", ")})` : "";
        const ok = await confirm(`Roll ${where}${targets} back to ${what}?`, {
          yes: flags.yes,
          action: "roll back",
        });
        if (!ok) return { result: { stacks: [], cancelled: true }, exitCode: 1 };
        const stacks: DeployResult[] = [];
        for (const job of jobs) {
          stacks.push(
            await this.onStack(loaded, job, (common) =>
              rollbackStack({
                ...common,
                ...(flags.to !== undefined ? { to: flags.to } : {}),
                ...(flags.target ? { targets: flags.target } : {}),
              }),
            ),
          );
        }
        return { result: { stacks, cancelled: false }, exitCode: worstExit(stacks.map((s) => s.exitCode)) };
      },
    );
  }

  protected render(r: RollbackCommandResult): string {
    if (r.cancelled) return "Rollback cancelled; nothing was changed.";
    return r.stacks.map((s) => renderRun("rollback", s, { live: this.liveOnScreen })).join("\n\n");
  }
}

/** Per target: the release it goes back to (id, when, who, what it ran), or why none. */
async function rollbackPreview(
  stackId: string,
  store: Pick<StateStore, "read" | "listReleases">,
  to: number | undefined,
  only: string[] | undefined,
): Promise<string> {
  const [state, releases] = await Promise.all([store.read(stackId), store.listReleases(stackId)]);
  const names = only ?? Object.keys(state?.targets ?? {}).sort();
  const lines = [`apiship rollback of ${stackId}:`];
  for (const name of names) {
    const now = state?.targets[name]?.release;
    const back = pickSnapshot(releases, name, to);
    const rel = back ? releases.find((r) => r.id === back.release) : undefined;
    lines.push(
      back && rel
        ? `  ${name}: ${now ? `${now} → ` : ""}${back.record.release ?? "(no release id)"}, release #${rel.id} of ${rel.createdAt} (${ago(rel.createdAt)}) by ${rel.who}`
        : `  ${name}: no earlier healthy release to go back to`,
    );
  }
  return lines.join("\n");
}
