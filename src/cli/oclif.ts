// oclif on its own, for bin/run.js (see main.ts). The bundler shares one copy of oclif
// between this entry and the commands'.
import { Config, Errors, flush, handle, run } from "@oclif/core";
import type { Hook } from "@oclif/core";
import type { Writable } from "node:stream";
import type * as FastestLevenshtein from "fastest-levenshtein";
import { err } from "./output.js";
import { setCliV8Flags } from "./v8-flags.js";

type Levenshtein = typeof FastestLevenshtein;

/**
 * oclif's execute(), except for an unknown command: oclif exits 2 for it, which DESIGN.md §6
 * reserves for "plan has changes". Bad usage exits 1 with a hint, like every apiship error.
 */
export async function execute(opts: { dir: string }): Promise<void> {
  setCliV8Flags();
  try {
    await run(helpAlias(process.argv.slice(2)), opts.dir);
    await flush();
  } catch (e) {
    // oclif's own "command X not found", or @oclif/plugin-not-found's refusal (exit 127) after it
    // warned and, on a terminal, offered its closest match.
    const cli = e instanceof Errors.CLIError ? e : undefined;
    // "Command X not found." is the help's wording (`apiship nosuch --help`), exit 2 in oclif.
    const unknown = cli ? /^[Cc]ommand (.+) not found\.?$/.exec(cli.message) : null;
    if (!unknown && cli?.oclif.exit !== 127) return handle(e as Error);
    // The plugin's hook warns, and on a terminal offers the closest command and runs it if the
    // user says yes; otherwise it refuses with exit 127, and the hint below says the rest.
    if (unknown?.[1] && (await notFoundHook(unknown[1], opts.dir))) return;
    const typed = unknown?.[1]?.replaceAll(":", " ") ?? commandWords(process.argv.slice(2));
    const near = await closestCommand(typed, opts.dir);
    err(`  hint: ${near ? `did you mean "apiship ${near}"? ` : ""}run "apiship --help" to list the commands`);
    process.exitCode = 1;
  }
}

type Flushable = Pick<Writable, "writableLength" | "destroyed" | "write" | "once">;

/**
 * Ends the process once stdout and stderr have written everything (process.exitCode stands).
 * Left to end on its own, Node tears down its environment and frees V8's heap after the last
 * line is out, for nothing anyone waits on: measured from the exit event to the parent seeing
 * the end of a 400-manifest plan, 66 ms against 41 ms with this (a few ms for a `validate`).
 *
 * - One turn of the event loop goes first, so that a promise rejected and never handled, or a
 *   warning emitted on the next tick, is still reported (and fails the run) as it was before.
 * - What must outlive the command (a local target's process, the browser `open` starts) is a
 *   detached child. A call a command has given up on (a retry attempt that timed out and
 *   ignores its abort signal, a doctor check past its deadline) is cut off here instead of
 *   holding the process until it settles; deploys record their intent before each call.
 * - Writes to pipes are asynchronous on POSIX, so writableLength can count bytes not yet handed
 *   to the OS, and exiting then would cut the output short. An empty write's callback runs once
 *   everything before it is written, or has failed (a reader that went away, `| head`), and
 *   'close' ends the wait for a stream destroyed meanwhile. ('drain' would not do: it fires only
 *   after a write returned false.)
 */
export async function exitWhenFlushed(
  streams: readonly Flushable[] = [process.stdout, process.stderr],
  exit: () => void = () => process.exit(),
): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  for (const s of streams) {
    if (s.writableLength === 0 || s.destroyed) continue;
    await new Promise<void>((resolve) => {
      s.once("close", resolve);
      s.write("", () => resolve());
    });
  }
  exit();
}

/**
 * `apiship help deploy` as `apiship deploy --help`, as git, gh and docker take it: oclif's own
 * `help` command lives in @oclif/plugin-help, which apiship does not load. A bare `help` is
 * `--help`.
 */
export function helpAlias(argv: string[]): string[] {
  if (argv[0] !== "help") return argv;
  const words = argv.slice(1);
  return words.length === 0 ? ["--help"] : [...words, "--help"];
}

/**
 * Runs @oclif/plugin-not-found's command_not_found hook, loaded only now: as a declared plugin
 * it was read and wired on every start. True when the user took its suggestion and it ran.
 */
async function notFoundHook(id: string, dir: string): Promise<boolean> {
  try {
    const { default: hook } = (await import("@oclif/plugin-not-found")) as {
      default: Hook<"command_not_found">;
    };
    const config = await Config.load(dir);
    // The context oclif's runHook gives a hook (config.js in @oclif/core).
    const context = {
      config,
      debug: () => undefined,
      exit: (code?: number) => Errors.exit(code),
      log: (message?: unknown) => void process.stdout.write(`${String(message ?? "")}\n`),
      error: (message: string | Error, options: { exit?: number } = {}) => Errors.error(message, options),
      warn: (message: string | Error) => Errors.warn(message),
    };
    await hook.call(context as unknown as Hook.Context, { id, argv: process.argv.slice(3), config, context });
    return true;
  } catch (e) {
    if (e instanceof Errors.CLIError && e.oclif.exit === 127) return false;
    throw e;
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
