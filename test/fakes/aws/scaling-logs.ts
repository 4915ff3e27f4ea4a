// The fake's Application Auto Scaling and CloudWatch Logs (both JSON 1.1): ECS service scalable
// targets with their target tracking policies, and log groups with retention and tags.

import { fail, ok } from "./containers.js";
import type { Op, Params } from "./containers.js";
import type { FakeWorld } from "./world.js";

const notFound = (m: string) => fail("ObjectNotFoundException", m);
const key = (input: Params) =>
  `${String(input.ServiceNamespace)}|${String(input.ResourceId)}|${String(input.ScalableDimension)}`;

function serviceExists(w: FakeWorld, resourceId: string): boolean {
  const [, cluster = "", name = ""] = resourceId.split("/");
  return w.ecs.services.get(`${cluster}/${name}`)?.status === "ACTIVE";
}

const registerScalableTarget: Op = (w, input) => {
  const id = String(input.ResourceId ?? "");
  if (input.ServiceNamespace !== "ecs" || input.ScalableDimension !== "ecs:service:DesiredCount")
    return fail("ValidationException", "Unsupported service namespace or scalable dimension");
  if (!serviceExists(w, id)) return fail("ValidationException", `ECS service doesn't exist: ${id}`);
  const have = w.scaling.targets.get(key(input));
  const min = Number(input.MinCapacity ?? have?.min);
  const max = Number(input.MaxCapacity ?? have?.max);
  if (!(min <= max))
    return fail("ValidationException", "Minimum capacity cannot be greater than maximum capacity");
  w.scaling.targets.set(key(input), { min, max, created: have?.created ?? w.now() });
  return ok({
    ScalableTargetARN: `arn:aws:application-autoscaling:${w.region}:${w.account}:scalable-target/${Buffer.from(id).toString("hex").slice(0, 28)}`,
  });
};

const describeScalableTargets: Op = (w, input) => {
  const ids = (input.ResourceIds as string[] | undefined) ?? [];
  const ScalableTargets = [...w.scaling.targets.entries()]
    .map(([k, t]) => {
      const [ServiceNamespace, ResourceId, ScalableDimension] = k.split("|");
      return {
        ServiceNamespace,
        ResourceId,
        ScalableDimension,
        MinCapacity: t.min,
        MaxCapacity: t.max,
        RoleARN: `arn:aws:iam::${w.account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
        CreationTime: t.created / 1000,
      };
    })
    .filter(
      (t) =>
        t.ServiceNamespace === input.ServiceNamespace &&
        (ids.length === 0 || ids.includes(t.ResourceId ?? "")),
    );
  return ok({ ScalableTargets });
};

const deregisterScalableTarget: Op = (w, input) => {
  if (!w.scaling.targets.delete(key(input)))
    return notFound(
      `No scalable target registered for service namespace: ${String(input.ServiceNamespace)}, resource ID: ${String(input.ResourceId)}, scalable dimension: ${String(input.ScalableDimension)}`,
    );
  for (const k of w.scaling.policies.keys()) if (k.startsWith(`${key(input)}|`)) w.scaling.policies.delete(k);
  return ok({});
};

const putScalingPolicy: Op = (w, input) => {
  if (!w.scaling.targets.has(key(input)))
    return notFound(
      `No scalable target registered for service namespace: ${String(input.ServiceNamespace)}, resource ID: ${String(input.ResourceId)}, scalable dimension: ${String(input.ScalableDimension)}`,
    );
  const cfg = input.TargetTrackingScalingPolicyConfiguration as Params | undefined;
  const metric = cfg?.PredefinedMetricSpecification as Params | undefined;
  if (
    metric?.PredefinedMetricType === "ALBRequestCountPerTarget" &&
    !/^app\/.+\/targetgroup\/.+$/.test(String(metric.ResourceLabel ?? ""))
  )
    return fail(
      "ValidationException",
      "ResourceLabel must be specified for ALBRequestCountPerTarget, as app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>",
    );
  const PolicyARN = `arn:aws:autoscaling:${w.region}:${w.account}:scalingPolicy:${String(input.PolicyName)}`;
  w.scaling.policies.set(`${key(input)}|${String(input.PolicyName)}`, {
    ...input,
    PolicyARN,
    CreationTime: w.now() / 1000,
  });
  return ok({ PolicyARN, Alarms: [] });
};

const describeScalingPolicies: Op = (w, input) => {
  const names = (input.PolicyNames as string[] | undefined) ?? [];
  const ScalingPolicies = [...w.scaling.policies.values()].filter(
    (p) =>
      p.ServiceNamespace === input.ServiceNamespace &&
      (input.ResourceId === undefined || p.ResourceId === input.ResourceId) &&
      (names.length === 0 || names.includes(String(p.PolicyName))),
  );
  return ok({ ScalingPolicies });
};

const deleteScalingPolicy: Op = (w, input) => {
  if (!w.scaling.policies.delete(`${key(input)}|${String(input.PolicyName)}`))
    return notFound(
      `No scaling policy found for service namespace: ${String(input.ServiceNamespace)}, resource ID: ${String(input.ResourceId)}, scalable dimension: ${String(input.ScalableDimension)}, policy name: ${String(input.PolicyName)}`,
    );
  return ok({});
};

export const SCALING_OPS: Record<string, Op> = {
  RegisterScalableTarget: registerScalableTarget,
  DescribeScalableTargets: describeScalableTargets,
  DeregisterScalableTarget: deregisterScalableTarget,
  PutScalingPolicy: putScalingPolicy,
  DescribeScalingPolicies: describeScalingPolicies,
  DeleteScalingPolicy: deleteScalingPolicy,
};

// PutRetentionPolicy accepts only these day counts.
const RETENTION = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const noGroup = () => fail("ResourceNotFoundException", "The specified log group does not exist.");

export const LOGS_OPS: Record<string, Op> = {
  CreateLogGroup: (w, input) => {
    const name = String(input.logGroupName ?? "");
    if (w.logs.groups.has(name))
      return fail("ResourceAlreadyExistsException", "The specified log group already exists");
    const arn = `arn:aws:logs:${w.region}:${w.account}:log-group:${name}`;
    w.logs.groups.set(name, {
      name,
      arn,
      tags: { ...(input.tags as Record<string, string> | undefined) },
      created: w.now(),
    });
    return ok({});
  },
  PutRetentionPolicy: (w, input) => {
    const g = w.logs.groups.get(String(input.logGroupName ?? ""));
    if (!g) return noGroup();
    const days = Number(input.retentionInDays);
    if (!RETENTION.includes(days))
      return fail(
        "InvalidParameterException",
        `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint`,
      );
    g.retention = days;
    return ok({});
  },
  DescribeLogGroups: (w, input) => {
    const prefix = String(input.logGroupNamePrefix ?? "");
    const logGroups = [...w.logs.groups.values()]
      .filter((g) => g.name.startsWith(prefix))
      .map((g) => ({
        logGroupName: g.name,
        arn: `${g.arn}:*`,
        logGroupArn: g.arn,
        creationTime: g.created,
        storedBytes: 0,
        ...(g.retention ? { retentionInDays: g.retention } : {}),
      }));
    return ok({ logGroups });
  },
  DeleteLogGroup: (w, input) => (w.logs.groups.delete(String(input.logGroupName ?? "")) ? ok({}) : noGroup()),
  TagResource: (w, input) => {
    const arn = String(input.resourceArn ?? "").replace(/:\*$/, "");
    const g = [...w.logs.groups.values()].find((x) => x.arn === arn);
    if (!g) return noGroup();
    Object.assign(g.tags, input.tags as Record<string, string>);
    return ok({});
  },
};
