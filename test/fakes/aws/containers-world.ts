// The fake account's ECS, EC2, ELBv2, Application Auto Scaling and CloudWatch Logs state, part of
// FakeWorld. Knobs for tests: `ecs.rolloutMs` (how long a deployment takes to settle) and
// `ecs.failImages` (image → the reason its tasks stop, e.g. a CannotPullContainerError).

export type Json = Record<string, unknown>;

export interface FakeDeployment {
  id: string;
  status: "PRIMARY" | "ACTIVE" | "INACTIVE";
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  failedTasks: number;
  rolloutState: "IN_PROGRESS" | "COMPLETED" | "FAILED";
  rolloutStateReason: string;
  createdAt: number;
}

export interface FakeService {
  arn: string;
  name: string;
  cluster: string;
  status: "ACTIVE" | "DRAINING" | "INACTIVE";
  taskDefinition: string;
  desiredCount: number;
  input: Json;
  tags: { key: string; value: string }[];
  deployments: FakeDeployment[];
  createdAt: number;
}

export interface FakeTaskDef {
  arn: string;
  family: string;
  revision: number;
  status: "ACTIVE" | "INACTIVE";
  body: Json;
  tags: { key: string; value: string }[];
}

export interface FakeTask {
  arn: string;
  cluster: string;
  group: string;
  taskDefinitionArn: string;
  lastStatus: "RUNNING" | "STOPPED";
  desiredStatus: "RUNNING" | "STOPPED";
  stoppedReason?: string;
  containers: Json[];
}

export interface ContainerWorld {
  ecs: {
    rolloutMs: number;
    failImages: Record<string, string>;
    clusters: Map<
      string,
      { name: string; arn: string; status: "ACTIVE" | "INACTIVE"; tags: { key: string; value: string }[] }
    >;
    /** Key: cluster/service. */
    services: Map<string, FakeService>;
    taskDefs: FakeTaskDef[];
    tasks: FakeTask[];
  };
  ec2: {
    vpcs: { vpcId: string; cidrBlock: string; isDefault: boolean }[];
    subnets: {
      subnetId: string;
      vpcId: string;
      availabilityZone: string;
      defaultForAz: boolean;
      cidrBlock: string;
    }[];
    groups: Map<
      string,
      {
        groupId: string;
        groupName: string;
        description: string;
        vpcId: string;
        ingress: Json[];
        tags: Record<string, string>;
      }
    >;
  };
  elb: {
    /**
     * The DNSName CreateLoadBalancer hands out (default: the real `<name>-<id>.<region>.elb.amazonaws.com`
     * form). An e2e test sets it to "127.0.0.1:PORT" so the health check of `http://<DNSName>`
     * reaches a local server standing in for the load balancer.
     */
    dnsNameFor?: (name: string, scheme: string) => string;
    loadBalancers: Map<string, Json & { arn: string; name: string; securityGroups: string[] }>;
    targetGroups: Map<string, Json & { arn: string; name: string }>;
    listeners: Map<string, Json & { arn: string; lbArn: string; tgArns: string[] }>;
    rules: Map<string, Json & { arn: string; listenerArn: string; priority: string; tgArns: string[] }>;
    tags: Map<string, Record<string, string>>;
  };
  scaling: {
    targets: Map<string, { min: number; max: number; created: number }>;
    policies: Map<string, Json>;
  };
  logs: {
    groups: Map<
      string,
      {
        name: string;
        arn: string;
        retention?: number;
        tags: Record<string, string>;
        created: number;
        /** Its events, kept sorted by timestamp (log-events.ts). */
        events?: FakeLogEvent[];
      }
    >;
    /** Most events FilterLogEvents returns in one page (the real cap is 10,000 or 1 MB). */
    pageLimit: number;
    /** Issues eventIds. */
    seq: number;
  };
  /** IAM inline role policies: role → policy name → document. */
  inlinePolicies: Map<string, Map<string, string>>;
}

/** One log event as CloudWatch Logs stores it. */
export interface FakeLogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

export function newContainerWorld(region = "us-east-1"): ContainerWorld {
  const vpcId = "vpc-0d3f4a5b6c7d8e9f0";
  const subnet = (n: number, az: string) => ({
    subnetId: `subnet-0${n}a1b2c3d4e5f6a7b`,
    vpcId,
    availabilityZone: `${region}${az}`,
    defaultForAz: true,
    cidrBlock: `172.31.${n * 16}.0/20`,
  });
  return {
    ecs: { rolloutMs: 30, failImages: {}, clusters: new Map(), services: new Map(), taskDefs: [], tasks: [] },
    ec2: {
      vpcs: [{ vpcId, cidrBlock: "172.31.0.0/16", isDefault: true }],
      subnets: [subnet(1, "a"), subnet(2, "b"), subnet(3, "c")],
      groups: new Map(),
    },
    elb: {
      loadBalancers: new Map(),
      targetGroups: new Map(),
      listeners: new Map(),
      rules: new Map(),
      tags: new Map(),
    },
    scaling: { targets: new Map(), policies: new Map() },
    logs: { groups: new Map(), pageLimit: 10_000, seq: 0 },
    inlinePolicies: new Map(),
  };
}

export function hexId(n = 17): string {
  let s = "";
  while (s.length < n) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}
