// oclif on its own, for bin/run.js (see main.ts). The bundler shares one copy of oclif
// between this entry and the commands'.
import { Errors, flush, handle, run } from "@oclif/core";
import { err } from "./output.js";

/**
 * oclif's execute(), except for an unknown command: oclif exits 2 for it, which DESIGN.md §6
 * reserves for "plan has changes". Bad usage exits 1 with a hint, like every apiship error.
 */
export async function execute(opts: { dir: string }): Promise<void> {
  try {
    await run(process.argv.slice(2), opts.dir);
    await flush();
  } catch (e) {
    const unknown = e instanceof Errors.CLIError ? /^command (.+) not found$/.exec(e.message) : null;
    if (!unknown) return handle(e as Error);
    err(`Error: command "${(unknown[1] ?? "").replaceAll(":", " ")}" not found`);
    err('  hint: run "apiship --help" to list the commands');
    process.exitCode = 1;
  }
}
