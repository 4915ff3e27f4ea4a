// Writes oclif.manifest.json at build time so the CLI never scans the command folder on
// start-up. Equivalent to `oclif manifest`, without the publishing toolchain that package
// brings along. scripts/bundle-action.js writes the Action's with the same function.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Config } from "@oclif/core";

/**
 * Writes `root`/oclif.manifest.json from the real command classes in `classes` (a module path
 * relative to root that exports COMMANDS): the CLI's own table (apiship.js) holds stand-ins
 * that import a command when it runs, and they carry no flags, args or help to write down.
 */
export async function writeOclifManifest(root, classes) {
  const file = join(root, "oclif.manifest.json");
  // oclif reads an existing manifest instead of the commands, so a new command would never appear.
  rmSync(file, { force: true });
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const pjson = { ...pkg, oclif: { ...pkg.oclif, commands: { ...pkg.oclif.commands, target: classes } } };
  const config = await Config.load({ root, devPlugins: false, userPlugins: false, pjson });
  const commands = {};
  // Only apiship's own commands: a plugin's (autocomplete, not-found) come from its own manifest,
  // and listed here they would be looked up among apiship's and not be found.
  const own = config.commands.filter((c) => c.pluginName === config.name);
  for (const c of own.sort((a, b) => a.id.localeCompare(b.id))) {
    const cached = { ...c };
    delete cached.load;
    commands[c.id] = cached;
  }
  writeFileSync(file, JSON.stringify({ commands, version: config.version }, null, 2) + "\n");
  return Object.keys(commands).length;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const n = await writeOclifManifest(root, "./dist/commands.js");
  console.log(`oclif.manifest.json: ${n} commands`);
}
