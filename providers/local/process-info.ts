// The descriptor of localProcess (see ./process.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import type { LocalProcessOptions } from "./process-plan.js";
import { hostOption, portOption, stopTimeoutOption } from "./shared.js";
import { platformInfo } from "../../src/core/provider.js";

// Any version: the machine's own Node.js runs Node functions, and `python` (default python3)
// runs Python ones. The manifest's runtime picks the entry's language.
export const LOCAL_RUNTIMES = [
  "nodejs18",
  "nodejs20",
  "nodejs22",
  "nodejs24",
  "python3.9",
  "python3.10",
  "python3.11",
  "python3.12",
  "python3.13",
] as const;

export const localProcessInfo = platformInfo<LocalProcessOptions>({
  id: "local/process",
  provider: "local",
  platform: "process",
  summary: "A portable function run as a process on this machine (development)",
  kinds: ["function"],
  runtimes: LOCAL_RUNTIMES,
  options: () =>
    z.strictObject({
      port: portOption.optional(),
      host: hostOption,
      python: z
        .string()
        .min(1)
        .default("python3")
        .meta({
          description:
            "Python interpreter for Python functions: a name on PATH, or a path relative to the manifest (a virtualenv's python).",
          examples: [".venv/bin/python"],
        }),
      stopTimeout: stopTimeoutOption(5),
    }),
  limits: { memory: [64, 1_048_576], timeoutMs: 86_400_000 },
  capabilities: {
    nativeRollback: "restart of the kept previous build",
    coldStart: "none (always running)",
    scalesToZero: false,
  },
  naming: {
    resource: "local process",
    maxLength: 200,
    lowercase: false,
    extraChars: "-_.",
    startsWithLetter: false,
  },
  concurrency: 8,
});
