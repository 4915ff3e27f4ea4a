// The smoke test as one step of a target's deploy: after its health check passed, with the run's
// soft stop, redactor and progress events. Split from smoke.ts, which knows nothing of a run.

import type { ProviderError } from "../errors.js";
import type { HealthProbe } from "../manifest/types.js";
import type { ConnectRule } from "./connect-to.js";
import type { RunContext } from "./run.js";
import { runSmoke, smokeFailure } from "./smoke.js";
import type { SmokeSetup } from "./smoke.js";
import type { SmokeCall, SmokeReport } from "./types.js";

export interface SmokeOutcome {
  report: SmokeReport;
  /** The failed health check to report and roll back on; absent when the smoke test passed. */
  failure?: ProviderError;
}

function redactCall(c: SmokeCall, run: RunContext): SmokeCall {
  return { ...c, url: run.redact(c.url), ...(c.error === undefined ? {} : { error: run.redact(c.error) }) };
}

/**
 * Runs the smoke test of `target`'s new release, when the run has one and the release can be
 * reached over HTTP from here; a private endpoint (probe `platform`) is said to be left out.
 */
export async function smokeTest(
  run: RunContext,
  target: string,
  o: { smoke?: SmokeSetup; connectTo: readonly ConnectRule[] },
  probe: HealthProbe,
  endpoint: string | undefined,
): Promise<SmokeOutcome | undefined> {
  if (!o.smoke) return undefined;
  if (probe !== "http" || endpoint === undefined) {
    const why = endpoint === undefined ? "it has no endpoint" : `its health probe is ${probe}, not http`;
    run.emit({ type: "warning", target, message: `smoke test skipped: ${why}` });
    return undefined;
  }
  const report = await runSmoke(endpoint, o.smoke, {
    timeoutMs: run.stack.service.health.timeoutMs,
    signal: run.stop,
    connectTo: o.connectTo,
    onCall: (c) => run.emit({ type: "smoke", target, ...redactCall(c, run) }),
  });
  const shown = { ...report, calls: report.calls.map((c) => redactCall(c, run)) };
  return shown.ok
    ? { report: shown }
    : { report: shown, failure: smokeFailure(shown, target, run.stack.environment) };
}
