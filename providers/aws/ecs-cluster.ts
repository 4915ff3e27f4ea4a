// The ECS cluster (the target's, used as it is; created and tagged when missing, and then
// deleted by destroy once no other service runs in it) and the CloudWatch log group of the
// container logs, with its retention.

import type { EcsClients } from "./clients.js";
import { aws, awsMaybe } from "./errors.js";
import type { EcsCtx } from "./ecs-network.js";
import { TAG_MANAGED, TAG_STACK, ownerTags } from "./ecs-state.js";
import type { ClusterState, LogGroupState } from "./ecs-state.js";

const managedTags = (ctx: EcsCtx) => ({ ...ownerTags(ctx.stack.id, ctx.target.name), [TAG_MANAGED]: "true" });

export async function readCluster(c: EcsClients, name: string, stackId: string) {
  const out = await awsMaybe("DescribeClusters", c.target, () =>
    c.ecs.send(new c.sdk.ecs.DescribeClustersCommand({ clusters: [name], include: ["TAGS"] })),
  );
  const cl = out?.clusters?.find((x) => x.status === "ACTIVE");
  if (!cl?.clusterArn) return undefined;
  const tags = Object.fromEntries((cl.tags ?? []).map((t) => [t.key ?? "", t.value ?? ""]));
  const state: ClusterState = {
    name,
    arn: cl.clusterArn,
    managed: tags[TAG_MANAGED] === "true" && tags[TAG_STACK] === stackId,
  };
  return { state, activeServices: cl.activeServicesCount ?? 0 };
}

export async function ensureCluster(
  ctx: EcsCtx,
  name: string,
  have: ClusterState | undefined,
): Promise<ClusterState> {
  if (have) return have;
  const c = ctx.clients;
  ctx.progress.step(`create cluster ${name}`);
  const tags = Object.entries(managedTags(ctx)).map(([key, value]) => ({ key, value }));
  const out = await aws("CreateCluster", c.target, () =>
    c.ecs.send(new c.sdk.ecs.CreateClusterCommand({ clusterName: name, tags })),
  );
  ctx.progress.done(`create cluster ${name}`);
  return { name, arn: out.cluster?.clusterArn ?? "", managed: true };
}

/** Deletes a cluster apiship made, unless another service still runs in it. */
export async function deleteCluster(c: EcsClients, name: string, stackId: string): Promise<void> {
  const live = await readCluster(c, name, stackId);
  if (!live?.state.managed || live.activeServices > 0) return;
  await awsMaybe("DeleteCluster", c.target, () =>
    c.ecs.send(new c.sdk.ecs.DeleteClusterCommand({ cluster: name })),
  );
}

export async function readLogGroup(c: EcsClients, name: string): Promise<LogGroupState | undefined> {
  const out = await aws("DescribeLogGroups", c.target, () =>
    c.logs.send(new c.sdk.logs.DescribeLogGroupsCommand({ logGroupNamePrefix: name })),
  );
  const g = out.logGroups?.find((x) => x.logGroupName === name);
  if (!g) return undefined;
  return { region: c.region, name, retentionDays: g.retentionInDays ?? 0 };
}

export async function ensureLogGroup(
  ctx: EcsCtx,
  name: string,
  have: LogGroupState | undefined,
  retentionDays: number,
): Promise<LogGroupState> {
  const c = ctx.clients;
  if (!have) {
    await aws("CreateLogGroup", c.target, () =>
      c.logs.send(new c.sdk.logs.CreateLogGroupCommand({ logGroupName: name, tags: managedTags(ctx) })),
    );
  }
  if (have?.retentionDays !== retentionDays) {
    await aws("PutRetentionPolicy", c.target, () =>
      c.logs.send(
        new c.sdk.logs.PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: retentionDays }),
      ),
    );
  }
  return { region: c.region, name, retentionDays };
}

export async function deleteLogGroup(c: EcsClients, name: string): Promise<void> {
  await awsMaybe("DeleteLogGroup", c.target, () =>
    c.logs.send(new c.sdk.logs.DeleteLogGroupCommand({ logGroupName: name })),
  );
}
