// Writes oclif.manifest.json at build time so the CLI never scans the command folder on
// start-up. Equivalent to `oclif manifest`, without the publishing toolchain that package
// brings along.
import { rmSync, writeFileSync } from "node:fs";
import { Config } from "@oclif/core";

const root = new URL("..", import.meta.url).pathname;
// oclif reads an existing manifest instead of the commands, so a new command would never appear.
rmSync(`${root}oclif.manifest.json`, { force: true });
const config = await Config.load({ root, devPlugins: false, userPlugins: false });
const commands = {};
// Only apiship's own commands: a plugin's (autocomplete, not-found) come from its own manifest,
// and listed here they would be looked up among apiship's and not be found.
const own = config.commands.filter((c) => c.pluginName === config.name);
for (const c of own.sort((a, b) => a.id.localeCompare(b.id))) {
  const cached = { ...c };
  delete cached.load;
  commands[c.id] = cached;
}
writeFileSync(
  `${root}oclif.manifest.json`,
  JSON.stringify({ commands, version: config.version }, null, 2) + "\n",
);
console.log(`oclif.manifest.json: ${Object.keys(commands).length} commands`);
