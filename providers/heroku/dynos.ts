// Dyno sizes and how `resources` and `scaling` pick one. Data and pure functions only; the
// sizes themselves (names, RAM, families) are src/core/sizes/heroku.ts, which the cost model
// reads too.

import { DYNO_MEMORY_MIB, growDyno, runsOneDyno } from "../../src/core/sizes/heroku.js";
import type { DynoSize } from "../../src/core/sizes/heroku.js";

export { DYNO_SIZES } from "../../src/core/sizes/heroku.js";
export type { DynoSize } from "../../src/core/sizes/heroku.js";

export interface DynoChoice {
  size: DynoSize;
  /** Why the size differs from the option, when it does. */
  why?: string;
}

/**
 * The dyno size for the web process: the target's `dynoSize`, grown within its family to the
 * smallest size that holds `resources.memory` and can run `quantity` dynos. Undefined when no
 * size of the family fits (the plan reports that).
 */
export function chooseDyno(option: DynoSize, memoryMiB: number, quantity: number): DynoChoice | undefined {
  const size = growDyno(option, memoryMiB, quantity);
  if (size === undefined) return undefined;
  if (size === option) return { size };
  const reasons: string[] = [];
  if (memoryOf(option) < memoryMiB)
    reasons.push(`resources.memory ${memoryMiB} MiB exceeds ${option}'s ${memoryOf(option)} MiB`);
  if (quantity > 1 && runsOneDyno(option))
    reasons.push(`${option} runs one dyno, scaling.min asks ${quantity}`);
  return { size, why: reasons.join("; ") };
}

export function memoryOf(size: DynoSize): number {
  return DYNO_MEMORY_MIB[size];
}

/** Web dynos to run: Heroku's Common Runtime does not autoscale, so `scaling.min`, at least 1. */
export function quantityFor(min: number): number {
  return Math.max(1, min);
}
