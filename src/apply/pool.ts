// Bounded parallelism for targets: at most `global` at once in all, and at most the platform's
// own limit per key (a provider's API quotas). A task waiting on a busy key does not block a
// task behind it whose key has room, so one slow provider never idles the others.

import { UsageError } from "../errors.js";

export interface PoolOptions {
  global: number;
  /** Key → most tasks of that key at once; a missing key is bounded by `global` alone. */
  perKey: (key: string) => number | undefined;
}

interface Waiting {
  key: string;
  start: () => void;
}

export class Pool {
  private running = 0;
  private readonly perKeyRunning = new Map<string, number>();
  private readonly queue: Waiting[] = [];

  constructor(private readonly opts: PoolOptions) {
    if (!(opts.global >= 1) || !Number.isInteger(opts.global)) {
      throw new UsageError(`concurrency must be a whole number of at least 1, got ${opts.global}`, {
        hint: "pass --concurrency N with N ≥ 1 (default 8)",
      });
    }
  }

  /** Runs `fn` once a slot for `key` is free; resolves or rejects with it. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        fn()
          .then(resolve, reject)
          .finally(() => this.release(key));
      };
      this.queue.push({ key, start });
      this.drain();
    });
  }

  private hasRoom(key: string): boolean {
    const limit = this.opts.perKey(key);
    return (
      this.running < this.opts.global && (limit === undefined || (this.perKeyRunning.get(key) ?? 0) < limit)
    );
  }

  private drain(): void {
    for (let i = 0; i < this.queue.length && this.running < this.opts.global;) {
      const w = this.queue[i];
      if (w && this.hasRoom(w.key)) {
        this.queue.splice(i, 1);
        this.running += 1;
        this.perKeyRunning.set(w.key, (this.perKeyRunning.get(w.key) ?? 0) + 1);
        w.start();
      } else i += 1;
    }
  }

  private release(key: string): void {
    this.running -= 1;
    this.perKeyRunning.set(key, (this.perKeyRunning.get(key) ?? 1) - 1);
    this.drain();
  }
}
