// `apiship autocomplete` (and its `script` and hidden `create`): @oclif/plugin-autocomplete's
// own commands, loaded only when one of them runs. Declared as an oclif plugin, both plugins
// were located, read and wired on every start, ~35 ms of a 300 ms `validate` (issue 22 item 8).
// Flags and args are repeated here because oclif parses them before run(); the plugin's class
// then parses the same argv again and does the work.
import { Args, Command, Flags } from "@oclif/core";

const shell = Args.string({
  description: "Shell type",
  options: ["zsh", "bash", "powershell"],
  required: false,
});

/** The plugin's command class. Its package exports only its (empty) index, so by file path. */
type PluginCommand = { run(argv: string[], config: Command["config"]): Promise<unknown> };

async function pluginCommand(name: "index" | "script" | "create"): Promise<PluginCommand> {
  const main = import.meta.resolve("@oclif/plugin-autocomplete");
  const mod = (await import(new URL(`./commands/autocomplete/${name}.js`, main).href)) as {
    default: PluginCommand;
  };
  return mod.default;
}

export class Autocomplete extends Command {
  static override summary = "Print the shell completion set-up for bash, zsh or PowerShell.";
  static override description =
    "Builds the completion cache, then prints the lines to add to your shell's profile.";
  static override args = { shell };
  static override flags = {
    "refresh-cache": Flags.boolean({
      char: "r",
      description: "Refresh cache (ignores displaying instructions)",
    }),
  };
  static override examples = [
    "<%= config.bin %> autocomplete",
    "<%= config.bin %> autocomplete bash",
    "<%= config.bin %> autocomplete --refresh-cache",
  ];

  async run(): Promise<void> {
    await (await pluginCommand("index")).run(this.argv, this.config);
  }
}

export class AutocompleteScript extends Command {
  static override description = "outputs autocomplete config script for shells";
  static override hidden = true;
  static override args = { shell };

  async run(): Promise<void> {
    await (await pluginCommand("script")).run(this.argv, this.config);
  }
}

export class AutocompleteCreate extends Command {
  static override description = "create autocomplete setup scripts and completion functions";
  static override hidden = true;

  async run(): Promise<void> {
    await (await pluginCommand("create")).run(this.argv, this.config);
  }
}
