// Tests whose fixtures carry fixed dates and whose code under test reads the clock.
import { vi } from "vitest";

/**
 * Fakes Date alone (timers stay real, for polling loops' pauses), set a minute before `t`, so a
 * test seeded with entries dated `t` means the same on any day. Undo with vi.useRealTimers().
 */
export function pinClockBefore(t: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(t - 60_000);
}
