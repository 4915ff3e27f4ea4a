// aws/ecs-fargate with the SDK mocked (aws-sdk-client-mock): every command the adapter sends is
// asserted, in order, with its input, for create, an unchanged redeploy (reads only), an image
// change, a scaling change, a replace (region), rollback and destroy; driven by responses shaped
// like the ECS model's examples (fixtures/responses/aws/ecs-*.json). Also the pure task size rules.
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  ClientException,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  LoadBalancerNotFoundException,
  TargetGroupNotFoundException,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ManifestError } from "../../src/errors.js";
import {
  ECS_NAME as NAME,
  ECS_SECRET,
  containerService,
  ecsAdapter as adapter,
} from "../../test/fakes/aws/ecs-harness.js";
import { ecsFargate } from "./ecs-fargate.js";
import type { EcsState } from "./ecs-fargate.js";
import { fargateSize } from "./ecs-state.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/responses/aws");
const fixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as T;

const mocks = [
  mockClient(ECSClient),
  mockClient(EC2Client),
  mockClient(ElasticLoadBalancingV2Client),
  mockClient(ApplicationAutoScalingClient),
  mockClient(CloudWatchLogsClient),
  mockClient(IAMClient),
] as const;
const [ecs, ec2, elb, scaling, logs, iam] = mocks;
const HASHES = { HF_TOKEN: "hmac-sha256:1" };
const service = containerService();
const target = {
  name: "api",
  provider: "aws",
  platform: "ecs-fargate",
  options: ecsFargate.options.parse({ region: "us-east-1" }),
};
const stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
const READS = /^(Describe|Get|List)/;
const TD3 = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-dev-api:3";
const TD4 = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-dev-api:4";

async function ctxFor(t = target) {
  const env = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", APISHIP_AWS_POLL_MS: "1" };
  return {
    clients: await adapter.createClients({ target: t, env }),
    stack,
    target: t,
    progress: { step: () => {}, done: () => {} },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  };
}

/** Every command sent, in order, as [name, input]. */
function sent(): [string, Record<string, unknown>][] {
  type Call = { callId: number; args: unknown[] };
  return mocks
    .flatMap((m): Call[] => m.calls() as unknown as Call[])
    .sort((a, b) => (a as unknown as { callId: number }).callId - (b as unknown as { callId: number }).callId)
    .map((c) => {
      const cmd = c.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> };
      return [cmd.constructor.name.replace(/Command$/, ""), cmd.input];
    });
}
const names = () => sent().map(([n]) => n);
const mutations = () => names().filter((n) => !READS.test(n));
const input = (name: string, i = 0) => sent().filter(([n]) => n === name)[i]?.[1];

const missingTd = () =>
  new ClientException({ message: "Unable to describe task definition.", $metadata: {} });

/** Every command answers `{}` unless a test says otherwise. */
function resolveAll(): void {
  for (const m of mocks)
    (m as unknown as { onAnyCommand(): { resolves(v: object): void } }).onAnyCommand().resolves({});
}

/** The cloud holding what the manifest asks for: revision 3 of 1.0.0, two tasks, scaling 1-4. */
function live(): void {
  resolveAll();
  ecs.on(DescribeClustersCommand).resolves(fixture("ecs-describe-clusters"));
  ecs.on(DescribeServicesCommand).resolves(fixture("ecs-describe-services"));
  ecs.on(DescribeTaskDefinitionCommand).resolves(fixture("ecs-describe-task-definition"));
  ec2.on(DescribeSecurityGroupsCommand).resolves(fixture("ecs-ec2-security-groups"));
  elb.on(DescribeTargetGroupsCommand).resolves(fixture("ecs-elbv2-target-group"));
  elb.on(DescribeLoadBalancersCommand).resolves(fixture("ecs-elbv2-load-balancer"));
  elb.on(DescribeListenersCommand).resolves(fixture("ecs-elbv2-listener"));
  elb
    .on(DescribeTagsCommand)
    .resolves({ TagDescriptions: [{ Tags: [{ Key: "apiship:stack", Value: "shop/dev" }] }] });
  logs
    .on(DescribeLogGroupsCommand)
    .resolves({ logGroups: [{ logGroupName: "/ecs/shop-dev-api", retentionInDays: 30 }] });
  iam.on(GetRoleCommand).resolves({
    Role: {
      RoleName: "shop-dev-api-ecs-exec",
      Arn: "arn:aws:iam::123456789012:role/shop-dev-api-ecs-exec",
      Path: "/",
      RoleId: "AROA1234567890EXAMPLE",
      CreateDate: new Date("2024-11-05T12:00:00Z"),
      Tags: [
        { Key: "apiship:stack", Value: "shop/dev" },
        { Key: "apiship:managed", Value: "true" },
      ],
    },
  });
  iam.on(ListAttachedRolePoliciesCommand).resolves({
    AttachedPolicies: [
      { PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" },
    ],
  });
  iam.on(GetRolePolicyCommand).rejects(new NoSuchEntityException({ message: "not found", $metadata: {} }));
  scaling
    .on(DescribeScalableTargetsCommand)
    .resolves({ ScalableTargets: [{ MinCapacity: 1, MaxCapacity: 4 } as never] });
  scaling.on(DescribeScalingPoliciesCommand).resolves({
    ScalingPolicies: [
      {
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 4800,
          PredefinedMetricSpecification: { PredefinedMetricType: "ALBRequestCountPerTarget" },
        },
      } as never,
    ],
  });
  const fresh = fixture<{ services: Record<string, unknown>[] }>("ecs-describe-services");
  const deployed = {
    ...fresh.services[0],
    taskDefinition: TD4,
    deployments: [{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "COMPLETED", taskDefinition: TD4 }],
  };
  ecs.on(RegisterTaskDefinitionCommand).resolves({
    taskDefinition: {
      ...fixture<{ taskDefinition: object }>("ecs-describe-task-definition").taskDefinition,
      taskDefinitionArn: TD4,
      revision: 4,
    },
  });
  ecs.on(UpdateServiceCommand).resolves({
    service: {
      ...deployed,
      deployments: [{ id: "ecs-svc/2", status: "PRIMARY", rolloutState: "IN_PROGRESS" }],
    },
  });
}

async function planAndApply(svc = service, t = target, prior?: EcsState, apply = true) {
  const ctx = await ctxFor(t);
  const observed = await adapter.read(ctx, prior, NAME);
  const req = {
    stack: { ...stack, service: svc },
    target: t,
    service: svc,
    name: NAME,
    recorded: prior,
    observed,
    secretHashes: HASHES,
  };
  const { changes } = adapter.plan(req);
  const readCalls = names();
  for (const m of mocks) m.resetHistory();
  const result = apply
    ? await adapter.apply(ctx, { ...req, changes, secrets: { HF_TOKEN: ECS_SECRET } })
    : undefined;
  return { changes, result, observed, readCalls };
}

beforeEach(() => {
  for (const m of mocks) m.reset();
});

const PRIOR = { name: NAME, region: "us-east-1", taskDefinition: { secrets: HASHES } } as unknown as EcsState;
const act = (cs: { type: string; action: string }[]) =>
  cs.filter((c) => c.action !== "no-op").map((c) => [c.type, c.action]);

describe("aws/ecs-fargate with a mocked SDK", () => {
  it("creates network, ALB, cluster, logs, role, task definition, service and scaling, waiting for the rollout", async () => {
    resolveAll();
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [],
      failures: [{ arn: "arn:aws:ecs:us-east-1:123456789012:cluster/default", reason: "MISSING" }],
    });
    ecs.on(DescribeTaskDefinitionCommand).rejects(missingTd());
    elb
      .on(DescribeTargetGroupsCommand)
      .rejects(
        new TargetGroupNotFoundException({ message: "One or more target groups not found", $metadata: {} }),
      );
    elb
      .on(DescribeLoadBalancersCommand)
      .rejects(
        new LoadBalancerNotFoundException({ message: "One or more load balancers not found", $metadata: {} }),
      );
    iam
      .on(GetRoleCommand)
      .rejects(new NoSuchEntityException({ message: "The role cannot be found.", $metadata: {} }));
    iam
      .on(CreateRoleCommand)
      .resolves({ Role: { Arn: "arn:aws:iam::123456789012:role/shop-dev-api-ecs-exec" } as never });
    ec2
      .on(DescribeVpcsCommand)
      .resolves({ Vpcs: [{ VpcId: "vpc-3ac0fb5f", CidrBlock: "172.31.0.0/16", IsDefault: true }] });
    ec2
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: "subnet-4e5f6a7b" }, { SubnetId: "subnet-0a1b2c3d" }] });
    ec2
      .on(CreateSecurityGroupCommand)
      .resolvesOnce({ GroupId: "sg-0lb000000000000" })
      .resolves({ GroupId: "sg-0tasks000000000" });
    elb.on(CreateTargetGroupCommand).resolves(fixture("ecs-elbv2-target-group"));
    elb.on(CreateLoadBalancerCommand).resolves(fixture("ecs-elbv2-load-balancer"));
    elb.on(CreateListenerCommand).resolves(fixture("ecs-elbv2-listener"));
    ecs.on(RegisterTaskDefinitionCommand).resolves(fixture("ecs-describe-task-definition"));
    const svc = fixture<{ services: Record<string, unknown>[] }>("ecs-describe-services").services[0];
    ecs.on(CreateServiceCommand).resolves({
      service: {
        ...svc,
        deployments: [{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "IN_PROGRESS" }],
      },
    });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [{ deployments: [{ id: "ecs-svc/1", rolloutState: "IN_PROGRESS" }] }] })
      .resolves({ services: [{ deployments: [{ id: "ecs-svc/1", rolloutState: "COMPLETED" }] }] });
    const { changes, result } = await planAndApply(service, target, undefined);
    expect(changes.map((c) => [c.type, c.action])).toEqual([
      ["security-groups", "create"],
      ["load-balancer", "create"],
      ["cluster", "create"],
      ["log-group", "create"],
      ["role", "create"],
      ["task-definition", "create"],
      ["service", "create"],
      ["scaling", "create"],
    ]);
    expect(changes.find((c) => c.type === "task-definition")?.sensitivePaths).toEqual(["secrets.HF_TOKEN"]);
    expect(names()).toEqual([
      // apply re-reads what is there first: it converges, it does not replay the plan
      "DescribeClusters",
      "DescribeTaskDefinition",
      "DescribeSecurityGroups",
      "DescribeTargetGroups",
      "DescribeLoadBalancers",
      "DescribeLogGroups",
      "GetRole",
      "DescribeVpcs",
      "DescribeSubnets",
      "CreateSecurityGroup",
      "AuthorizeSecurityGroupIngress",
      "CreateTargetGroup",
      "CreateLoadBalancer",
      "CreateListener",
      "CreateSecurityGroup",
      "AuthorizeSecurityGroupIngress",
      "CreateCluster",
      "CreateLogGroup",
      "PutRetentionPolicy",
      "CreateRole",
      "AttachRolePolicy",
      "RegisterTaskDefinition",
      "CreateService",
      "DescribeServices",
      "DescribeServices",
      "RegisterScalableTarget",
      "PutScalingPolicy",
    ]);
    expect(input("DescribeVpcs")).toEqual({ Filters: [{ Name: "is-default", Values: ["true"] }] });
    expect(input("DescribeSubnets")).toEqual({
      Filters: [
        { Name: "vpc-id", Values: ["vpc-3ac0fb5f"] },
        { Name: "default-for-az", Values: ["true"] },
      ],
    });
    expect(input("CreateSecurityGroup")).toMatchObject({
      GroupName: "shop-dev-api-lb",
      VpcId: "vpc-3ac0fb5f",
      TagSpecifications: [
        {
          ResourceType: "security-group",
          Tags: expect.arrayContaining([
            { Key: "apiship:stack", Value: "shop/dev" },
            { Key: "apiship:managed", Value: "true" },
          ]),
        },
      ],
    });
    expect(input("AuthorizeSecurityGroupIngress")).toEqual({
      GroupId: "sg-0lb000000000000",
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    });
    expect(input("AuthorizeSecurityGroupIngress", 1)).toEqual({
      GroupId: "sg-0tasks000000000",
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 8000,
          ToPort: 8000,
          UserIdGroupPairs: [{ GroupId: "sg-0lb000000000000" }],
        },
      ],
    });
    expect(input("CreateTargetGroup")).toMatchObject({
      Name: "shop-dev-api-tg",
      TargetType: "ip",
      VpcId: "vpc-3ac0fb5f",
      HealthCheckPath: "/healthz",
      HealthCheckTimeoutSeconds: 5,
      HealthCheckIntervalSeconds: 15,
      Matcher: { HttpCode: "200" },
    });
    expect(input("CreateLoadBalancer")).toMatchObject({
      Name: "shop-dev-api",
      Type: "application",
      Scheme: "internet-facing",
      Subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
      SecurityGroups: ["sg-0lb000000000000"],
    });
    expect(input("CreateListener")).toMatchObject({
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [
        { Type: "forward", TargetGroupArn: expect.stringContaining(":targetgroup/shop-dev-api-tg/") },
      ],
    });
    expect(input("CreateCluster")).toMatchObject({
      clusterName: "apiship",
      tags: expect.arrayContaining([{ key: "apiship:managed", value: "true" }]),
    });
    expect(input("PutRetentionPolicy")).toEqual({ logGroupName: "/ecs/shop-dev-api", retentionInDays: 30 });
    expect(JSON.parse(String(input("CreateRole")?.AssumeRolePolicyDocument))).toMatchObject({
      Statement: [{ Principal: { Service: "ecs-tasks.amazonaws.com" } }],
    });
    expect(input("AttachRolePolicy")).toEqual({
      RoleName: "shop-dev-api-ecs-exec",
      PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    });
    const td = input("RegisterTaskDefinition");
    expect(td).toMatchObject({
      family: NAME,
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: "1024",
      memory: "2048",
      executionRoleArn: "arn:aws:iam::123456789012:role/shop-dev-api-ecs-exec",
    });
    expect((td?.containerDefinitions as Record<string, unknown>[])[0]).toMatchObject({
      name: "app",
      image: "ghcr.io/acme/sentiment-api:1.0.0",
      portMappings: [{ containerPort: 8000, protocol: "tcp" }],
      environment: [
        { name: "HF_TOKEN", value: ECS_SECRET },
        { name: "LOG_LEVEL", value: "info" },
      ],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": "/ecs/shop-dev-api", "awslogs-region": "us-east-1" },
      },
      healthCheck: { command: ["CMD-SHELL", expect.stringContaining("http://localhost:8000/healthz")] },
    });
    expect(input("CreateService")).toMatchObject({
      cluster: "apiship",
      serviceName: NAME,
      taskDefinition: TD3,
      desiredCount: 1,
      launchType: "FARGATE",
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
          securityGroups: ["sg-0tasks000000000"],
          assignPublicIp: "ENABLED",
        },
      },
      loadBalancers: [{ containerName: "app", containerPort: 8000 }],
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    expect(input("RegisterScalableTarget")).toEqual({
      ServiceNamespace: "ecs",
      ResourceId: `service/apiship/${NAME}`,
      ScalableDimension: "ecs:service:DesiredCount",
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    expect(input("PutScalingPolicy")).toMatchObject({
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 4800,
        PredefinedMetricSpecification: {
          PredefinedMetricType: "ALBRequestCountPerTarget",
          ResourceLabel: "app/shop-dev-api/50dc6c495c0c9188/targetgroup/shop-dev-api-tg/73e2d6bc24d8a067",
        },
      },
    });
    expect(result?.endpoint).toBe("http://shop-dev-api-1234567890.us-east-1.elb.amazonaws.com");
    expect(result?.release).toBe("shop-dev-api:3");
    expect(JSON.stringify(result?.state)).not.toContain(ECS_SECRET);
  });

  it("plans no change for what is live, with reads only", async () => {
    live();
    const { changes, readCalls } = await planAndApply(service, target, PRIOR, false);
    expect(act(changes)).toEqual([]);
    expect(readCalls.every((n) => READS.test(n))).toBe(true);
    expect(readCalls).toContain("DescribeScalingPolicies");
  });

  it("an image change registers a revision and updates only the service's task definition", async () => {
    live();
    ecs
      .on(DescribeServicesCommand)
      // read for the plan and again in apply (call counts restart between them), then the wait
      .resolvesOnce(fixture("ecs-describe-services"))
      .resolves({ services: [{ deployments: [{ id: "ecs-svc/2", rolloutState: "COMPLETED" }] }] });
    const { changes, result } = await planAndApply(
      containerService("ghcr.io/acme/sentiment-api:1.1.0"),
      target,
      PRIOR,
    );
    expect(act(changes)).toEqual([
      ["task-definition", "update"],
      ["service", "update"],
    ]);
    expect(mutations()).toEqual(["RegisterTaskDefinition", "UpdateService"]);
    const cd = (input("RegisterTaskDefinition")?.containerDefinitions as Record<string, unknown>[])[0];
    expect(cd?.image).toBe("ghcr.io/acme/sentiment-api:1.1.0");
    expect(input("UpdateService")).toEqual({ cluster: "apiship", service: NAME, taskDefinition: TD4 });
    expect(result?.release).toBe("shop-dev-api:4");
  });

  it("a scaling change moves only the scalable target", async () => {
    live();
    const svc = { ...service, scaling: { ...service.scaling, min: 3, max: 8 } };
    const { changes } = await planAndApply(svc, target, PRIOR);
    expect(act(changes)).toEqual([["scaling", "update"]]);
    expect(mutations()).toEqual(["UpdateService", "RegisterScalableTarget"]);
    // The two live tasks are below the new minimum: the count moves up, no new deployment.
    expect(input("UpdateService")).toEqual({ cluster: "apiship", service: NAME, desiredCount: 3 });
    expect(input("RegisterScalableTarget")).toMatchObject({ MinCapacity: 3, MaxCapacity: 8 });
  });

  it("a region change plans a replace of every regional resource, forced by region", async () => {
    live();
    ecs.on(ListTaskDefinitionsCommand).resolves({
      taskDefinitionArns: [TD3, "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-dev-api2:1"],
    });
    const moved = { ...target, options: { ...target.options, region: "eu-west-1" } };
    const { changes } = await planAndApply(service, moved, PRIOR, false);
    const replaced = changes.filter((c) => c.action === "replace");
    expect(replaced.map((c) => c.type)).toEqual([
      "security-groups",
      "load-balancer",
      "log-group",
      "task-definition",
      "service",
      "scaling",
    ]);
    expect(replaced.find((c) => c.type === "service")?.replacePaths).toEqual(["region"]);
  });

  it("rolls back by pointing the service at the recorded revision", async () => {
    live();
    const ctx = await ctxFor();
    const state = (await adapter.read(ctx, PRIOR, NAME)) as EcsState;
    const done = {
      services: [{ status: "ACTIVE", deployments: [{ id: "ecs-svc/2", rolloutState: "COMPLETED" }] }],
    };
    ecs.on(DescribeServicesCommand).resolves(done as never);
    const to = {
      ...state,
      taskDefinition: { ...state.taskDefinition, arn: TD4.replace(":4", ":2"), revision: 2 },
    } as EcsState;
    for (const m of mocks) m.resetHistory();
    const out = await adapter.rollback?.(ctx, state, to);
    expect(names()).toEqual(["UpdateService", "DescribeServices"]);
    expect(input("UpdateService")).toEqual({
      cluster: "apiship",
      service: NAME,
      taskDefinition: TD4.replace(":4", ":2"),
    });
    expect(out?.release).toBe("shop-dev-api:2");
  });

  it("destroys in reverse order, only what apiship made", async () => {
    live();
    ecs.on(ListTaskDefinitionsCommand).resolves({
      taskDefinitionArns: [TD3, "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-dev-api2:1"],
    });
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [
        { ...fixture<{ clusters: object[] }>("ecs-describe-clusters").clusters[0], activeServicesCount: 0 },
      ],
    });
    ecs.on(DescribeServicesCommand).resolves({ services: [{ status: "INACTIVE" }] });
    const ctx = await ctxFor();
    const state = (await adapter.read(ctx, PRIOR, NAME)) as EcsState;
    for (const m of mocks) m.resetHistory();
    await adapter.destroy(ctx, state);
    expect(mutations()).toEqual([
      "DeleteScalingPolicy",
      "DeregisterScalableTarget",
      "DeleteService",
      "DeregisterTaskDefinition",
      "DeleteListener",
      "DeleteLoadBalancer",
      "DeleteTargetGroup",
      "DeleteSecurityGroup",
      "DeleteSecurityGroup",
      "DeleteLogGroup",
      "DetachRolePolicy",
      "DeleteRole",
      "DeleteCluster",
    ]);
    expect(input("DeleteService")).toEqual({ cluster: "apiship", service: NAME, force: true });
    expect(input("DeregisterTaskDefinition")).toEqual({ taskDefinition: TD3 });
    expect(input("DeleteSecurityGroup")).toEqual({ GroupId: "sg-0tasks000000000" });
    expect(input("DeleteSecurityGroup", 1)).toEqual({ GroupId: "sg-0lb000000000000" });
  });

  it("leaves a shared ALB and listener alone, removing only its rule and target group", async () => {
    live();
    const shared = {
      arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/1",
      listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/1/2",
    };
    const ctx = await ctxFor();
    const state = (await adapter.read(ctx, PRIOR, NAME)) as EcsState;
    const withShared = {
      ...state,
      loadBalancer: {
        ...state.loadBalancer,
        ...shared,
        managed: false,
        ruleArn: `${shared.listenerArn}/rule/9`,
      },
    } as EcsState;
    ecs.on(DescribeServicesCommand).resolves({ services: [{ status: "INACTIVE" }] });
    for (const m of mocks) m.resetHistory();
    await adapter.destroy(ctx, withShared);
    const elbCalls = mutations().filter((n) => /Listener|LoadBalancer|Rule|TargetGroup/.test(n));
    expect(elbCalls).toEqual(["DeleteRule", "DeleteTargetGroup"]);
  });
});

describe("Fargate task sizes", () => {
  it("accepts the allowed pairs and picks the smallest vCPU when none is given", () => {
    expect(fargateSize({ cpu: 0.25, memory: 512 })).toEqual({ cpu: "256", memory: "512" });
    expect(fargateSize({ cpu: 8, memory: 20480 })).toEqual({ cpu: "8192", memory: "20480" });
    expect(fargateSize({ cpu: 16, memory: 122880 })).toEqual({ cpu: "16384", memory: "122880" });
    expect(fargateSize({ memory: 3072 })).toEqual({ cpu: "512", memory: "3072" });
  });

  it("refuses a pair Fargate has not, naming the allowed memory at service.resources", () => {
    const err = (() => {
      try {
        fargateSize({ cpu: 1, memory: 1024 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).message).toContain("allowed memory is 2048-8192 in steps of 1024 MiB");
    expect((err as ManifestError).diagnostics[0]?.path).toBe("service.resources");
    expect(() => fargateSize({ cpu: 8, memory: 18000 })).toThrow(/16384-61440 in steps of 4096/);
    expect(() => fargateSize({ cpu: 3, memory: 8192 })).toThrow(/no 3 vCPU/);
  });

  it("plan refuses it too, without any I/O", () => {
    const svc = { ...service, resources: { cpu: 1, memory: 1024 } };
    const req = {
      stack: { ...stack, service: svc },
      target,
      service: svc,
      name: NAME,
      recorded: undefined,
      observed: undefined,
      secretHashes: {},
    };
    expect(() => adapter.plan(req)).toThrow(ManifestError);
  });
});
