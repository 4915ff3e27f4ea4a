// read → plan, as the engine does before a deploy: what adapter tests and the contract suite
// share. The adapter reads the cloud by the physical name, then plans purely from that.

import type { Ctx, DeployableTarget, PlanRequest, ResourceChange } from "../../src/core/provider.js";

export type Planned<O, S> = PlanRequest<O, S> & { changes: ResourceChange[] };

export async function readAndPlan<O, S extends object, C>(
  adapter: Pick<DeployableTarget<O, S, C>, "read" | "plan">,
  ctx: Ctx<C>,
  base: Omit<PlanRequest<O, S>, "observed">,
): Promise<Planned<O, S>> {
  const observed = await adapter.read(ctx, base.recorded, base.name);
  const req = { ...base, observed };
  return { ...req, changes: adapter.plan(req).changes };
}
