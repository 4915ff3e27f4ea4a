import { Flags } from "@oclif/core";
import { BaseCommand } from "../../base-command.js";
import type { Outcome } from "../../base-command.js";
import { stackArg, stateCommandFlags, withStore } from "../../state-flags.js";

export default class StateUnlock extends BaseCommand<{ stack: string; lockId: string }> {
  static override summary = "Remove a stack's lock by its id.";
  static override description =
    "Rarely needed: a lock whose holder died on this host, or whose heartbeat expired, is taken over " +
    "automatically by the next run. The lock id is printed by the LockError and by `state show`.";
  static override examples = ["<%= config.bin %> state unlock sentiment-api/production --lock-id 3f2a..."];
  static override flags = {
    ...stateCommandFlags,
    "lock-id": Flags.string({
      required: true,
      description: "The id of the lock to remove (see `state show`).",
    }),
  };
  static override args = { stack: stackArg };

  protected async exec(): Promise<Outcome<{ stack: string; lockId: string }>> {
    const { args, flags } = await this.parse(StateUnlock);
    await withStore(flags, (store) => store.forceUnlock(args.stack, flags["lock-id"]));
    return { result: { stack: args.stack, lockId: flags["lock-id"] } };
  }

  protected render(r: { stack: string; lockId: string }): string {
    return `Unlocked ${r.stack} (lock ${r.lockId}).`;
  }
}
