// What every provider's whoami() (`apiship doctor`) shares: the reach check is run after the
// identity, and its failure is returned rather than thrown, so doctor can tell "who you are
// failed" from "who you are is fine, but the region or project does not answer".

import type { Identity } from "../../src/core/provider.js";

/** Runs the reach read: what answered, or the (already mapped) error it failed with. */
export async function reachBy(read: () => Promise<string>): Promise<NonNullable<Identity["reach"]>> {
  try {
    return { ok: true, detail: await read() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** "1 function" / "3 functions". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
