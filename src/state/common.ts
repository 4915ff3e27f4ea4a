// Store-agnostic pieces every StateStore implementation shares: options, the serial check,
// and the validation of what callers hand in. SQL lives in the stores, decisions live here.

import { StateError } from "../errors.js";
import type { ProcessProbe } from "./locks.js";
import type { Intent, Release, StackWrite, TargetRecord } from "./store.js";

export interface StoreOptions {
  /** Milliseconds since the epoch; tests pass a controllable clock. */
  now?: () => number;
  /** Who is alive on this host; tests pass a fake to simulate dead holders. */
  probe?: ProcessProbe;
}

/** A stack id is "<app>/<environment>": reject anything else before it reaches a table. */
export function checkStackId(stack: string): void {
  if (!/^[^/\s]+\/[^/\s]+$/.test(stack) || stack.length > 200) {
    throw new StateError(`invalid stack id ${JSON.stringify(stack)}`, {
      hint: 'a stack id is "<manifest name>/<environment>", e.g. "sentiment-api/production"',
    });
  }
}

export function checkSerial(stack: string, actual: number, change: StackWrite): void {
  if (actual === change.expectedSerial) return;
  throw new StateError(
    `the state of stack "${stack}" moved: it is at serial ${actual}, this run read serial ${change.expectedSerial}`,
    { hint: "another run wrote the state after this one read it; run the command again to re-plan" },
  );
}

/** Targets after a write: `null` removes, a record upserts under its key. */
export function applyTargets(
  current: Record<string, TargetRecord>,
  change: StackWrite,
): Record<string, TargetRecord> {
  const next: Record<string, TargetRecord> = { ...current };
  for (const [name, record] of Object.entries(change.targets)) {
    if (record === null) delete next[name];
    else next[name] = structuredClone(record);
  }
  return next;
}

export function intentNotFound(stack: string, intentId: string): StateError {
  return new StateError(`stack "${stack}" has no intent ${JSON.stringify(intentId)}`, {
    hint: `run "apiship state show ${stack}" to list its open intents`,
  });
}

/** A release as stored: the caller's fields plus the id the store assigned. */
export function withId(id: number, release: Omit<Release, "id">): Release {
  return { id, ...structuredClone(release) };
}

export function newIntent(id: string, createdAt: string, intent: Omit<Intent, "id" | "createdAt">): Intent {
  return {
    id,
    target: intent.target,
    action: intent.action,
    resourceType: intent.resourceType,
    physicalName: intent.physicalName,
    createdAt,
  };
}

/** JSON.parse for columns we wrote ourselves; a failure means someone edited the store by hand. */
export function parseColumn<T>(text: string, where: string, url: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new StateError(`state ${url} holds an unreadable record (${where})`, {
      cause: e,
      hint: "the state was edited outside apiship; restore it from a backup or `apiship state export`",
    });
  }
}
