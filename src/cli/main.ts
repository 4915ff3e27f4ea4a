// The entry of the bundled CLI (dist/apiship.js): the command table oclif loads when a
// command runs (oclif's "explicit" discovery). bin/run.js starts oclif from dist/oclif.js, so
// `--help` loads oclif alone. Each entry here is a stand-in that imports its command's module
// when run, so `apiship validate` loads validate's code and not deploy's, logs' or init's
// (issue 22 item 8). oclif reads flags, args and help from oclif.manifest.json, which
// scripts/oclif-manifest.js writes from the real classes (commands/index.ts, dist/commands.js).
import type { Config } from "@oclif/core";

type CommandClass = { id: string; plugin?: unknown; run(argv?: string[], config?: Config): Promise<unknown> };

/** What oclif takes for a command class: it checks for run(), then sets id and plugin. */
export interface StandIn {
  id?: string;
  plugin?: unknown;
  run(argv?: string[], config?: Config): Promise<unknown>;
}

/** A stand-in that imports its command's module when run, and runs that class as oclif would. */
function lazy(load: () => Promise<CommandClass>): StandIn {
  return {
    async run(this: StandIn, argv?: string[], config?: Config) {
      const command = await load();
      // What oclif's findCommand set on the stand-in, set on the class that runs.
      if (this.id !== undefined) command.id = this.id;
      command.plugin = this.plugin;
      return command.run(argv, config);
    },
  };
}

const mod = (m: { default: CommandClass }) => m.default;

export const COMMANDS = {
  autocomplete: lazy(() => import("./commands/autocomplete.js").then((m) => m.Autocomplete)),
  "autocomplete:create": lazy(() => import("./commands/autocomplete.js").then((m) => m.AutocompleteCreate)),
  "autocomplete:script": lazy(() => import("./commands/autocomplete.js").then((m) => m.AutocompleteScript)),
  catalog: lazy(() => import("./commands/catalog.js").then(mod)),
  deploy: lazy(() => import("./commands/deploy.js").then(mod)),
  destroy: lazy(() => import("./commands/destroy.js").then(mod)),
  doctor: lazy(() => import("./commands/doctor.js").then(mod)),
  history: lazy(() => import("./commands/history.js").then(mod)),
  init: lazy(() => import("./commands/init.js").then(mod)),
  logs: lazy(() => import("./commands/logs.js").then(mod)),
  open: lazy(() => import("./commands/open.js").then(mod)),
  outputs: lazy(() => import("./commands/outputs.js").then(mod)),
  plan: lazy(() => import("./commands/plan.js").then(mod)),
  prices: lazy(() => import("./commands/prices.js").then(mod)),
  providers: lazy(() => import("./commands/providers.js").then(mod)),
  recommend: lazy(() => import("./commands/recommend.js").then(mod)),
  rollback: lazy(() => import("./commands/rollback.js").then(mod)),
  schema: lazy(() => import("./commands/schema.js").then(mod)),
  "state:export": lazy(() => import("./commands/state/export.js").then(mod)),
  "state:list": lazy(() => import("./commands/state/list.js").then(mod)),
  "state:rm": lazy(() => import("./commands/state/rm.js").then(mod)),
  "state:show": lazy(() => import("./commands/state/show.js").then(mod)),
  "state:unlock": lazy(() => import("./commands/state/unlock.js").then(mod)),
  status: lazy(() => import("./commands/status.js").then(mod)),
  validate: lazy(() => import("./commands/validate.js").then(mod)),
};
