// What apiship records for an aws/ecs-fargate target (plain JSON, never a secret value), the
// physical names of its resources, and Fargate's task sizes. Shared by the pure planner and the
// I/O modules (ecs-*.ts, one per cloud resource).

import type { NameRule } from "../../src/core/provider.js";
import { ManifestError } from "../../src/errors.js";
import { physicalName } from "../../src/manifest/names.js";
import type { RoleState } from "./lambda-state.js";

export { KNOWN_AFTER_APPLY, TAG_MANAGED, TAG_STACK, TAG_TARGET, ownerTags } from "./lambda-state.js";
export type { RoleState } from "./lambda-state.js";

/** The one container of the task definition. */
export const CONTAINER = "app";

export interface NetworkState {
  region: string;
  vpc: string;
  subnets: string[];
  /** Security group apiship made for its own load balancer. */
  lbGroup?: { id: string; name: string; ports: number[]; cidr: string };
  /** Security group apiship made for the tasks (absent when the target names its own). */
  taskGroup?: { id: string; name: string; port: number };
}

export interface LoadBalancerState {
  region: string;
  vpc: string;
  /** False when the ALB and listener are the target's `loadBalancer` (left alone by destroy). */
  managed: boolean;
  arn: string;
  dnsName: string;
  scheme: string;
  listenerArn: string;
  protocol: "HTTP" | "HTTPS";
  port: number;
  certificateArn: string | null;
  targetGroup: { arn: string; name: string; health: HealthCheckAttrs };
  /** The rule apiship added to a shared listener. */
  ruleArn?: string;
  /** Security groups of the ALB, which the tasks' group admits. */
  securityGroups: string[];
}

export interface HealthCheckAttrs {
  path: string;
  matcher: string;
  timeoutSeconds: number;
  intervalSeconds: number;
}

export interface ClusterState {
  name: string;
  arn: string;
  /** True when apiship created it for this stack (and so may delete it when empty). */
  managed: boolean;
}

export interface LogGroupState {
  region: string;
  name: string;
  retentionDays: number;
}

/** The task definition's attributes as planned and compared. */
export interface TaskDefAttrs {
  region: string;
  family: string;
  image: string;
  port: number;
  /** Fargate task size in CPU units and MiB, as RegisterTaskDefinition takes them. */
  cpu: string;
  memory: string;
  command: string[] | null;
  args: string[] | null;
  env: Record<string, string>;
  /** env:/file: secrets: name → keyed hash of the value the task definition holds. */
  secrets: Record<string, string>;
  /** aws-sm: secrets: name → `valueFrom` (ARN or name). */
  secretRefs: Record<string, string>;
  healthPath: string;
  logGroup: string;
  executionRole: string;
}

export interface TaskDefState extends TaskDefAttrs {
  arn: string;
  revision: number;
}

export interface ServiceState {
  region: string;
  cluster: string;
  arn: string;
  taskDefinition: string;
  desiredCount: number;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  platformVersion: string;
}

export interface ScalingState {
  min: number;
  max: number;
  /** Target tracking: metric and target value. */
  metric: string;
  targetValue: number;
}

export interface EcsState {
  /** Service name and task definition family (the target's physical base name). */
  name: string;
  region: string;
  network?: NetworkState;
  loadBalancer?: LoadBalancerState;
  cluster?: ClusterState;
  logGroup?: LogGroupState;
  role?: RoleState & { secretResources: string[] };
  taskDefinition?: TaskDefState;
  service?: ServiceState;
  scaling?: ScalingState;
}

const ELB_RULE: NameRule = {
  resource: "load balancer",
  maxLength: 32,
  lowercase: false,
  extraChars: "-",
  startsWithLetter: true,
};
const ROLE_RULE: NameRule = { ...ELB_RULE, resource: "IAM role", maxLength: 64, extraChars: "-_" };

export const names = {
  loadBalancer: (n: string) => physicalName(ELB_RULE, [n]),
  targetGroup: (n: string) => physicalName(ELB_RULE, [n, "tg"]),
  lbGroup: (n: string) => `${n}-lb`,
  taskGroup: (n: string) => `${n}-tasks`,
  logGroup: (n: string) => `/ecs/${n}`,
  role: (n: string) => physicalName(ROLE_RULE, [n, "ecs-exec"]),
  scalingPolicy: (n: string) => `${n}-target-tracking`,
  secretsPolicy: "apiship-secrets",
};

export function partition(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export const EXEC_POLICY = (region: string) =>
  `arn:${partition(region)}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`;

// Fargate's task sizes (AWS ECS developer guide, "Task CPU and memory"): vCPU → allowed MiB.
const FARGATE_SIZES: readonly { cpu: number; min: number; max: number; step: number; only?: number[] }[] = [
  { cpu: 0.25, min: 512, max: 2048, step: 512, only: [512, 1024, 2048] },
  { cpu: 0.5, min: 1024, max: 4096, step: 1024 },
  { cpu: 1, min: 2048, max: 8192, step: 1024 },
  { cpu: 2, min: 4096, max: 16384, step: 1024 },
  { cpu: 4, min: 8192, max: 30720, step: 1024 },
  { cpu: 8, min: 16384, max: 61440, step: 4096 },
  { cpu: 16, min: 32768, max: 122880, step: 8192 },
];

function allows(s: (typeof FARGATE_SIZES)[number], memory: number): boolean {
  if (s.only) return s.only.includes(memory);
  return memory >= s.min && memory <= s.max && (memory - s.min) % s.step === 0;
}

function describeSize(s: (typeof FARGATE_SIZES)[number]): string {
  if (s.only) return s.only.join(", ");
  return `${s.min}-${s.max} in steps of ${s.step}`;
}

function sizeError(message: string, hint: string): ManifestError {
  return new ManifestError(message, [
    { severity: "error", code: "fargate-size", message, path: "service.resources", hint },
  ]);
}

/**
 * The Fargate task size for `resources`: CPU units and MiB as strings. Without `cpu`, the
 * smallest vCPU that allows the memory. PURE; throws a ManifestError at `service.resources`.
 */
export function fargateSize(resources: { cpu?: number; memory: number }): { cpu: string; memory: string } {
  const { cpu, memory } = resources;
  const size =
    cpu === undefined
      ? FARGATE_SIZES.find((s) => allows(s, memory))
      : FARGATE_SIZES.find((s) => s.cpu === cpu);
  if (!size) {
    if (cpu !== undefined) {
      const cpus = FARGATE_SIZES.map((s) => s.cpu).join(", ");
      throw sizeError(`Fargate has no ${cpu} vCPU task size`, `set service.resources.cpu to one of ${cpus}`);
    }
    throw sizeError(
      `Fargate has no task size with ${memory} MiB of memory`,
      `use one of: ${FARGATE_SIZES.map((s) => `${s.cpu} vCPU: ${describeSize(s)} MiB`).join("; ")}`,
    );
  }
  if (!allows(size, memory)) {
    throw sizeError(
      `Fargate does not allow ${memory} MiB with ${size.cpu} vCPU: allowed memory is ${describeSize(size)} MiB`,
      `set service.resources.memory to ${describeSize(size)} MiB, or change service.resources.cpu`,
    );
  }
  return { cpu: String(size.cpu * 1024), memory: String(memory) };
}
