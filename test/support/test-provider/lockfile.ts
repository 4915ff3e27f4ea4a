// An exclusive lock between processes: a file created with O_EXCL ("wx") that holds its
// owner's pid, host and a token. A holder killed with -9 leaves it behind, so a lock whose pid
// is dead on this host, or that is older than staleMs, is taken over. Synchronous on purpose:
// it guards a few milliseconds of synchronous file I/O and nothing else.

import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { InternalError, ProviderError } from "../../../src/errors.js";

export interface LockFileOptions {
  /** How long to wait for the lock before giving up. */
  lockTimeoutMs?: number;
  /** A lock older than this is taken over even if its holder looks alive. */
  staleMs?: number;
}

// Locks this process holds: taking one again would wait for itself forever.
const held = new Set<string>();
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

export function errno(e: unknown): string | undefined {
  return e instanceof Error && "code" in e ? String((e as NodeJS.ErrnoException).code) : undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return errno(e) === "EPERM";
  }
}

function unlinkIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if (errno(e) !== "ENOENT") throw e;
  }
}

export class LockFile {
  readonly path: string;
  private readonly lockTimeoutMs: number;
  private readonly staleMs: number;
  private token = "";

  constructor(path: string, opts: LockFileOptions = {}) {
    this.path = path;
    this.lockTimeoutMs = opts.lockTimeoutMs ?? 15_000;
    this.staleMs = opts.staleMs ?? 5_000;
  }

  acquire(): void {
    if (held.has(this.path)) {
      throw new InternalError(`nested transaction on the test cloud lock ${this.path}`, {
        hint: "a CloudFile.transact callback must not call back into the same cloud file",
      });
    }
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      if (this.tryCreateLock()) break;
      if (Date.now() > deadline) {
        throw new ProviderError(
          `the test cloud lock ${this.path} stayed taken for ${this.lockTimeoutMs} ms`,
          {
            code: "CLOUD_LOCKED",
            retryable: true,
            hint: `another process holds it; remove it if no apiship or test process is running`,
          },
        );
      }
      this.breakIfStale();
      sleepSync(Math.min(2 + attempt, 20) * (0.5 + Math.random()));
    }
    held.add(this.path);
  }

  private tryCreateLock(): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, "wx");
    } catch (e) {
      if (errno(e) === "EEXIST") return false;
      throw e;
    }
    this.token = randomBytes(8).toString("hex");
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), token: this.token }));
    } finally {
      closeSync(fd);
    }
    return true;
  }

  release(): void {
    held.delete(this.path);
    const now = this.lockSnapshot();
    if (now === undefined || !now.text.includes(this.token)) {
      // Someone judged our lock stale and took it: our write may have raced theirs.
      throw new InternalError(`lost the test cloud lock ${this.path} while holding it`, {
        hint: "a transaction took longer than staleMs; raise the staleMs option",
      });
    }
    unlinkSync(this.path);
  }

  /**
   * Removes a lock whose holder died (kill -9) or that is older than staleMs. Two processes may
   * judge the same lock stale at once; a second lock file serialises the takeover, and the lock
   * is removed only if it is still the very one judged stale, so a fresh lock is never broken.
   */
  private breakIfStale(): void {
    const seen = this.lockSnapshot();
    if (seen === undefined || !this.isStale(seen)) return;
    const takeover = `${this.path}.takeover`;
    try {
      closeSync(openSync(takeover, "wx"));
    } catch (e) {
      if (errno(e) !== "EEXIST") throw e;
      // A taker killed mid-takeover leaves this behind; it is only ever held for microseconds.
      const age = this.ageMs(takeover);
      if (age !== undefined && age > this.staleMs) unlinkIfExists(takeover);
      return;
    }
    try {
      const now = this.lockSnapshot();
      if (now !== undefined && now.text === seen.text && now.mtimeMs === seen.mtimeMs)
        unlinkIfExists(this.path);
    } finally {
      unlinkIfExists(takeover);
    }
  }

  private lockSnapshot(): { text: string; mtimeMs: number } | undefined {
    try {
      const { mtimeMs } = statSync(this.path);
      return { text: readFileSync(this.path, "utf8"), mtimeMs };
    } catch (e) {
      if (errno(e) === "ENOENT") return undefined;
      throw e;
    }
  }

  private isStale(seen: { text: string; mtimeMs: number }): boolean {
    if (Date.now() - seen.mtimeMs > this.staleMs) return true;
    let holder: { pid?: unknown; host?: unknown };
    try {
      holder = JSON.parse(seen.text) as { pid?: unknown; host?: unknown };
    } catch {
      // Created but not yet written (or its writer died in between): only age can tell.
      return false;
    }
    return holder.host === hostname() && typeof holder.pid === "number" && !pidAlive(holder.pid);
  }

  private ageMs(path: string): number | undefined {
    try {
      return Date.now() - statSync(path).mtimeMs;
    } catch (e) {
      if (errno(e) === "ENOENT") return undefined;
      throw e;
    }
  }
}
