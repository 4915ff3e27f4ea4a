// Flag builders shared by commands, so every command spells -f/--env/--state the same way.

import { Flags } from "@oclif/core";

export const fileFlag = Flags.string({
  char: "f",
  description: "Manifest file or glob (repeatable). Default: ./apiship.yaml.",
  multiple: true,
});

export const envFlag = Flags.string({
  char: "e",
  description: "Environment to use (default: the manifest's defaultEnvironment).",
  env: "APISHIP_ENV",
});

export const stateFlag = Flags.string({
  description:
    "State store: sqlite:PATH (default .apiship/state.db beside the manifest), postgres://..., memory:",
  env: "APISHIP_STATE",
});

export const targetFlag = Flags.string({
  char: "t",
  description: "Only this target (repeatable).",
  multiple: true,
});
