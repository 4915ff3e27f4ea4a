// Following an App Platform deployment to its end: the phases go PENDING_BUILD → BUILDING →
// PENDING_DEPLOY → DEPLOYING → ACTIVE, or end in ERROR / CANCELED. A failed deployment is
// reported with the step that failed and the URL of that component's build or deploy log, so
// a user can open the reason without the control panel.

import { ProviderError } from "../../src/errors.js";
import { poll } from "../_shared/poll.js";
import type { DoClients } from "./clients.js";
import type { AppDeployment, DeploymentStep } from "./types.js";

const FINAL = new Set(["ACTIVE", "ERROR", "CANCELED", "SUPERSEDED"]);

/** The deepest step that failed, depth first. */
export function failedStep(steps: DeploymentStep[] | undefined): DeploymentStep | undefined {
  for (const s of steps ?? []) {
    if (s.status !== "ERROR") continue;
    return failedStep(s.steps) ?? s;
  }
  return undefined;
}

async function logUrl(
  c: DoClients,
  appId: string,
  d: AppDeployment,
  step: DeploymentStep | undefined,
  signal: AbortSignal,
): Promise<string | undefined> {
  const component = step?.component_name;
  if (!component) return undefined;
  const type = /build/i.test(`${step.name ?? ""} ${step.message_base ?? ""}`) ? "BUILD" : "DEPLOY";
  try {
    const logs = await c.api.deploymentLogs(appId, d.id, component, type, signal);
    return logs.historic_urls?.[0] ?? logs.live_url;
  } catch {
    // The log link is a courtesy; the failure itself is what must be reported.
    return undefined;
  }
}

export async function deploymentError(
  c: DoClients,
  appId: string,
  d: AppDeployment,
  signal: AbortSignal,
): Promise<ProviderError> {
  const step = failedStep(d.progress?.steps);
  const url = await logUrl(c, appId, d, step, signal);
  const what = step
    ? `step ${[step.message_base, step.component_name].filter(Boolean).join(" ") || step.name} failed${step.reason?.message ? `: ${step.reason.message}` : ""}`
    : "no step reported the reason";
  return new ProviderError(`App Platform deployment ${d.id} ended ${d.phase}: ${what}`, {
    code: "DEPLOYMENT_FAILED",
    fault: "user",
    target: c.target,
    hint: url ? `the log is at ${url}` : "see the app's Activity tab in the control panel",
  });
}

/** Waits for the deployment to end; returns it when ACTIVE, else throws with the failing step. */
export async function awaitDeployment(
  c: DoClients,
  appId: string,
  deploymentId: string,
  signal: AbortSignal,
): Promise<AppDeployment> {
  const d = await poll(
    () => c.api.getDeployment(appId, deploymentId, signal),
    (x) => FINAL.has(x.phase ?? ""),
    {
      what: `deployment ${deploymentId} of app ${appId}`,
      intervalMs: c.timing.pollMs,
      maxIntervalMs: Math.max(c.timing.pollMs, 10_000),
      timeoutMs: c.timing.deployTimeoutMs,
      signal,
    },
  );
  if (d.phase !== "ACTIVE") throw await deploymentError(c, appId, d, signal);
  return d;
}
