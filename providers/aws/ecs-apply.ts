// apply, rollback and destroy of aws/ecs-fargate. apply converges rather than replays: it reads
// what is there now and makes only the calls that close the gap, in dependency order (network,
// load balancer, cluster, logs, role, task definition, service, scaling), so an apply the
// executor retries picks up where the failed attempt stopped. destroy runs the reverse order.

import { resolvedSecrets } from "../_shared/plan.js";
import type { ApplyResult, PlannedChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { canonicalJson } from "../../src/plan/diff.js";
import { deleteCluster, deleteLogGroup, ensureCluster, ensureLogGroup } from "./ecs-cluster.js";
import type { EcsOptions } from "./ecs-fargate.js";
import { deleteLoadBalancer, ensureLoadBalancer } from "./ecs-load-balancer.js";
import { deleteGroup, ensureLbGroup, ensureTaskGroup, readGroups, resolvePlacement } from "./ecs-network.js";
import type { EcsCtx } from "./ecs-network.js";
import { desiredScaling, desiredTaskDef, healthAttrs, lbCidr, lbPorts, secretResources } from "./ecs-plan.js";
import { ecsClientsFor, endpointOf, readEcs } from "./ecs-read.js";
import { deleteExecRole, ensureExecRole, readExecRole } from "./ecs-role.js";
import { deleteScaling, ensureScaling } from "./ecs-scaling.js";
import { createService, deleteService, primaryOf, updateService, waitRollout } from "./ecs-service.js";
import type { ServiceWant } from "./ecs-service.js";
import { EXEC_POLICY, TAG_MANAGED, names, ownerTags } from "./ecs-state.js";
import type { EcsState, NetworkState, ScalingState, TaskDefAttrs, TaskDefState } from "./ecs-state.js";
import { deregisterFamily, registerTaskDef, toTaskDefState } from "./ecs-task-definition.js";

type Change = PlannedChange<EcsOptions, EcsState>;

/** Region, VPC, cluster and load balancer mode are fixed at creation. */
function mustReplace(live: EcsState, o: EcsOptions, region: string): boolean {
  if (live.region !== region) return true;
  if (o.vpc && live.network?.vpc && o.vpc !== live.network.vpc) return true;
  if (live.service && live.service.cluster !== o.cluster) return true;
  return live.loadBalancer !== undefined && live.loadBalancer.managed === (o.loadBalancer !== undefined);
}

function secretValues(want: TaskDefAttrs, resolved: Record<string, string>, target: string) {
  return resolvedSecrets(Object.keys(want.secrets), resolved, target, "the task definition");
}

const attrsOf = (td: TaskDefState) =>
  Object.fromEntries(Object.entries(td).filter(([k]) => k !== "arn" && k !== "revision"));

async function ensureTaskDef(ctx: EcsCtx, change: Change, live: EcsState | undefined, roleArn: string) {
  const want = desiredTaskDef({ ...change, observed: live });
  const have = live?.taskDefinition;
  if (have && canonicalJson(attrsOf(have)) === canonicalJson(want)) return have;
  const secrets = secretValues(want, change.secrets, ctx.target.name);
  const td = await registerTaskDef(ctx, want, roleArn, secrets, change.service.health.timeoutMs);
  return { ...toTaskDefState(td, ctx.clients.region, Object.keys(want.secrets), want.secrets), ...want };
}

async function ensureNetworkAndLb(ctx: EcsCtx, change: Change, live: EcsState | undefined) {
  const o = change.target.options;
  const isPublic = change.service.access === "public";
  const place = await resolvePlacement(ctx.clients, o, live?.network, !isPublic && !o.loadBalancer);
  const net: NetworkState = { region: ctx.clients.region, vpc: place.vpc, subnets: place.subnets };
  if (!o.loadBalancer) {
    net.lbGroup = await ensureLbGroup(ctx, change.name, live?.network?.lbGroup, {
      vpc: place.vpc,
      ports: lbPorts(o),
      cidr: lbCidr(change.service.access),
      realCidr: isPublic ? "0.0.0.0/0" : (place.cidr ?? ""),
    });
  }
  const lb = await ensureLoadBalancer(ctx, change.name, live?.loadBalancer, {
    region: ctx.clients.region,
    vpc: place.vpc,
    subnets: place.subnets,
    securityGroups: net.lbGroup ? [net.lbGroup.id] : [],
    scheme: isPublic ? "internet-facing" : "internal",
    certificateArn: o.certificateArn ?? null,
    health: healthAttrs(change),
    shared: o.loadBalancer,
  });
  if (!o.securityGroups) {
    const port = change.service.container?.port ?? 8080;
    net.taskGroup = await ensureTaskGroup(ctx, change.name, live?.network?.taskGroup, {
      vpc: place.vpc,
      port,
      from: lb.securityGroups,
    });
  }
  return { net, lb };
}

/** Returns the service's ARN. */
async function ensureServiceAndWait(
  ctx: EcsCtx,
  live: EcsState | undefined,
  w: ServiceWant,
): Promise<string> {
  if (!live?.service) {
    const svc = await createService(ctx, w);
    await waitRollout(ctx, w.cluster, w.name, primaryOf(svc)?.id ?? "");
    return svc.serviceArn ?? "";
  }
  const have = live.service;
  const svc = await updateService(ctx, have, w);
  // Only a new revision, network or platform version starts a deployment; a count change does not.
  const deploys =
    have.taskDefinition !== w.taskDefinition.split("/").pop() ||
    have.platformVersion !== w.platformVersion ||
    canonicalJson([have.subnets, have.securityGroups, have.assignPublicIp]) !==
      canonicalJson([[...w.subnets].sort(), [...w.securityGroups].sort(), w.assignPublicIp]);
  if (svc && deploys) await waitRollout(ctx, w.cluster, w.name, primaryOf(svc)?.id ?? "");
  return have.arn;
}

export function resultOf(state: EcsState): ApplyResult<EcsState> {
  const outputs: Record<string, string> = { service: state.name, region: state.region };
  if (state.cluster) outputs.cluster = state.cluster.name;
  if (state.loadBalancer?.dnsName) outputs.loadBalancerDns = state.loadBalancer.dnsName;
  const td = state.taskDefinition;
  if (td) outputs.taskDefinition = td.arn;
  const out: ApplyResult<EcsState> = { state, outputs };
  const endpoint = endpointOf(state);
  if (endpoint) out.endpoint = endpoint;
  // An internal ALB resolves to private addresses the deploying machine usually cannot reach.
  if (state.loadBalancer?.scheme === "internal") out.privateEndpoint = true;
  if (td) out.release = `${td.family}:${td.revision}`;
  return out;
}

const clamp = (n: number, s: ScalingState) => Math.min(s.max, Math.max(s.min, n));

export async function applyEcs(ctx: EcsCtx, change: Change): Promise<ApplyResult<EcsState>> {
  const name = change.name;
  const o = change.target.options;
  let live = await readEcs(ctx, change.observed ?? change.recorded, name);
  if (live && mustReplace(live, o, ctx.clients.region)) {
    ctx.progress.step("replace service");
    await destroyEcs(ctx, live);
    ctx.progress.done("replace service");
    live = undefined;
  }
  const state: EcsState = { name, region: ctx.clients.region };
  const { net, lb } = await ensureNetworkAndLb(ctx, change, live);
  state.network = net;
  state.loadBalancer = lb;
  state.cluster = await ensureCluster(ctx, o.cluster, live?.cluster);
  state.logGroup = await ensureLogGroup(ctx, names.logGroup(name), live?.logGroup, o.logRetentionDays);
  state.role = await ensureExecRole(ctx, live?.role, {
    name: names.role(name),
    policies: [EXEC_POLICY(o.region)],
    secretResources: secretResources(change),
    tags: { ...ownerTags(ctx.stack.id, ctx.target.name), [TAG_MANAGED]: "true" },
  });
  const td = await ensureTaskDef(ctx, change, live, state.role.arn);
  state.taskDefinition = td;
  const scaling = desiredScaling(change) as unknown as ScalingState;
  const w: ServiceWant = {
    region: ctx.clients.region,
    cluster: o.cluster,
    name,
    taskDefinition: td.arn,
    // Auto Scaling owns the count once the service runs; apiship only moves it into [min, max].
    desiredCount: live?.service ? clamp(live.service.desiredCount, scaling) : scaling.min,
    subnets: o.subnets ? [...o.subnets].sort() : net.subnets,
    securityGroups: o.securityGroups ? [...o.securityGroups].sort() : [net.taskGroup?.id ?? ""],
    assignPublicIp: o.assignPublicIp,
    platformVersion: o.platformVersion,
    targetGroupArn: lb.targetGroup.arn,
    port: td.port,
  };
  const arn = await ensureServiceAndWait(ctx, live, w);
  state.service = {
    region: w.region,
    cluster: w.cluster,
    arn,
    taskDefinition: `${td.family}:${td.revision}`,
    desiredCount: w.desiredCount,
    subnets: [...w.subnets].sort(),
    securityGroups: [...w.securityGroups].sort(),
    assignPublicIp: w.assignPublicIp,
    platformVersion: w.platformVersion,
  };
  const where = { cluster: o.cluster, name, lbArn: lb.arn, tgArn: lb.targetGroup.arn };
  state.scaling = await ensureScaling(ctx, where, live?.scaling, scaling);
  return resultOf(state);
}

/** Native rollback: the service back to the task definition revision `to` recorded. */
export async function rollbackEcs(
  ctx: EcsCtx,
  state: EcsState,
  to: EcsState,
): Promise<ApplyResult<EcsState>> {
  const td = to.taskDefinition;
  if (!td?.arn || !state.service) {
    throw new ProviderError(`the release to roll back to has no task definition revision of ${state.name}`, {
      code: "NO_RELEASE",
      fault: "user",
      target: ctx.target.name,
      hint: "roll back to a release that was deployed with apiship (see `apiship status`)",
    });
  }
  const c = await ecsClientsFor(ctx, state.region);
  const rctx = { ...ctx, clients: c };
  const svc = state.service;
  const w = { ...svc, name: state.name, taskDefinition: td.arn, targetGroupArn: "", port: td.port };
  ctx.progress.step(`roll back to ${td.family}:${td.revision}`);
  const updated = await updateService(rctx, svc, w);
  if (updated) await waitRollout(rctx, svc.cluster, state.name, primaryOf(updated)?.id ?? "");
  ctx.progress.done(`roll back to ${td.family}:${td.revision}`);
  return resultOf({
    ...state,
    taskDefinition: td,
    service: { ...svc, taskDefinition: `${td.family}:${td.revision}` },
  });
}

/** Scaling, service, task definitions, load balancer, security groups, logs, role, cluster. */
export async function destroyEcs(ctx: EcsCtx, state: EcsState): Promise<void> {
  const c = await ecsClientsFor(ctx, state.region);
  const dctx = { ...ctx, clients: c };
  const cluster = state.service?.cluster ?? state.cluster?.name ?? (ctx.target.options as EcsOptions).cluster;
  ctx.progress.step("delete service");
  await deleteScaling(c, cluster, state.name);
  await deleteService(dctx, c, cluster, state.name);
  ctx.progress.done("delete service");
  await deregisterFamily(c, state.name);
  if (state.loadBalancer) {
    ctx.progress.step("delete load balancer");
    await deleteLoadBalancer(dctx, c, state.loadBalancer);
    ctx.progress.done("delete load balancer");
  }
  // From state, plus any group a crashed run made before its state was written.
  const groups = await readGroups(c, state.name, ctx.stack.id);
  const ids = [
    state.network?.taskGroup?.id,
    ...groups.filter((g) => g.GroupName?.endsWith("-tasks")).map((g) => g.GroupId),
  ];
  ids.push(
    state.network?.lbGroup?.id,
    ...groups.filter((g) => g.GroupName?.endsWith("-lb")).map((g) => g.GroupId),
  );
  for (const id of [...new Set(ids)]) if (id) await deleteGroup(dctx, c, id);
  await deleteLogGroup(c, names.logGroup(state.name));
  const role = state.role ?? (await readExecRole(c, names.role(state.name), ctx.stack.id));
  if (role?.managed) await deleteExecRole(c, role);
  await deleteCluster(c, cluster, ctx.stack.id);
}
