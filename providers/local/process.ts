// local/process: a portable function run on this machine, for the development environment. The
// function's HTTP entry (the one Heroku and App Platform source builds get) runs as a detached
// process under a supervisor that timestamps its output into `.apiship/local/<app>/<env>/
// <target>.log`. Same manifest, plan, state, health check, rollback and status as a cloud.
// Behaviour: build.ts, process-plan.ts (pure), process-read.ts, process-apply.ts, logs.ts.

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { mapRuntime } from "../_shared/options.js";
import { buildLocal } from "./build.js";
import { readLogFile } from "./logs.js";
import { apply, destroy, rollback } from "./process-apply.js";
import type { LocalClients } from "./process-apply.js";
import type { LocalProcessOptions } from "./process-plan.js";
import { planProcess } from "./process-plan.js";
import { read, status } from "./process-read.js";
import { hostOption, portOption, stopTimeoutOption } from "./shared.js";
import { localPaths } from "./state.js";
import type { LocalProcessState } from "./state.js";
import { whoamiProcess } from "./whoami.js";

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

export const localProcess = defineTarget<LocalProcessOptions, LocalProcessState, LocalClients>({
  id: "local/process",
  provider: "local",
  platform: "process",
  summary: "A portable function run as a process on this machine (development)",
  kinds: ["function"],
  runtimes: LOCAL_RUNTIMES,
  options: z.strictObject({
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
  createClients: (cfg) => ({ env: cfg.env }),
  whoami: whoamiProcess,
  build: buildLocal,
  read,
  plan: planProcess,
  apply,
  destroy,
  status,
  rollback,
  logs: (ctx, _state, query) => readLogFile(localPaths(ctx.stack, ctx.target.name).log, query, ctx.signal),
});

/** The interpreter that runs a runtime here: nodejs22 → "node", python3.12 → "python3". */
export function runtimeId(neutral: string): string {
  return mapRuntime(localProcess.id, LOCAL_RUNTIMES, neutral, (r) =>
    r.language === "nodejs" ? "node" : "python3",
  );
}
