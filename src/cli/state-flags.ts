// What the `state` commands share: which store to open, and the STACK argument.

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Args, Flags } from "@oclif/core";
import { StateError } from "../errors.js";
import { openStateStore, resolveStateLocation } from "../state/open.js";
import type { StackState, StateStore } from "../state/store.js";
import { stateFlag } from "./flags.js";

export const stateCommandFlags = {
  state: stateFlag,
  file: Flags.string({
    char: "f",
    description:
      "Manifest whose default state file to use (.apiship/state.db beside it). Default: ./apiship.yaml.",
  }),
};

export const stackArg = Args.string({
  description: "Stack id: <manifest name>/<environment>.",
  required: true,
});

/**
 * Runs `fn` on the store the flags name. Inspecting must not create a state: when the SQLite
 * file does not exist, `ifMissing` answers (e.g. an empty list), or it is a StateError.
 */
export async function withStore<T>(
  flags: { state?: string | undefined; file?: string | undefined },
  fn: (store: StateStore) => Promise<T>,
  ifMissing?: () => T,
): Promise<T> {
  const manifestDir = flags.file ? dirname(resolve(flags.file)) : process.cwd();
  const opts = { manifestDir, env: process.env };
  const loc = resolveStateLocation(flags.state, opts);
  if (loc.kind === "sqlite" && !existsSync(loc.path)) {
    if (ifMissing) return ifMissing();
    throw new StateError(`no state file at ${loc.path}`, {
      hint: "run the command beside the manifest (or pass -f apiship.yaml), or name the store with --state / APISHIP_STATE",
    });
  }
  const store = await openStateStore(flags.state, opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export async function mustRead(store: StateStore, stack: string): Promise<StackState> {
  const state = await store.read(stack);
  if (!state) {
    const known = (await store.listStacks()).map((s) => s.stack);
    throw new StateError(`no state recorded for stack "${stack}" in ${store.url}`, {
      hint: known.length ? `stacks in this store: ${known.join(", ")}` : "this store holds no stack yet",
    });
  }
  return state;
}

/** The state as shown or exported: everything but the per-stack HMAC key. */
export function publicState(state: StackState): Omit<StackState, "secretKey"> {
  const { secretKey: _key, ...rest } = state;
  return rest;
}
