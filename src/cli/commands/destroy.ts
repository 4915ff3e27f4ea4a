import { Flags } from "@oclif/core";
import { destroyStack } from "../../apply/destroy.js";
import type { DestroyResult } from "../../apply/types.js";
import { UsageError } from "../../errors.js";
import type { Outcome } from "../base-command.js";
import { JSON_STREAM_NOTE, concurrencyFlag, withJobs, worstExit } from "../engine.js";
import { EngineCommand } from "../engine-command.js";
import { envFlag, fileFlag, stateFlag, targetFlag } from "../flags.js";
import { askEnvironmentName, destroyPreview } from "../destroy-preview.js";
import { err } from "../output.js";
import { renderRun } from "../run-view.js";

export interface DestroyCommandResult {
  stacks: DestroyResult[];
}

export default class DestroyCommand extends EngineCommand<DestroyCommandResult> {
  static override summary = "Delete every deployed resource of an environment, from the recorded state.";
  static override description =
    "Works from the state alone (a target already removed from the manifest is destroyed too), newest " +
    "target first. It is idempotent: what is already gone counts as destroyed, and destroying an empty " +
    "stack does nothing and exits 0. It first lists what it will delete; on a terminal it then asks for the " +
    "environment's name, elsewhere --confirm must repeat it.\n\n" +
    `${JSON_STREAM_NOTE}\n\n` +
    "Exit codes: 0 destroyed (or nothing to destroy); 3 some targets failed; 1 error; 130 interrupted.";
  static override examples = [
    "<%= config.bin %> destroy --env staging --confirm staging",
    "<%= config.bin %> destroy --env dev --confirm dev --target web",
  ];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    target: targetFlag,
    state: stateFlag,
    confirm: Flags.string({
      description:
        "The environment's name, repeated: destroying needs no prompt, but cannot happen by accident.",
    }),
    concurrency: concurrencyFlag,
  };

  protected async exec(): Promise<Outcome<DestroyCommandResult>> {
    const { flags } = await this.parse(DestroyCommand);
    return withJobs(
      flags,
      (d) => this.addWarning(d),
      async (loaded, jobs) => {
        for (const { stack, store } of jobs) {
          // What will go, before anything is asked or deleted (to stderr: stdout stays the result).
          if (!this.jsonMode) err(destroyPreview(stack.id, await store.read(stack.id), flags.target));
          const asked =
            flags.confirm === undefined && process.stdin.isTTY && !this.jsonMode
              ? await askEnvironmentName(stack.environment)
              : false;
          if (!asked && flags.confirm !== stack.environment) {
            throw new UsageError(
              flags.confirm === undefined
                ? `destroying ${stack.id} needs --confirm ${stack.environment}`
                : `--confirm ${flags.confirm} does not name the environment of ${stack.id}`,
              {
                hint: `repeat the environment's name: --env ${stack.environment} --confirm ${stack.environment}`,
              },
            );
          }
        }
        const stacks: DestroyResult[] = [];
        for (const job of jobs) {
          stacks.push(
            await this.onStack(loaded, job, (common) =>
              destroyStack({
                ...common,
                concurrency: flags.concurrency,
                ...(flags.target ? { targets: flags.target } : {}),
              }),
            ),
          );
        }
        return { result: { stacks }, exitCode: worstExit(stacks.map((s) => s.exitCode)) };
      },
    );
  }

  protected render(r: DestroyCommandResult): string {
    return r.stacks.map((s) => renderRun("destroy", s, { live: this.liveOnScreen })).join("\n\n");
  }
}
