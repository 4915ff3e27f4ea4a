// Lock logic shared by every store: who holds a lock, when a lock is stale, and the messages
// a user sees. Each store only reads and writes the lock row inside its own transaction and
// asks `decideAcquire` what to do, so SQLite, PostgreSQL and memory cannot drift apart.

import { randomUUID } from "node:crypto";
import os from "node:os";
import { InternalError, LockError } from "../errors.js";
import type { AcquiredLock, LockHolder, LockInfo, LockOptions } from "./store.js";

/** How a store learns about processes; tests replace it to simulate other hosts. */
export interface ProcessProbe {
  hostname(): string;
  /** False only when the process certainly does not exist. */
  isAlive(pid: number): boolean;
}

export const systemProbe: ProcessProbe = {
  hostname: () => os.hostname(),
  isAlive: pidIsAlive,
};

export function pidIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return !(e instanceof Error && "code" in e && e.code === "ESRCH");
  }
}

/** The CI run URL of the current process, when it runs in a CI system we know. */
export function ciRunUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  if (server && repo && run) return `${server}/${repo}/actions/runs/${run}`;
  return env.CI_JOB_URL || env.BUILD_URL || undefined;
}

function currentUser(env: Record<string, string | undefined>): string {
  try {
    return os.userInfo().username;
  } catch {
    // userInfo throws when the uid has no passwd entry (common in containers); the
    // environment is the best remaining witness and the lock is still valid without it.
    return env.USER || env.USERNAME || `uid ${process.getuid?.() ?? "unknown"}`;
  }
}

/** `scheme://user:***@host/...` for any argument (or `--flag=value`) holding a URL with a password. */
export function maskUrlPassword(arg: string): string {
  return arg.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]+@/gi, "$1***@");
}

/** The holder describing this process: what another run's LockError will show. */
export function currentHolder(
  env: Record<string, string | undefined> = process.env,
  argv: string[] = process.argv,
): LockHolder {
  // The command line is shown to other users (LockError) and kept in the release history: a
  // password in a URL argument (--state postgres://u:pw@...) must not travel with it.
  const args = argv
    .slice(2)
    .map(maskUrlPassword)
    .map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a));
  const holder: LockHolder = {
    user: currentUser(env),
    host: os.hostname(),
    pid: process.pid,
    command: ["apiship", ...args].join(" "),
  };
  const ci = ciRunUrl(env);
  if (ci) holder.ciRunUrl = ci;
  return holder;
}

/** "3m12s", "45s", "2h05m", "3d4h": how long a lock has been held. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor(s / 3600) % 24}h`;
}

/** `alice@host (pid 123, "apiship deploy")` */
export function formatHolder(h: LockHolder): string {
  return `${h.user}@${h.host} (pid ${h.pid}, ${JSON.stringify(h.command)})`;
}

export type Staleness = { stale: false } | { stale: true; reason: string };

/** A lock is stale when its heartbeat expired, or its holder is a dead process on this host. */
export function lockStaleness(lock: LockInfo, nowMs: number, probe: ProcessProbe): Staleness {
  const expires = Date.parse(lock.expiresAt);
  if (!(expires > nowMs)) {
    return { stale: true, reason: `its heartbeat expired ${formatDuration(nowMs - expires)} ago` };
  }
  if (lock.holder.host === probe.hostname() && !probe.isAlive(lock.holder.pid)) {
    return { stale: true, reason: `process ${lock.holder.pid} is no longer running on this host` };
  }
  return { stale: false };
}

export function lockedError(stack: string, lock: LockInfo, nowMs: number): LockError {
  const held = formatDuration(nowMs - Date.parse(lock.acquiredAt));
  const ci = lock.holder.ciRunUrl ? `, CI run ${lock.holder.ciRunUrl}` : "";
  return new LockError(`stack "${stack}" is locked by ${formatHolder(lock.holder)} for ${held}${ci}`, {
    holder: { ...lock.holder, lockId: lock.id, acquiredAt: lock.acquiredAt, expiresAt: lock.expiresAt },
    hint:
      "wait for that run to finish and try again; a lock whose holder died on this host or " +
      "stopped sending heartbeats is taken over automatically. If you are sure it is abandoned: " +
      `apiship state unlock ${stack} --lock-id ${lock.id}`,
  });
}

export function newLock(stack: string, holder: LockHolder, opts: LockOptions, nowMs: number): LockInfo {
  const now = new Date(nowMs).toISOString();
  return {
    id: randomUUID(),
    stack,
    holder: { ...holder },
    acquiredAt: now,
    heartbeatAt: now,
    expiresAt: new Date(nowMs + opts.ttlMs).toISOString(),
  };
}

/** Decides an acquire given the current lock row: a new lock (maybe with a takeover warning) or a LockError. */
export function decideAcquire(
  stack: string,
  existing: LockInfo | undefined,
  holder: LockHolder,
  opts: LockOptions,
  nowMs: number,
  probe: ProcessProbe,
): AcquiredLock {
  if (!(opts.ttlMs > 0)) {
    throw new InternalError(`lock ttlMs must be positive, got ${opts.ttlMs}`, {
      hint: "this is a bug in apiship",
    });
  }
  const lock = newLock(stack, holder, opts, nowMs);
  if (!existing) return { lock, warnings: [] };
  const staleness = lockStaleness(existing, nowMs, probe);
  if (!staleness.stale) throw lockedError(stack, existing, nowMs);
  const warning =
    `took over the lock of stack "${stack}" from ${formatHolder(existing.holder)}: ` +
    `${staleness.reason}; the state it left is kept and its open intents are reconciled`;
  return { lock, warnings: [warning] };
}

/** Throws unless `lockId` names the stack's current lock: every write must hold it. */
export function requireHeld(stack: string, current: LockInfo | undefined, lockId: string): LockInfo {
  if (current && current.id === lockId) return current;
  const who = current ? `; it is now held by ${formatHolder(current.holder)}` : "";
  return failNotHeld(stack, who);
}

function failNotHeld(stack: string, who: string): never {
  throw new LockError(`this run does not hold the lock of stack "${stack}"${who}`, {
    hint:
      "the lock was released, force-unlocked or taken over after its heartbeat expired; " +
      "run the command again to re-plan against the current state",
  });
}

/** The lock after a heartbeat from its holder. */
export function renewed(current: LockInfo, opts: LockOptions, nowMs: number): LockInfo {
  return {
    ...current,
    heartbeatAt: new Date(nowMs).toISOString(),
    expiresAt: new Date(nowMs + opts.ttlMs).toISOString(),
  };
}

/** `state unlock` named the wrong lock. */
export function wrongLockIdError(stack: string, current: LockInfo, lockId: string): LockError {
  return new LockError(
    `lock id "${lockId}" does not name the current lock of stack "${stack}" ` +
      `(held by ${formatHolder(current.holder)})`,
    {
      holder: { ...current.holder, acquiredAt: current.acquiredAt },
      hint: `run "apiship state show ${stack}" to see the current lock id, then pass it with --lock-id`,
    },
  );
}
