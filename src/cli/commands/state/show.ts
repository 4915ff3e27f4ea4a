import type { Intent, LockInfo, Release, StackState } from "../../../state/store.js";
import { BaseCommand } from "../../base-command.js";
import type { Outcome } from "../../base-command.js";
import { table } from "../../output.js";
import { mustRead, publicState, stackArg, stateCommandFlags, withStore } from "../../state-flags.js";

export interface StateShowResult {
  state: Omit<StackState, "secretKey">;
  lock: LockInfo | null;
  releases: number;
  lastRelease: Release | null;
  openIntents: Intent[];
}

export default class StateShow extends BaseCommand<StateShowResult> {
  static override summary = "Show one stack's recorded targets, lock and pending intents.";
  static override examples = ["<%= config.bin %> state show sentiment-api/production"];
  static override flags = stateCommandFlags;
  static override args = { stack: stackArg };

  protected async exec(): Promise<Outcome<StateShowResult>> {
    const { args, flags } = await this.parse(StateShow);
    const result = await withStore(flags, async (store) => {
      const state = await mustRead(store, args.stack);
      const releases = await store.listReleases(args.stack);
      return {
        state: publicState(state),
        lock: (await store.currentLock(args.stack)) ?? null,
        releases: releases.length,
        lastRelease: releases.at(-1) ?? null,
        openIntents: await store.openIntents(args.stack),
      };
    });
    return { result };
  }

  protected render(r: StateShowResult): string {
    const lines = [`Stack ${r.state.stack}  serial ${r.state.serial}  updated ${r.state.updatedAt}`];
    lines.push(
      r.lock
        ? `Locked by ${r.lock.holder.user}@${r.lock.holder.host} pid ${r.lock.holder.pid} since ${r.lock.acquiredAt} (lock id ${r.lock.id})`
        : "Not locked.",
    );
    const targets = Object.values(r.state.targets);
    lines.push(
      "",
      targets.length === 0
        ? "No targets recorded."
        : table(
            targets.map((t) => [
              t.target,
              t.platform,
              t.name,
              t.release ?? "",
              t.endpoint ?? "",
              t.deployedAt,
            ]),
            ["TARGET", "PLATFORM", "NAME", "RELEASE", "ENDPOINT", "DEPLOYED"],
          ),
    );
    lines.push(
      "",
      `Releases: ${r.releases}${r.lastRelease ? ` (last: #${r.lastRelease.id} ${r.lastRelease.result} at ${r.lastRelease.createdAt})` : ""}`,
    );
    if (r.openIntents.length > 0) {
      lines.push(
        `Open intents (reconciled on the next deploy): ${r.openIntents.map((i) => `${i.target} ${i.action} ${i.physicalName}`).join("; ")}`,
      );
    }
    return lines.join("\n");
  }
}
