// What the cloud holds of an aws/ecs-fargate target now (read) and how it is doing (status).
// Read only, found by the deterministic names of ecs-state.ts, so a run that crashed before
// its state was written still finds what it made.

import type { StatusReport } from "../../src/core/provider.js";
import { parseSecretRef } from "../../src/manifest/secrets.js";
import type { EcsClients } from "./clients.js";
import { readCluster, readLogGroup } from "./ecs-cluster.js";
import type { EcsOptions } from "./ecs-fargate.js";
import { readLoadBalancer } from "./ecs-load-balancer.js";
import { readGroups, toNetworkState } from "./ecs-network.js";
import type { EcsCtx } from "./ecs-network.js";
import { readExecRole } from "./ecs-role.js";
import { readScaling } from "./ecs-scaling.js";
import { checkServiceOwner, describeService, primaryOf, toServiceState } from "./ecs-service.js";
import { names } from "./ecs-state.js";
import type { EcsState } from "./ecs-state.js";
import { describeTaskDef, toTaskDefState } from "./ecs-task-definition.js";

/** The clients of the region a state lives in (a region change is read and torn down there). */
export async function ecsClientsFor(ctx: EcsCtx, region: string | undefined): Promise<EcsClients> {
  return region && region !== ctx.clients.region ? ctx.clients.forRegion(region) : ctx.clients;
}

const optionsOf = (ctx: EcsCtx) => ctx.target.options as EcsOptions;

/** Names of the secrets whose values sit in the task definition's environment. */
function localSecretNames(ctx: EcsCtx, prior: EcsState | undefined): string[] {
  const local = Object.entries(ctx.stack.service.secrets)
    .filter(([, ref]) => {
      const p = parseSecretRef(ref);
      return p.ok && (p.scheme === "env" || p.scheme === "file");
    })
    .map(([n]) => n);
  return [...new Set([...local, ...Object.keys(prior?.taskDefinition?.secrets ?? {})])];
}

/** The shared ALB a state (or, without one, the target) uses; undefined for apiship's own. */
function sharedOf(ctx: EcsCtx, prior: EcsState | undefined) {
  const lb = prior?.loadBalancer;
  if (lb) return lb.managed ? undefined : { arn: lb.arn, listenerArn: lb.listenerArn };
  return optionsOf(ctx).loadBalancer;
}

export async function readEcs(
  ctx: EcsCtx,
  prior: EcsState | undefined,
  name: string,
): Promise<EcsState | undefined> {
  const c = await ecsClientsFor(ctx, prior?.region);
  const stackId = ctx.stack.id;
  const clusterName = prior?.service?.cluster ?? prior?.cluster?.name ?? optionsOf(ctx).cluster;
  const cluster = await readCluster(c, clusterName, stackId);
  const svc = cluster ? await describeService(c, clusterName, name) : undefined;
  if (svc) checkServiceOwner(svc, stackId, c.target);
  const td = await describeTaskDef(c, svc?.taskDefinition ?? name, stackId);
  const groups = await readGroups(c, name, stackId);
  const lb = await readLoadBalancer(c, name, stackId, sharedOf(ctx, prior));
  const logGroup = await readLogGroup(c, names.logGroup(name));
  const role = await readExecRole(c, names.role(name), stackId);
  const service = svc ? toServiceState(svc, c.region, clusterName) : undefined;
  const scaling = service ? await readScaling(c, clusterName, name) : undefined;
  if (!service && !td && groups.length === 0 && !lb && !logGroup && !role?.managed) return undefined;
  const state: EcsState = { name, region: c.region };
  const network = toNetworkState(groups, name, c.region, {
    vpc: lb?.vpc || prior?.network?.vpc,
    subnets: service?.subnets ?? prior?.network?.subnets,
  });
  if (network) state.network = network;
  if (lb) state.loadBalancer = lb;
  if (cluster) state.cluster = cluster.state;
  if (logGroup) state.logGroup = logGroup;
  if (role?.managed) state.role = role;
  if (td) {
    const secretNames = localSecretNames(ctx, prior);
    state.taskDefinition = toTaskDefState(td, c.region, secretNames, prior?.taskDefinition?.secrets ?? {});
  }
  if (service) state.service = service;
  if (scaling) state.scaling = scaling;
  return state;
}

export function endpointOf(s: EcsState): string | undefined {
  const lb = s.loadBalancer;
  if (!lb?.dnsName) return undefined;
  return `${lb.protocol === "HTTPS" ? "https" : "http"}://${lb.dnsName}`;
}

export async function statusEcs(ctx: EcsCtx, state: EcsState): Promise<StatusReport> {
  const c = await ecsClientsFor(ctx, state.region);
  const cluster = state.service?.cluster ?? state.cluster?.name ?? optionsOf(ctx).cluster;
  const svc = await describeService(c, cluster, state.name);
  if (!svc)
    return { health: "missing", detail: `service ${state.name} is not in cluster ${cluster} (${c.region})` };
  const report: StatusReport = { health: "unknown" };
  const endpoint = endpointOf(state);
  if (endpoint) report.endpoint = endpoint;
  report.release = (svc.taskDefinition ?? "").split("/").pop() ?? "";
  const running = svc.runningCount ?? 0;
  const desired = svc.desiredCount ?? 0;
  const rollout = primaryOf(svc)?.rolloutState;
  if (rollout === "FAILED") {
    report.health = running > 0 ? "partial" : "down";
    report.detail = primaryOf(svc)?.rolloutStateReason ?? "the last deployment failed";
  } else if (running === 0) {
    report.health = "down";
    report.detail = `0 of ${desired} tasks running`;
  } else {
    report.health = running >= desired && rollout !== "IN_PROGRESS" ? "ready" : "partial";
    if (report.health === "partial")
      report.detail = `${running} of ${desired} tasks running, rollout ${rollout ?? "unknown"}`;
  }
  return report;
}
