// Setting up and tearing down one engine run (deploy, destroy, rollback): the locked session
// with its heartbeat, the progress emitter that stamps events and scrubs secrets from them, and
// the two-stage interrupt. The caller's signal is the soft stop (launch nothing new); once it
// fires, calls in flight get `graceMs` to finish before their own signal aborts them.

import { setMaxListeners } from "node:events";
import type { Registry } from "../core/registry.js";
import type { Stack } from "../manifest/types.js";
import { currentHolder } from "../state/locks.js";
import type { LockHolder, StateStore } from "../state/store.js";
import type { Emit } from "./adapters.js";
import type { RetryPolicy } from "./retry.js";
import type { RunContext } from "./run.js";
import type { ResolvedSecrets } from "./secrets.js";
import { redactDeep, redactor, resolveSecrets } from "./secrets.js";
import { StackSession } from "./session.js";
import type { ProgressSink } from "./types.js";

export const DEFAULT_GRACE_MS = 30_000;

export interface EngineOptions {
  stack: Stack;
  registry: Registry;
  store: StateStore;
  /** process.env, passed in: secrets (env:) and provider credentials come from it. */
  env: Record<string, string | undefined>;
  /** The manifest's folder: base of `file:` secret references. */
  baseDir: string;
  /** Where progress events go (progress.ts createSink); default: nowhere. */
  progress?: ProgressSink;
  /** Soft stop (the first SIGINT, signals.ts): launch nothing new, let calls in flight finish. */
  signal?: AbortSignal;
  /** How long calls in flight may run after the soft stop before they are aborted. */
  graceMs?: number;
  /** Who holds the lock; default this process (currentHolder). */
  holder?: LockHolder;
  lockTtlMs?: number;
  heartbeatMs?: number;
  retry?: Partial<RetryPolicy> & { random?: () => number };
  now?: () => Date;
}

export interface Began {
  run: RunContext;
  secrets: ResolvedSecrets;
  holder: LockHolder;
  interrupted: () => boolean;
}

function emitter(sink: ProgressSink | undefined, redact: (t: string) => string, now: () => Date): Emit {
  if (!sink) return () => undefined;
  return (e) => sink.emit(redactDeep({ ...e, at: now().toISOString() }, redact));
}

/** Runs `fn` with the stack locked; the lock is released and timers stopped on every path. */
export async function withRun<T>(
  opts: EngineOptions,
  command: string,
  fn: (b: Began) => Promise<T>,
): Promise<T> {
  const now = opts.now ?? (() => new Date());
  const secrets = await resolveSecrets(opts.stack.service, opts.env, opts.baseDir);
  // A deploy cannot apply without its secrets: say so before the lock is taken and a release
  // is written. Destroy and rollback go on (destroy needs none; rollback resolves its own).
  if (command === "deploy" && secrets.error) throw secrets.error;
  const redact = redactor(Object.values(secrets.values));
  const emit = emitter(opts.progress, redact, now);
  const holder = opts.holder ?? currentHolder(opts.env);
  const stop = new AbortController();
  const hard = new AbortController();
  // Every call in flight listens on both (one per target at --concurrency 100): not a leak.
  setMaxListeners(0, stop.signal, hard.signal);
  let grace: NodeJS.Timeout | undefined;
  const onStop = () => {
    if (stop.signal.aborted) return;
    stop.abort();
    emit({ type: "interrupt", message: "launching nothing new; waiting for calls in flight" });
    grace = setTimeout(() => hard.abort(), opts.graceMs ?? DEFAULT_GRACE_MS);
  };
  opts.signal?.addEventListener("abort", onStop, { once: true });
  if (opts.signal?.aborted) onStop();
  const session = await StackSession.open({
    store: opts.store,
    stack: opts.stack.id,
    holder,
    ...(opts.lockTtlMs !== undefined ? { ttlMs: opts.lockTtlMs } : {}),
    ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
    onLost: (e) => {
      emit({ type: "warning", message: `lost the lock: ${e.message}; launching nothing new` });
      onStop();
    },
  }).catch((e: unknown) => {
    opts.signal?.removeEventListener("abort", onStop);
    throw e;
  });
  for (const w of session.warnings) emit({ type: "warning", message: w });
  const run: RunContext = {
    stack: opts.stack,
    registry: opts.registry,
    env: opts.env,
    baseDir: opts.baseDir,
    session,
    emit,
    signal: hard.signal,
    stop: stop.signal,
    retry: opts.retry ?? {},
    redact,
    now,
  };
  try {
    return await fn({ run, secrets, holder, interrupted: () => opts.signal?.aborted === true });
  } finally {
    opts.signal?.removeEventListener("abort", onStop);
    if (grace) clearTimeout(grace);
    try {
      await session.close();
    } finally {
      opts.progress?.close();
    }
  }
}
