import type { Intent, Release, StackState } from "../../../state/store.js";
import { BaseCommand } from "../../base-command.js";
import type { Outcome } from "../../base-command.js";
import { mustRead, publicState, stackArg, stateCommandFlags, withStore } from "../../state-flags.js";

export interface StateExport {
  formatVersion: 1;
  state: Omit<StackState, "secretKey">;
  releases: Release[];
  openIntents: Intent[];
}

export default class StateExportCommand extends BaseCommand<StateExport> {
  static override summary = "Print a stack's whole state as JSON (targets, releases, open intents).";
  static override description =
    "The per-stack key that keys secret fingerprints is not exported. The output is JSON with or without --json.";
  static override examples = ["<%= config.bin %> state export sentiment-api/production > state.json"];
  static override flags = stateCommandFlags;
  static override args = { stack: stackArg };

  protected async exec(): Promise<Outcome<StateExport>> {
    const { args, flags } = await this.parse(StateExportCommand);
    const result = await withStore(flags, async (store) => ({
      formatVersion: 1 as const,
      state: publicState(await mustRead(store, args.stack)),
      releases: await store.listReleases(args.stack),
      openIntents: await store.openIntents(args.stack),
    }));
    return { result };
  }

  protected render(r: StateExport): string {
    return JSON.stringify(r, null, 2);
  }
}
