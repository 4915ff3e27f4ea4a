// The function source a target deploys, packaged again before its apply. The engine hands an
// adapter the plan's changes, not the artifact planning built (a saved plan holds only its
// hash, under `code`), so the source is packed here once more and handed to the adapter, and a
// target whose source moved since the plan is refused before anything changes: a reviewed plan
// deploys the code it showed, or nothing.

import type { Artifact } from "../core/provider.js";
import { codeIdentity } from "../core/provider.js";
import { PlanStaleError } from "../errors.js";
import type { TargetHandle } from "./adapters.js";
import type { TargetJob } from "./jobs.js";
import type { RunContext } from "./run.js";

/** The target's packaged source, or undefined when it deploys no function source. */
export async function packagedCode(
  run: RunContext,
  handle: TargetHandle,
  clients: unknown,
  job: TargetJob,
  plannedSha256: string | undefined,
): Promise<Artifact | undefined> {
  const build = handle.adapter.build;
  if (!build || job.kind !== "apply" || run.stack.service.kind !== "function") return undefined;
  const artifact = await build.call(handle.adapter, handle.ctx(clients, run.signal), run.stack.service);
  const code = codeIdentity(artifact);
  if (plannedSha256 !== undefined && code !== plannedSha256)
    throw new PlanStaleError(
      `function.source of target ${job.name} changed since the plan was made (code ${plannedSha256.slice(0, 12)} → ${code.slice(0, 12)})`,
      {
        hint: "run `apiship plan --out FILE` again and review the new plan, or restore the source it was made from",
      },
    );
  return artifact;
}
