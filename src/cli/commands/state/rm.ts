import { Flags } from "@oclif/core";
import { UsageError } from "../../../errors.js";
import { BaseCommand } from "../../base-command.js";
import type { Outcome } from "../../base-command.js";
import { mustRead, stackArg, stateCommandFlags, withStore } from "../../state-flags.js";

export default class StateRm extends BaseCommand<{ stack: string; targets: string[] }> {
  static override summary = "Forget a stack: remove its state (the cloud resources are left as they are).";
  static override description =
    "Use `apiship destroy` to delete the resources. After `state rm`, apiship no longer knows them; " +
    "their ownership tags (apiship:stack, apiship:target) still identify them.";
  static override examples = [
    "<%= config.bin %> state rm sentiment-api/staging --confirm sentiment-api/staging",
  ];
  static override flags = {
    ...stateCommandFlags,
    confirm: Flags.string({ required: true, description: "Repeat the stack id to confirm." }),
  };
  static override args = { stack: stackArg };

  protected async exec(): Promise<Outcome<{ stack: string; targets: string[] }>> {
    const { args, flags } = await this.parse(StateRm);
    if (flags.confirm !== args.stack) {
      throw new UsageError(`--confirm "${flags.confirm}" does not match the stack "${args.stack}"`, {
        hint: `pass --confirm ${args.stack}`,
      });
    }
    const targets = await withStore(flags, async (store) => {
      const state = await mustRead(store, args.stack);
      const lock = await store.currentLock(args.stack);
      if (lock) {
        throw new UsageError(
          `stack "${args.stack}" is locked (lock ${lock.id}); refusing to remove its state`,
          {
            hint: "wait for the running deploy to finish",
          },
        );
      }
      await store.remove(args.stack);
      return Object.keys(state.targets);
    });
    return { result: { stack: args.stack, targets } };
  }

  protected render(r: { stack: string; targets: string[] }): string {
    return `Removed the state of ${r.stack} (${r.targets.length} target${r.targets.length === 1 ? "" : "s"}: ${r.targets.join(", ") || "none"}). Cloud resources were not touched.`;
  }
}
