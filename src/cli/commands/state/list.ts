import type { StackSummary } from "../../../state/store.js";
import { BaseCommand } from "../../base-command.js";
import type { Outcome } from "../../base-command.js";
import { table } from "../../output.js";
import { stateCommandFlags, withStore } from "../../state-flags.js";

export default class StateList extends BaseCommand<StackSummary[]> {
  static override summary = "List the stacks recorded in the state store.";
  static override examples = [
    "<%= config.bin %> state list",
    "<%= config.bin %> state list --state postgres://ci@db/apiship",
  ];
  static override flags = stateCommandFlags;

  protected async exec(): Promise<Outcome<StackSummary[]>> {
    const { flags } = await this.parse(StateList);
    return {
      result: await withStore(
        flags,
        (store) => store.listStacks(),
        () => [],
      ),
    };
  }

  protected render(rows: StackSummary[]): string {
    if (rows.length === 0) return "No stacks recorded.";
    return table(
      rows.map((r) => [
        r.stack,
        String(r.serial),
        String(r.targets),
        r.updatedAt,
        r.lock ? `locked by ${r.lock.holder.user}@${r.lock.holder.host} (${r.lock.id})` : "",
      ]),
      ["STACK", "SERIAL", "TARGETS", "UPDATED", "LOCK"],
    );
  }
}
