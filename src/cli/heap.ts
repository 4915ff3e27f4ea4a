// How much memory V8's young generation may take. By default V8 doubles the young generation
// each time enough objects survive it, up to 2 × 16 MB on Node 20 and 22 and 2 × 64 MB on Node
// 24. A plan of 400 manifests fills it to the top, and every page of it is fresh memory that the
// kernel must fault in: 27,000 page faults, a fifth of the run's CPU on a 2-core VM. Held at its
// starting size (2 × 1 MB), the same plan faults 18,000 times and takes 0.94× the wall time and
// 0.94× the CPU (15 interleaved runs each of bench/plan-scale.js's 400 × 6 plan), at the price of
// more, smaller scavenges; `validate` and `--help` were unchanged.

import { setFlagsFromString } from "node:v8";

/**
 * V8 majors on which the flag was checked to exist and to take effect when set after start-up:
 * Node 20 (V8 11.3), 22 (12.4) and 24 (13.6). An unknown flag would make V8 print an error.
 */
const CHECKED_V8_MAJORS = new Set([11, 12, 13]);

/**
 * The flag to set, or undefined: on a V8 it was not checked on, or when the user sized the young
 * generation themselves (NODE_OPTIONS or node's own arguments), whose choice stands.
 */
export function youngGenerationFlag(
  v8Version: string,
  nodeOptions: string | undefined,
  execArgv: readonly string[],
): string | undefined {
  if (!CHECKED_V8_MAJORS.has(Number(v8Version.split(".")[0]))) return undefined;
  if (/semi[-_]space/.test(`${nodeOptions ?? ""} ${execArgv.join(" ")}`)) return undefined;
  // Read by V8 each time it considers growing the young generation, so it takes effect now.
  return "--semi-space-growth-factor=1";
}

/** Keeps the young generation at its starting size for the rest of this process. */
export function holdYoungGeneration(): void {
  const flag = youngGenerationFlag(process.versions.v8, process.env.NODE_OPTIONS, process.execArgv);
  if (flag) setFlagsFromString(flag);
}
