// Application Auto Scaling of the service's DesiredCount between `scaling.min` (at least one:
// an always-on platform) and `scaling.max`, by target tracking: requests per task when the
// manifest gives a concurrency, else average CPU.

import type { EcsClients } from "./clients.js";
import { aws, awsMaybe } from "./errors.js";
import type { EcsCtx } from "./ecs-network.js";
import { names } from "./ecs-state.js";
import type { ScalingState } from "./ecs-state.js";

const NS = "ecs" as const;
const DIMENSION = "ecs:service:DesiredCount" as const;
export const resourceId = (cluster: string, name: string) => `service/${cluster}/${name}`;

/** The ALB metric's label: app/<lb>/<id>/targetgroup/<tg>/<id>. */
export function resourceLabel(lbArn: string, tgArn: string): string {
  const lb = lbArn.slice(lbArn.indexOf(":loadbalancer/") + ":loadbalancer/".length);
  return `${lb}/${tgArn.slice(tgArn.indexOf(":targetgroup/") + 1)}`;
}

export async function readScaling(
  c: EcsClients,
  cluster: string,
  name: string,
): Promise<ScalingState | undefined> {
  const id = resourceId(cluster, name);
  const targets = await aws("DescribeScalableTargets", c.target, () =>
    c.scaling.send(
      new c.sdk.scaling.DescribeScalableTargetsCommand({
        ServiceNamespace: NS,
        ResourceIds: [id],
        ScalableDimension: DIMENSION,
      }),
    ),
  );
  const t = targets.ScalableTargets?.[0];
  if (!t) return undefined;
  const policies = await aws("DescribeScalingPolicies", c.target, () =>
    c.scaling.send(
      new c.sdk.scaling.DescribeScalingPoliciesCommand({
        ServiceNamespace: NS,
        ResourceId: id,
        ScalableDimension: DIMENSION,
        PolicyNames: [names.scalingPolicy(name)],
      }),
    ),
  );
  const cfg = policies.ScalingPolicies?.[0]?.TargetTrackingScalingPolicyConfiguration;
  return {
    min: t.MinCapacity ?? 0,
    max: t.MaxCapacity ?? 0,
    metric: cfg?.PredefinedMetricSpecification?.PredefinedMetricType ?? "",
    targetValue: cfg?.TargetValue ?? 0,
  };
}

export async function ensureScaling(
  ctx: EcsCtx,
  where: { cluster: string; name: string; lbArn: string; tgArn: string },
  have: ScalingState | undefined,
  want: ScalingState,
): Promise<ScalingState> {
  const c = ctx.clients;
  const id = resourceId(where.cluster, where.name);
  if (have?.min !== want.min || have.max !== want.max) {
    await aws("RegisterScalableTarget", c.target, () =>
      c.scaling.send(
        new c.sdk.scaling.RegisterScalableTargetCommand({
          ServiceNamespace: NS,
          ResourceId: id,
          ScalableDimension: DIMENSION,
          MinCapacity: want.min,
          MaxCapacity: want.max,
        }),
      ),
    );
  }
  if (have?.metric !== want.metric || have.targetValue !== want.targetValue) {
    const alb = want.metric === "ALBRequestCountPerTarget";
    await aws("PutScalingPolicy", c.target, () =>
      c.scaling.send(
        new c.sdk.scaling.PutScalingPolicyCommand({
          PolicyName: names.scalingPolicy(where.name),
          ServiceNamespace: NS,
          ResourceId: id,
          ScalableDimension: DIMENSION,
          PolicyType: "TargetTrackingScaling",
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: want.targetValue,
            PredefinedMetricSpecification: {
              PredefinedMetricType: alb ? "ALBRequestCountPerTarget" : "ECSServiceAverageCPUUtilization",
              ...(alb ? { ResourceLabel: resourceLabel(where.lbArn, where.tgArn) } : {}),
            },
            ScaleInCooldown: 300,
            ScaleOutCooldown: 60,
          },
        }),
      ),
    );
  }
  return { ...want };
}

export async function deleteScaling(c: EcsClients, cluster: string, name: string): Promise<void> {
  const id = resourceId(cluster, name);
  await awsMaybe("DeleteScalingPolicy", c.target, () =>
    c.scaling.send(
      new c.sdk.scaling.DeleteScalingPolicyCommand({
        PolicyName: names.scalingPolicy(name),
        ServiceNamespace: NS,
        ResourceId: id,
        ScalableDimension: DIMENSION,
      }),
    ),
  );
  await awsMaybe("DeregisterScalableTarget", c.target, () =>
    c.scaling.send(
      new c.sdk.scaling.DeregisterScalableTargetCommand({
        ServiceNamespace: NS,
        ResourceId: id,
        ScalableDimension: DIMENSION,
      }),
    ),
  );
}
