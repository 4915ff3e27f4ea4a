// The PURE planner of local/process: one resource, the process. A process cannot change in
// place: new code, env, secrets or port replace it (stop, then start on the same port). A
// process that exited or was killed is replaced too, and shows as such.

import type { PlanRequest, PlanResponse } from "../../src/core/provider.js";
import { codeIdentity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { requireLocalSecrets } from "../_shared/plan.js";
import { asgiTarget, interfaceOf, languageOf } from "../_shared/portable.js";
import { checkLocalAccess, replaceOnlyChange, secretHashesOf } from "./shared.js";
import type { LocalProcessState } from "./state.js";

export interface LocalProcessOptions {
  port?: number;
  host: string;
  python: string;
  /** Seconds between SIGTERM and SIGKILL. */
  stopTimeout: number;
}

export type LocalPlanRequest = PlanRequest<LocalProcessOptions, LocalProcessState>;

/** Variables the entry and the local platform set: the manifest may not. */
export const RESERVED_ENV = ["PORT", "HOST", "APISHIP_OWNER", "APISHIP_CODE"];

/** `service.env` plus what the portable entry reads (APISHIP_APP for a Python app). */
export function processEnv(req: Pick<LocalPlanRequest, "service">): Record<string, string> {
  const fn = req.service.function;
  const env = { ...req.service.env };
  if (fn && interfaceOf(fn) === "portable" && languageOf(fn.runtime) === "python")
    env.APISHIP_APP = asgiTarget(fn.handler);
  return env;
}

function check(req: LocalPlanRequest): void {
  requireLocalSecrets(req.service.secrets, "local/process");
  checkLocalAccess(req.service.access, req.target.options.host, "local/process", req.target.name);
  for (const k of [...Object.keys(req.service.env), ...Object.keys(req.service.secrets)])
    if (RESERVED_ENV.includes(k))
      throw new ProviderError(`${k} is set by the local platform`, {
        code: "RESERVED_ENV",
        fault: "user",
        target: req.target.name,
        hint: `remove ${k} from service.env/secrets; the entry reads its port from $PORT`,
      });
}

export function desiredAttrs(req: LocalPlanRequest): Record<string, unknown> {
  check(req);
  const o = req.target.options;
  const port = o.port ?? req.observed?.port ?? req.recorded?.port;
  // An offline plan has no build: the code is what runs.
  const code = req.artifact ? codeIdentity(req.artifact).slice(0, 12) : req.observed?.code.slice(0, 12);
  return {
    code: code ?? "(built at deploy)",
    host: o.host,
    port: port ?? "(a free port, kept across deploys)",
    env: processEnv(req),
    secrets: secretHashesOf(req.service.secrets, req.secretHashes, req.observed?.secrets),
  };
}

export function observedAttrs(s: LocalProcessState | undefined): Record<string, unknown> | null {
  if (!s) return null;
  return { code: s.code.slice(0, 12), host: s.host, port: s.port, env: s.env, secrets: s.secrets };
}

export function planProcess(req: LocalPlanRequest): PlanResponse {
  const before = observedAttrs(req.observed);
  return {
    changes: [replaceOnlyChange("process", req.name, before, desiredAttrs(req), req.observed?.running)],
  };
}
