// local/process: a portable function run on this machine, for the development environment. The
// function's HTTP entry (the one Heroku and App Platform source builds get) runs as a detached
// process under a supervisor that timestamps its output into `.apiship/local/<app>/<env>/
// <target>.log`. Same manifest, plan, state, health check, rollback and status as a cloud.
// Behaviour: build.ts, process-plan.ts (pure), process-read.ts, process-apply.ts, logs.ts.

import { defineTarget } from "../../src/core/provider.js";
import { mapRuntime } from "../_shared/options.js";
import { buildLocal } from "./build.js";
import { readLogFile } from "./logs.js";
import { apply, destroy, rollback } from "./process-apply.js";
import type { LocalClients } from "./process-apply.js";
import type { LocalProcessOptions } from "./process-plan.js";
import { planProcess } from "./process-plan.js";
import { read, status } from "./process-read.js";
import { localPaths } from "./state.js";
import type { LocalProcessState } from "./state.js";
import { whoamiProcess } from "./whoami.js";
import { localProcessInfo, LOCAL_RUNTIMES } from "./process-info.js";
export { LOCAL_RUNTIMES } from "./process-info.js";

export const localProcess = defineTarget<LocalProcessOptions, LocalProcessState, LocalClients>({
  ...localProcessInfo,
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
