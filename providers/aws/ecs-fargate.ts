// AWS ECS on Fargate: a service of task-definition revisions behind an Application Load
// Balancer; the deployment circuit breaker rolls a failed deploy back (DESIGN.md §7). The
// descriptor is ecs-fargate-info.ts; this behaviour reads as a table of contents: read/status (ecs-read.ts),
// plan (ecs-plan.ts, pure), apply/rollback/destroy (ecs-apply.ts), one file per cloud resource
// beneath them (ecs-network, ecs-load-balancer, ecs-cluster, ecs-role, ecs-task-definition,
// ecs-service, ecs-scaling). No SDK is imported at load time: clients.ts does, lazily.

import { defineTarget } from "../../src/core/provider.js";
import { cloudWatchLogGroupUrl, text, viaEndpoint } from "../_shared/console.js";
import type { EcsClients } from "./clients.js";
import { createEcsClients } from "./clients.js";
import { applyEcs, destroyEcs, rollbackEcs } from "./ecs-apply.js";
import { planEcs } from "./ecs-plan.js";
import { readEcs, statusEcs } from "./ecs-read.js";
import type { EcsState } from "./ecs-state.js";
import { names } from "./ecs-state.js";
import { ecsLogs } from "./logs.js";
import { whoamiEcs } from "./whoami.js";
import { ecsFargateInfo } from "./ecs-fargate-info.js";
import type { EcsOptions } from "./ecs-fargate-info.js";
export type { EcsState } from "./ecs-state.js";
export { fargateSize } from "./ecs-state.js";
export type { EcsOptions } from "./ecs-fargate-info.js";

export const ecsFargate = defineTarget<EcsOptions, EcsState, EcsClients>({
  ...ecsFargateInfo,
  createClients: createEcsClients,
  whoami: whoamiEcs,
  read: readEcs,
  plan: planEcs,
  apply: applyEcs,
  destroy: destroyEcs,
  status: statusEcs,
  logs: ecsLogs,
  rollback: rollbackEcs,
  // The CloudWatch log group the task definition's awslogs driver writes to (/ecs/<service>).
  consoleUrl: (target, state, name) => {
    if (viaEndpoint(target.options)) return undefined;
    const region = text(state?.logGroup?.region) ?? text(state?.region) ?? target.options.region;
    const group =
      text(state?.logGroup?.name) ??
      text(state?.taskDefinition?.logGroup) ??
      names.logGroup(text(state?.name) ?? name);
    return cloudWatchLogGroupUrl(region, group);
  },
});
