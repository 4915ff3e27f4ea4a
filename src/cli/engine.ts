// What deploy, destroy and rollback share around an engine call: the stacks to work on, where
// progress goes (NDJSON on stdout with --json, else a live view or plain lines on stderr), the
// two-stage Ctrl-C, and the confirmation a person gives on a terminal (--yes elsewhere).

import { createInterface } from "node:readline/promises";
import { Flags } from "@oclif/core";
import { LiveView } from "../apply/live-view.js";
import { createSink, defaultSinkKind } from "../apply/progress.js";
import { installInterrupt } from "../apply/signals.js";
import type { ProgressSink } from "../apply/types.js";
import { groupedSink, inGitHubActions } from "../ci/annotations.js";
import type { Diagnostic } from "../errors.js";
import { UsageError } from "../errors.js";
import type { Loaded } from "./context.js";
import { loadAll } from "./context.js";
import { colorEnabled, err, interactive } from "./output.js";
import type { StackJob } from "./stacks.js";
import { Stores, stackJobs } from "./stacks.js";

export const yesFlag = Flags.boolean({
  char: "y",
  description: "Go ahead without asking. Required where nobody can answer a prompt (CI, pipes, no TTY).",
});

export const concurrencyFlag = Flags.integer({
  description: "Targets worked on at once in all; each platform's own limit applies too.",
  default: 8,
  min: 1,
});

/** The NDJSON contract of --json for the commands that stream events, for their descriptions. */
export const JSON_STREAM_NOTE =
  "With --json, stdout carries one JSON progress event per line (step-start, step-end, retry, health, " +
  "rollback, target-end, summary), and last the {status, result, warnings} document, also on one line: " +
  "all of stdout is NDJSON.";

export interface JobFlags {
  file?: string[] | undefined;
  env?: string | undefined;
  state?: string | undefined;
}

export interface JobOptions {
  /** Check service.openapi documents too (deploy, catalog); see loadAll. */
  openapi?: boolean;
}

/** Loads the manifests and opens the stacks' stores for `fn`; the stores are closed on every path. */
export async function withJobs<T>(
  flags: JobFlags,
  warn: (d: Diagnostic) => void,
  fn: (loaded: Loaded, jobs: StackJob[]) => Promise<T>,
  opts: JobOptions = {},
): Promise<T> {
  const loaded = await loadAll(flags.file, flags.env, opts);
  loaded.warnings.forEach(warn);
  const stores = new Stores(flags.state);
  try {
    const manifests = loaded.results.map((r) => r.manifest);
    const jobs = await stackJobs(loaded.results, flags.env, stores);
    if (jobs.length === 0) {
      const envs = [...new Set(manifests.flatMap((m) => m.stacks.map((s) => s.environment)))];
      throw new UsageError(`no stack for environment ${flags.env ?? "(default)"}`, {
        hint: envs.length ? `environments: ${envs.join(", ")}` : "the manifest declares no environment",
      });
    }
    return await fn(loaded, jobs);
  } finally {
    await stores.closeAll();
  }
}

export interface EngineIo {
  progress: ProgressSink;
  /** The first Ctrl-C: the engine launches nothing new. */
  signal: AbortSignal;
  /**
   * The live view's per-target rows are on the terminal that stdout writes to as well: the
   * result view then leaves out what those rows show (renderRun's `live`).
   */
  liveOnScreen: boolean;
  dispose(): void;
}

/** Progress sink and Ctrl-C handler for one command; dispose() in a finally. */
export function engineIo(json: boolean): EngineIo {
  const kind = defaultSinkKind(process.stderr, process.env);
  const live =
    !json && kind === "tty"
      ? new LiveView(process.stderr, {
          color: colorEnabled(process.stderr),
          stopHint: "Ctrl-C again to quit now",
        })
      : undefined;
  const progress = json
    ? createSink("ndjson", process.stdout)
    : (live ??
      (inGitHubActions(process.env)
        ? groupedSink(process.stderr, (s) => createSink("plain", s))
        : createSink("plain", process.stderr)));
  const interrupt = installInterrupt({
    // The live view says it itself, above its rows and in its header: a line written here,
    // under the rows, would be erased or would throw off their count.
    onFirst: live
      ? undefined
      : () =>
          err(
            "Interrupted: launching nothing new, waiting for calls in flight. Press Ctrl-C again to quit now.",
          ),
  });
  return {
    progress,
    signal: interrupt.signal,
    liveOnScreen: live !== undefined && process.stdout.isTTY === true,
    dispose: () => {
      // The view first: its final rows are drawn and the cursor shown while Ctrl-C is still handled.
      progress.close();
      interrupt.dispose();
    },
  };
}

/**
 * True when the user confirmed (or passed --yes); false when they declined at the prompt.
 * Throws UsageError when nobody can be asked, so CI never applies a change nobody approved.
 */
export async function confirm(question: string, opts: { yes: boolean; action: string }): Promise<boolean> {
  if (opts.yes) return true;
  if (!interactive()) {
    throw new UsageError(`refusing to ${opts.action} without confirmation: this run is not interactive`, {
      hint: "pass --yes to confirm (in CI, review `apiship plan --out plan.json` and run `apiship deploy --plan plan.json`)",
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} Only "yes" is accepted: `);
    return answer.trim().toLowerCase() === "yes";
  } finally {
    rl.close();
  }
}

/** The worst exit code of several stacks' runs: interrupt, then error, then partial. */
export function worstExit(codes: readonly number[]): number {
  for (const c of [130, 1, 3]) if (codes.includes(c)) return c;
  return codes.find((c) => c !== 0) ?? 0;
}
