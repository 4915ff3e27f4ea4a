// The one state-store interface (DESIGN.md §5). SQLite is the embedded default, PostgreSQL
// serves teams and CI fleets, memory serves tests; one behaviour suite runs against all three.
//
// Everything is keyed by stack id ("<app>/<environment>"). Every write is one transaction
// and bumps the stack's serial, so a saved plan can tell that the state moved under it.

import type { Action } from "../core/provider.js";

export interface LockHolder {
  user: string;
  host: string;
  pid: number;
  /** The command line that holds the lock, e.g. "apiship deploy --env production". */
  command: string;
  /** CI run URL when the holder runs in CI (GITHUB_SERVER_URL/.../runs/ID, CI_JOB_URL, ...). */
  ciRunUrl?: string;
}

export interface LockInfo {
  /** Opaque id; `state unlock STACK --lock-id ID` must name it. */
  id: string;
  stack: string;
  holder: LockHolder;
  acquiredAt: string;
  heartbeatAt: string;
  expiresAt: string;
}

/** What apiship recorded about one deployed target. */
export interface TargetRecord {
  target: string;
  /** Platform id, e.g. "aws/lambda". */
  platform: string;
  /** Deterministic physical base name. */
  name: string;
  /** The target's platform options as last applied, so a target removed from the manifest can still be destroyed. */
  options?: Record<string, unknown>;
  /** The adapter's own state object, opaque to the store. */
  state: Record<string, unknown>;
  outputs: Record<string, string>;
  endpoint?: string;
  release?: string;
  deployedAt: string;
}

export type ReleaseResult = "succeeded" | "failed" | "partial" | "rolled-back" | "interrupted";

export interface Release {
  /** 1, 2, 3 ... per stack. */
  id: number;
  createdAt: string;
  /** "user@host" or the CI actor. */
  who: string;
  command: string;
  result: ReleaseResult;
  /** One line per changed target, e.g. "web: update (image)". */
  summary: string[];
  /** The target records as they were after this release: what rollback re-applies. */
  targets: Record<string, TargetRecord>;
}

export interface Intent {
  id: string;
  target: string;
  action: Action;
  resourceType: string;
  physicalName: string;
  createdAt: string;
}

export interface StackState {
  stack: string;
  serial: number;
  /** Per-stack HMAC key (base64) for secret fingerprints. Never leaves the store except to hash. */
  secretKey: string;
  targets: Record<string, TargetRecord>;
  updatedAt: string;
}

export interface StackSummary {
  stack: string;
  serial: number;
  targets: number;
  updatedAt: string;
  lock?: LockInfo;
}

export interface LockOptions {
  /** How long the lock lives without a heartbeat. */
  ttlMs: number;
}

/** What acquireLock reports besides the lock: e.g. that a dead holder's lock was taken over. */
export interface AcquiredLock {
  lock: LockInfo;
  warnings: string[];
}

export interface StackWrite {
  /** The serial the caller last read; a mismatch is a StateError (someone else wrote). */
  expectedSerial: number;
  /** Targets to upsert; `null` removes the target. */
  targets: Record<string, TargetRecord | null>;
}

export interface StateStore {
  /** Human description for messages, e.g. "sqlite:.apiship/state.db". */
  readonly url: string;

  listStacks(): Promise<StackSummary[]>;
  /** The stack's state, or undefined when nothing was ever recorded for it. */
  read(stack: string): Promise<StackState | undefined>;
  /** The stack's state, created empty (serial 0, fresh secret key) when missing. */
  ensure(stack: string): Promise<StackState>;
  /**
   * ensure() for many stacks in one transaction, reading nothing back: a plan of 400 manifests
   * paid more for 400 small write transactions than for planning a tenth of them.
   */
  ensureAll(stacks: readonly string[]): Promise<void>;
  /** Applies the write in one transaction; needs the caller to hold the lock. Returns the new state. */
  write(stack: string, lockId: string, change: StackWrite): Promise<StackState>;
  /** Removes everything recorded for the stack (state rm). */
  remove(stack: string): Promise<void>;

  /**
   * Takes the stack's lock, or throws LockError naming the holder. A lock whose heartbeat
   * expired, or whose holder is a dead process on this host, is taken over with a warning.
   */
  acquireLock(stack: string, holder: LockHolder, opts: LockOptions): Promise<AcquiredLock>;
  heartbeat(stack: string, lockId: string, opts: LockOptions): Promise<void>;
  /** Releases the lock if `lockId` holds it; a no-op otherwise. */
  releaseLock(stack: string, lockId: string): Promise<void>;
  /** `state unlock`: removes the lock only when `lockId` names the current one. */
  forceUnlock(stack: string, lockId: string): Promise<void>;
  currentLock(stack: string): Promise<LockInfo | undefined>;

  appendRelease(stack: string, lockId: string, release: Omit<Release, "id">): Promise<Release>;
  listReleases(stack: string): Promise<Release[]>;

  addIntent(stack: string, lockId: string, intent: Omit<Intent, "id" | "createdAt">): Promise<Intent>;
  resolveIntent(stack: string, lockId: string, intentId: string): Promise<void>;
  openIntents(stack: string): Promise<Intent[]>;

  close(): Promise<void>;
}
