// oclif on its own, for bin/run.js (see main.ts). The bundler shares one copy of oclif
// between this entry and the commands'.
import { Errors, flush, handle, run } from "@oclif/core";
import type * as FastestLevenshtein from "fastest-levenshtein";
import { err } from "./output.js";

type Levenshtein = typeof FastestLevenshtein;

/**
 * oclif's execute(), except for an unknown command: oclif exits 2 for it, which DESIGN.md §6
 * reserves for "plan has changes". Bad usage exits 1 with a hint, like every apiship error.
 */
export async function execute(opts: { dir: string }): Promise<void> {
  try {
    await run(process.argv.slice(2), opts.dir);
    await flush();
  } catch (e) {
    // oclif's own "command X not found", or @oclif/plugin-not-found's refusal (exit 127) after it
    // warned and, on a terminal, offered its closest match.
    const cli = e instanceof Errors.CLIError ? e : undefined;
    const unknown = cli ? /^command (.+) not found$/.exec(cli.message) : null;
    if (!unknown && cli?.oclif.exit !== 127) return handle(e as Error);
    const typed = unknown?.[1]?.replaceAll(":", " ") ?? commandWords(process.argv.slice(2));
    if (unknown) err(`Error: command "${typed}" not found`);
    const near = await closestCommand(typed, opts.dir);
    err(`  hint: ${near ? `did you mean "apiship ${near}"? ` : ""}run "apiship --help" to list the commands`);
    process.exitCode = 1;
  }
}

const commandWords = (argv: string[]) => argv.filter((a) => !a.startsWith("-")).join(" ");

/** The command id nearest to what was typed (CI logs get no prompt, so the hint says it). */
async function closestCommand(typed: string, dir: string): Promise<string | undefined> {
  try {
    const { readFile } = await import("node:fs/promises");
    const manifest = JSON.parse(await readFile(new URL("../oclif.manifest.json", dir), "utf8")) as {
      commands: Record<string, unknown>;
    };
    // A CommonJS module: bundled, its exports arrive under `default`.
    const mod = (await import("fastest-levenshtein")) as Levenshtein & { default?: Levenshtein };
    const distance = mod.default?.distance ?? mod.distance;
    const ids = Object.keys(manifest.commands).map((id) => id.replaceAll(":", " "));
    const ranked = ids
      .map((id) => ({ id, d: distance(typed, id) }))
      .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id));
    const best = ranked[0];
    // Only a near miss: "depoy" → "deploy", not "frobnicate" → "init".
    return best && best.d <= Math.max(2, Math.floor(typed.length / 3)) ? best.id : undefined;
  } catch {
    return undefined;
  }
}
