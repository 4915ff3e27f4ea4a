// What the three stores (sqlite, postgres, memory) take from StoreOptions the same way: the
// clock every stored time and lock expiry is read from, and the probe that tells whether a
// lock's holder is still alive on this host. Tests pass both to control time and fake dead holders.

import type { StoreOptions } from "./common.js";
import type { ProcessProbe } from "./locks.js";
import { lockStaleness, lockedError, systemProbe } from "./locks.js";
import type { LockInfo } from "./store.js";

export abstract class StoreBase {
  /** Milliseconds since the epoch. */
  protected readonly now: () => number;
  protected readonly probe: ProcessProbe;

  protected constructor(opts: StoreOptions) {
    this.now = opts.now ?? Date.now;
    this.probe = opts.probe ?? systemProbe;
  }

  /** The clock's time as stored: an ISO string. */
  protected iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** `remove` (state rm) is refused while a live lock is held; an expired or dead holder's lock does not block it. */
  protected refuseLiveLock(stack: string, lock: LockInfo | undefined): void {
    if (lock && !lockStaleness(lock, this.now(), this.probe).stale)
      throw lockedError(stack, lock, this.now());
  }
}
