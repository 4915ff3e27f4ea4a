// V8 flags the CLI sets on itself, through v8.setFlagsFromString as a command starts. Both are
// read by V8 when it next decides (to grow the young generation, to count a new function's
// calls), so they take effect then. Each was measured on bench/plan-scale.js's 400-manifest
// plan in interleaved runs, and on `validate` and `--help`, which neither changed.
//
// - The young generation stays at its starting size (2 × 1 MB). By default V8 doubles it each
//   time enough objects survive, up to 2 × 16 MB on Node 20 and 22 and 2 × 64 MB on Node 24, and
//   every page of it is fresh memory the kernel must fault in: the plan faulted 27,000 times, a
//   fifth of its CPU on a 2-core VM. Held, 18,000 faults, and 0.94× the wall time and the CPU.
// - Node 20 only: TurboFan waits 8× longer before optimising a function. A CLI run lasts about a
//   second, and TurboFan's compiles on the second core (a third of the run's CPU) slowed the
//   main thread more than optimised code sped it up: 0.91× the wall time, 0.74× the CPU. For
//   1,000 manifests it was even on wall time (0.87× CPU). Node 22 and 24 tier up by call counts
//   instead, and raising those changed nothing there.

import { setFlagsFromString } from "node:v8";

/**
 * V8 majors on which the young-generation flag was checked to exist and to take effect when set
 * after start-up: Node 20 (V8 11.3), 22 (12.4) and 24 (13.6). An unknown flag makes V8 print an
 * error.
 */
const YOUNG_GENERATION_V8 = new Set([11, 12, 13]);
/** Node 20's V8, whose tiering the interrupt budget drives (default 66 KiB of bytecode). */
const INTERRUPT_BUDGET_V8 = 11;

/**
 * The flags to set: none on a V8 they were not checked on, and none that the user set themselves
 * (NODE_OPTIONS or node's own arguments), whose choice stands.
 */
export function cliV8Flags(
  v8Version: string,
  nodeOptions: string | undefined,
  execArgv: readonly string[],
): string[] {
  const major = Number(v8Version.split(".")[0]);
  const users = `${nodeOptions ?? ""} ${execArgv.join(" ")}`;
  const flags: string[] = [];
  if (YOUNG_GENERATION_V8.has(major) && !/semi[-_]space/.test(users))
    flags.push("--semi-space-growth-factor=1");
  if (major === INTERRUPT_BUDGET_V8 && !/--interrupt[-_]budget(=|\s|$)/.test(users))
    flags.push("--interrupt-budget=540672");
  return flags;
}

/** Sets cliV8Flags for the rest of this process. */
export function setCliV8Flags(): void {
  for (const flag of cliV8Flags(process.versions.v8, process.env.NODE_OPTIONS, process.execArgv)) {
    setFlagsFromString(flag);
  }
}
