// State and the PURE planner of digitalocean/app-platform: one resource, the app, whose spec
// is compared attribute by attribute. A region change recreates the app (apiship does not run
// App Platform's region migration), everything else is an update that makes a new deployment.
// A source build's commit changes only when the git tree of function.source does.

import type { PlanRequest, PlanResponse } from "../../src/core/provider.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import { requireLocalSecrets, resourceChange } from "../_shared/plan.js";
import { desiredAttributes } from "./app-spec.js";
import type { AppAttributes, AppOptions, SourceCode } from "./app-spec.js";

export interface AppState {
  /** app_spec.name: the target's physical name, unique in the account. */
  name: string;
  appId: string;
  attributes: AppAttributes;
  /** Secret name → the encrypted value (EV[...]) the app holds: not the secret, and what later updates resend. */
  ciphertexts: Record<string, string>;
  /** The active deployment: what a rollback to this state returns to. */
  deploymentId?: string;
  liveUrl?: string;
  /** For a source build: the git tree of function.source at the live commit, when this clone has it. */
  tree?: string;
}

export type AppPlanRequest = PlanRequest<AppOptions, AppState>;

/** Secret hashes for the plan; offline (no hash) a secret keeps the one the app has. */
export function hashesFor(req: AppPlanRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = req.observed?.attributes.secrets ?? {};
  for (const n of Object.keys(req.service.secrets)) out[n] = req.secretHashes[n] ?? seen[n] ?? "";
  return out;
}

/**
 * The commit a source build deploys: the work tree's, unless the folder's tree is the one
 * already live (then the live commit stays, and nothing is rebuilt). Offline (no artifact) the
 * live source is taken as unchanged.
 */
export function codeFor(
  req: Pick<AppPlanRequest, "artifact" | "observed" | "service">,
): SourceCode | undefined {
  if (req.service.kind !== "function") return undefined;
  const live = req.observed?.attributes.source;
  const wt = req.artifact?.git;
  if (!wt) return live ? { commit: live.commit, dir: live.dir } : undefined;
  if (live && req.observed?.tree === wt.tree) return { commit: live.commit, dir: wt.dir };
  return { commit: wt.commit, dir: wt.dir };
}

export function planApp(req: AppPlanRequest): PlanResponse {
  requireLocalSecrets(req.service.secrets, "digitalocean/app-platform");
  const after = desiredAttributes(req.service, req.target.options, hashesFor(req), codeFor(req));
  const before = req.observed?.attributes ?? null;
  const sensitive = Object.keys({ ...before?.secrets, ...after.secrets }).map((k) => joinPath("secrets", k));
  const diff = diffAttributes(
    before as Record<string, unknown> | null,
    after as unknown as Record<string, unknown>,
    { sensitive, forcesReplace: ["region"] },
  );
  const change = resourceChange(
    {
      type: "app",
      name: req.name,
      before: before as Record<string, unknown> | null,
      after: after as unknown as Record<string, unknown>,
      dependsOn: [],
    },
    diff,
  );
  return { changes: [change] };
}
