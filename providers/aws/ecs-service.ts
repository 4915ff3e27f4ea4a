// The ECS service: Fargate tasks of one task definition revision behind the target group, with
// the deployment circuit breaker and its automatic rollback on. A deploy waits until its
// deployment's rolloutState is COMPLETED; when it is FAILED, the stopped tasks' reasons (image
// pull errors, an essential container that exited, failed health checks) make the error.

import type { Deployment, Service } from "@aws-sdk/client-ecs";
import { ProviderError } from "../../src/errors.js";
import { poll } from "../_shared/poll.js";
import type { EcsClients } from "./clients.js";
import { aws, awsMaybe } from "./errors.js";
import type { EcsCtx } from "./ecs-network.js";
import { CONTAINER, TAG_STACK, ownerTags } from "./ecs-state.js";
import type { ServiceState } from "./ecs-state.js";

export interface ServiceWant {
  region: string;
  cluster: string;
  name: string;
  taskDefinition: string;
  desiredCount: number;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  platformVersion: string;
  targetGroupArn: string;
  port: number;
}

export async function describeService(
  c: EcsClients,
  cluster: string,
  name: string,
): Promise<Service | undefined> {
  const out = await awsMaybe("DescribeServices", c.target, () =>
    c.ecs.send(new c.sdk.ecs.DescribeServicesCommand({ cluster, services: [name], include: ["TAGS"] })),
  );
  return out?.services?.find((s) => s.status === "ACTIVE");
}

export function checkServiceOwner(svc: Service, stackId: string, target: string): void {
  const owner = svc.tags?.find((t) => t.key === TAG_STACK)?.value;
  if (owner === stackId) return;
  throw new ProviderError(
    `ECS service ${svc.serviceName ?? ""} exists but belongs to ${owner ? `stack ${owner}` : "no apiship stack"}`,
    {
      code: "NOT_OWNED",
      fault: "user",
      target,
      hint: "apiship does not adopt a service it did not create; delete or rename it, or deploy under another target name",
    },
  );
}

export function toServiceState(svc: Service, region: string, cluster: string): ServiceState {
  const net = svc.networkConfiguration?.awsvpcConfiguration;
  return {
    region,
    cluster,
    arn: svc.serviceArn ?? "",
    taskDefinition: (svc.taskDefinition ?? "").split("/").pop() ?? "",
    desiredCount: svc.desiredCount ?? 0,
    subnets: [...(net?.subnets ?? [])].sort(),
    securityGroups: [...(net?.securityGroups ?? [])].sort(),
    assignPublicIp: net?.assignPublicIp === "ENABLED",
    platformVersion: svc.platformVersion ?? "LATEST",
  };
}

const network = (w: ServiceWant) => ({
  awsvpcConfiguration: {
    subnets: w.subnets,
    securityGroups: w.securityGroups,
    assignPublicIp: w.assignPublicIp ? ("ENABLED" as const) : ("DISABLED" as const),
  },
});
const deploymentConfiguration = {
  deploymentCircuitBreaker: { enable: true, rollback: true },
  maximumPercent: 200,
  minimumHealthyPercent: 100,
};

/** Creates the service; returns its first deployment's id. */
export async function createService(ctx: EcsCtx, w: ServiceWant): Promise<Service> {
  const c = ctx.clients;
  const tags = Object.entries(ownerTags(ctx.stack.id, ctx.target.name)).map(([key, value]) => ({
    key,
    value,
  }));
  ctx.progress.step("create service");
  const out = await aws("CreateService", c.target, () =>
    c.ecs.send(
      new c.sdk.ecs.CreateServiceCommand({
        cluster: w.cluster,
        serviceName: w.name,
        taskDefinition: w.taskDefinition,
        desiredCount: w.desiredCount,
        launchType: "FARGATE",
        platformVersion: w.platformVersion,
        networkConfiguration: network(w),
        loadBalancers: [
          { targetGroupArn: w.targetGroupArn, containerName: CONTAINER, containerPort: w.port },
        ],
        healthCheckGracePeriodSeconds: 60,
        deploymentConfiguration,
        propagateTags: "SERVICE",
        tags,
      }),
    ),
  );
  ctx.progress.done("create service");
  return out.service ?? {};
}

/** Moves the service to what `w` asks; only the members that differ from `have` are sent. */
export async function updateService(
  ctx: EcsCtx,
  have: ServiceState,
  w: ServiceWant,
): Promise<Service | undefined> {
  const c = ctx.clients;
  const input: Record<string, unknown> = {};
  if (have.taskDefinition !== w.taskDefinition.split("/").pop()) input.taskDefinition = w.taskDefinition;
  const netChanged =
    JSON.stringify([have.subnets, have.securityGroups, have.assignPublicIp]) !==
    JSON.stringify([[...w.subnets].sort(), [...w.securityGroups].sort(), w.assignPublicIp]);
  if (netChanged) input.networkConfiguration = network(w);
  if (have.platformVersion !== w.platformVersion) input.platformVersion = w.platformVersion;
  if (have.desiredCount !== w.desiredCount) input.desiredCount = w.desiredCount;
  if (Object.keys(input).length === 0) return undefined;
  ctx.progress.step("update service");
  const out = await aws("UpdateService", c.target, () =>
    c.ecs.send(new c.sdk.ecs.UpdateServiceCommand({ cluster: w.cluster, service: w.name, ...input })),
  );
  ctx.progress.done("update service");
  return out.service;
}

/** The deployment a create/update started: the PRIMARY one. */
export const primaryOf = (svc: Service | undefined): Deployment | undefined =>
  svc?.deployments?.find((d) => d.status === "PRIMARY");

/** Why the deployment's tasks stopped, from the service's recently stopped tasks. */
async function stoppedReasons(
  c: EcsClients,
  cluster: string,
  name: string,
  taskDef: string,
): Promise<string[]> {
  const list = await aws("ListTasks", c.target, () =>
    c.ecs.send(new c.sdk.ecs.ListTasksCommand({ cluster, serviceName: name, desiredStatus: "STOPPED" })),
  );
  const arns = (list.taskArns ?? []).slice(0, 100);
  if (arns.length === 0) return [];
  const out = await aws("DescribeTasks", c.target, () =>
    c.ecs.send(new c.sdk.ecs.DescribeTasksCommand({ cluster, tasks: arns })),
  );
  const reasons = new Set<string>();
  // Tasks of earlier deployments stopped for unrelated reasons (scaling, replacement).
  for (const t of (out.tasks ?? []).filter((x) => !taskDef || x.taskDefinitionArn === taskDef)) {
    if (t.stoppedReason) reasons.add(t.stoppedReason);
    for (const ct of t.containers ?? []) {
      if (ct.reason && ct.reason !== t.stoppedReason) reasons.add(`${ct.name ?? CONTAINER}: ${ct.reason}`);
    }
  }
  return [...reasons];
}

/** Waits for the deployment `id` to finish; throws with the stopped tasks' reasons when it failed. */
export async function waitRollout(ctx: EcsCtx, cluster: string, name: string, id: string): Promise<Service> {
  const c = ctx.clients;
  let last = "";
  ctx.progress.step("wait for rollout");
  const svc = await poll(
    () =>
      aws("DescribeServices", c.target, () =>
        c.ecs.send(new c.sdk.ecs.DescribeServicesCommand({ cluster, services: [name] })),
      ),
    (out) => {
      const s = out.services?.[0];
      const d = s?.deployments?.find((x) => x.id === id);
      const now = `${d?.rolloutState ?? "GONE"} ${d?.runningCount ?? 0}/${d?.desiredCount ?? 0}`;
      if (now !== last) ctx.log.info(`service ${name} rollout ${now}`, { deployment: id });
      last = now;
      // A deployment the circuit breaker replaced is no longer listed: it did not complete.
      return d?.rolloutState !== "IN_PROGRESS";
    },
    {
      what: `service ${name} to become stable`,
      intervalMs: c.pollIntervalMs,
      maxIntervalMs: Math.max(c.pollIntervalMs, 15_000),
      timeoutMs: c.rolloutTimeoutMs,
      signal: ctx.signal,
    },
  );
  const s = svc.services?.[0] ?? {};
  const d = s.deployments?.find((x) => x.id === id);
  if (d?.rolloutState === "COMPLETED") {
    ctx.progress.done("wait for rollout");
    return s;
  }
  const reasons = await stoppedReasons(c, cluster, name, d?.taskDefinition ?? "");
  const why = d?.rolloutStateReason ?? "the deployment was replaced before it completed";
  throw new ProviderError(
    `ECS deployment of ${name} failed: ${why}${reasons.length ? `; stopped tasks: ${reasons.join("; ")}` : ""}`,
    {
      code: "ROLLOUT_FAILED",
      fault: "user",
      target: c.target,
      hint: "the circuit breaker rolled the service back to its last working revision; fix the cause above (image, command, health check) and deploy again",
    },
  );
}

/** Deletes the service (stopping its tasks) and waits until ECS no longer lists it as live. */
export async function deleteService(
  ctx: EcsCtx,
  c: EcsClients,
  cluster: string,
  name: string,
): Promise<void> {
  const gone = await awsMaybe("DeleteService", c.target, () =>
    c.ecs.send(new c.sdk.ecs.DeleteServiceCommand({ cluster, service: name, force: true })),
  );
  if (!gone) return;
  await poll(
    () =>
      awsMaybe("DescribeServices", c.target, () =>
        c.ecs.send(new c.sdk.ecs.DescribeServicesCommand({ cluster, services: [name] })),
      ),
    (out) => !out?.services?.some((s) => s.status === "ACTIVE" || s.status === "DRAINING"),
    {
      what: `service ${name} to drain`,
      intervalMs: c.pollIntervalMs,
      maxIntervalMs: 15_000,
      timeoutMs: 900_000,
      signal: ctx.signal,
    },
  );
}
