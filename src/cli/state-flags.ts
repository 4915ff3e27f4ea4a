// What the `state` commands share: which store to open, and the STACK argument.

import { dirname, resolve } from "node:path";
import { Args, Flags } from "@oclif/core";
import { StateError } from "../errors.js";
import { openStateStore } from "../state/open.js";
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

export async function withStore<T>(
  flags: { state?: string | undefined; file?: string | undefined },
  fn: (store: StateStore) => Promise<T>,
): Promise<T> {
  const manifestDir = flags.file ? dirname(resolve(flags.file)) : process.cwd();
  const store = await openStateStore(flags.state, { manifestDir, env: process.env });
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
