import { Flags } from "@oclif/core";
import { BaseCommand } from "../../base-command.js";
import type { Outcome } from "../../base-command.js";
import { mustRead, stackArg, stateCommandFlags, withStore } from "../../state-flags.js";

export interface StateUnlockResult {
  stack: string;
  lockId: string;
  /** False when the stack held no lock: nothing was removed. */
  unlocked: boolean;
}

export default class StateUnlock extends BaseCommand<StateUnlockResult> {
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

  protected async exec(): Promise<Outcome<StateUnlockResult>> {
    const { args, flags } = await this.parse(StateUnlock);
    const lockId = flags["lock-id"];
    // A mistyped stack id must not read as "unlocked"; neither must a stack that held no lock.
    const unlocked = await withStore(flags, async (store) => {
      await mustRead(store, args.stack);
      if (!(await store.currentLock(args.stack))) return false;
      await store.forceUnlock(args.stack, lockId);
      return true;
    });
    return { result: { stack: args.stack, lockId, unlocked } };
  }

  protected render(r: StateUnlockResult): string {
    return r.unlocked
      ? `Unlocked ${r.stack} (lock ${r.lockId}).`
      : `${r.stack} is not locked; nothing to unlock.`;
  }
}
