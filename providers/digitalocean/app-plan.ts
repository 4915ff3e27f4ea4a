// State and the PURE planner of digitalocean/app-platform: one resource, the app, whose spec
// is compared attribute by attribute. A region change recreates the app (apiship does not run
// App Platform's region migration), everything else is an update that makes a new deployment.

import type { PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import { changeReason, requireLocalSecrets } from "../_shared/plan.js";
import { desiredAttributes } from "./app-spec.js";
import type { AppAttributes, AppOptions } from "./app-spec.js";

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
}

export type AppPlanRequest = PlanRequest<AppOptions, AppState>;

/** Secret hashes for the plan; offline (no hash) a secret keeps the one the app has. */
export function hashesFor(req: AppPlanRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = req.observed?.attributes.secrets ?? {};
  for (const n of Object.keys(req.service.secrets)) out[n] = req.secretHashes[n] ?? seen[n] ?? "";
  return out;
}

export function planApp(req: AppPlanRequest): PlanResponse {
  requireLocalSecrets(req.service.secrets, "digitalocean/app-platform");
  const after = desiredAttributes(req.service, req.target.options, hashesFor(req));
  const before = req.observed?.attributes ?? null;
  const sensitive = Object.keys({ ...before?.secrets, ...after.secrets }).map((k) => joinPath("secrets", k));
  const diff = diffAttributes(
    before as Record<string, unknown> | null,
    after as unknown as Record<string, unknown>,
    { sensitive, forcesReplace: ["region"] },
  );
  const change: ResourceChange = {
    type: "app",
    name: req.name,
    action: diff.action,
    before: before as Record<string, unknown> | null,
    after: after as unknown as Record<string, unknown>,
    sensitivePaths: diff.sensitivePaths,
    replacePaths: diff.replacePaths,
    dependsOn: [],
  };
  const reason = changeReason(diff.action, diff.changedPaths, diff.replacePaths);
  if (reason !== undefined) change.reason = reason;
  return { changes: [change] };
}
