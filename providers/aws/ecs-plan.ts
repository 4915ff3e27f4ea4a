// The PURE planner of aws/ecs-fargate (DESIGN.md §3): what the target should consist of, from
// the manifest alone, and the attribute-level changes from what read() observed to that. Task
// size and secret references are validated here, so an offline plan already refuses them.

import { resourceChange } from "../_shared/plan.js";
import type { PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import { ManifestError } from "../../src/errors.js";
import { parseSecretRef } from "../../src/manifest/secrets.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import type { EcsOptions } from "./ecs-fargate.js";
import { assertSharedScheme } from "./ecs-load-balancer.js";
import { EXEC_POLICY, KNOWN_AFTER_APPLY, fargateSize, names, partition } from "./ecs-state.js";
import type { EcsState, HealthCheckAttrs, TaskDefAttrs } from "./ecs-state.js";

export type EcsPlanRequest = PlanRequest<EcsOptions, EcsState>;
type Attrs = Record<string, unknown>;

export const ECS_RESOURCES = [
  "security-groups",
  "load-balancer",
  "cluster",
  "log-group",
  "role",
  "task-definition",
  "service",
  "scaling",
] as const;
export type EcsResource = (typeof ECS_RESOURCES)[number];

/** What cannot change in place: everything lives in one region; a VPC or cluster is fixed at creation. */
export const FORCES_REPLACE: Record<EcsResource, string[]> = {
  "security-groups": ["region", "vpc"],
  "load-balancer": ["region", "vpc"],
  cluster: [],
  "log-group": ["region"],
  role: [],
  "task-definition": ["region"],
  service: ["region", "vpc", "cluster"],
  scaling: [],
};

const DEPENDS_ON: Record<EcsResource, EcsResource[]> = {
  "security-groups": [],
  "load-balancer": ["security-groups"],
  cluster: [],
  "log-group": [],
  role: [],
  "task-definition": ["log-group", "role"],
  service: ["cluster", "load-balancer", "task-definition", "security-groups"],
  scaling: ["service"],
};

export function healthAttrs(req: Pick<EcsPlanRequest, "service">): HealthCheckAttrs {
  const h = req.service.health;
  // ALB bounds: timeout 2-120 s and shorter than the interval (5-300 s).
  const timeoutSeconds = Math.min(120, Math.max(2, Math.ceil(h.timeoutMs / 1000)));
  return {
    path: h.path,
    matcher: String(h.status),
    timeoutSeconds,
    intervalSeconds: Math.min(300, Math.max(15, timeoutSeconds + 5)),
  };
}

function secretError(name: string, message: string, hint: string): ManifestError {
  const path = `service.secrets.${name}`;
  return new ManifestError(`${path} ${message}`, [
    { severity: "error", code: "secret-unsupported", message, path, hint },
  ]);
}

/** `valueFrom` of an aws-sm reference; undefined for a local (env:, file:) one. PURE. */
export function secretValueFrom(name: string, ref: string): string | undefined {
  const p = parseSecretRef(ref);
  if (!p.ok) throw secretError(name, p.message, p.hint);
  if (p.scheme === "env" || p.scheme === "file") return undefined;
  if (p.scheme !== "aws-sm") {
    throw secretError(
      name,
      `is a ${p.scheme} reference, which ECS cannot read`,
      "use env:, file: or aws-sm:",
    );
  }
  if (p.key === undefined) return p.id;
  // ECS selects a JSON key only through the full ARN form arn:...:secret:NAME:KEY::.
  if (!p.id.startsWith("arn:")) {
    throw secretError(name, "selects a JSON key of a secret named without its ARN", "write aws-sm:ARN#key");
  }
  return `${p.id}:${p.key}::`;
}

/** IAM resources the execution role must read for the aws-sm secrets. */
export function secretResources(req: EcsPlanRequest): string[] {
  const region = req.target.options.region;
  const out = new Set<string>();
  for (const [name, ref] of Object.entries(req.service.secrets)) {
    const from = secretValueFrom(name, ref);
    if (from === undefined) continue;
    // A secret's ARN ends in a random 6-character suffix the name alone does not know.
    if (from.startsWith("arn:")) out.add(`${from.split(":").slice(0, 7).join(":")}*`);
    else out.add(`arn:${partition(region)}:secretsmanager:${region}:*:secret:${from}-*`);
  }
  return [...out].sort();
}

export function desiredTaskDef(req: EcsPlanRequest): TaskDefAttrs {
  const svc = req.service;
  const c = svc.container;
  const seen = req.observed?.taskDefinition?.secrets ?? {};
  const secrets: Record<string, string> = {};
  const secretRefs: Record<string, string> = {};
  for (const name of Object.keys(svc.secrets).sort()) {
    const from = secretValueFrom(name, svc.secrets[name] ?? "");
    if (from !== undefined) secretRefs[name] = from;
    else secrets[name] = req.secretHashes[name] ?? seen[name] ?? "";
  }
  return {
    region: req.target.options.region,
    family: req.name,
    image: c?.image ?? "",
    port: c?.port ?? 8080,
    ...fargateSize(svc.resources),
    command: c?.command ? [...c.command] : null,
    args: c?.args ? [...c.args] : null,
    env: { ...svc.env },
    secrets,
    secretRefs,
    healthPath: svc.health.path,
    logGroup: names.logGroup(req.name),
    executionRole: names.role(req.name),
  };
}

export function desiredScaling(req: EcsPlanRequest): Attrs {
  const s = req.service.scaling;
  const min = Math.max(s.min, 1);
  // Concurrency → requests per target per minute, taking one-second requests as the unit.
  return s.concurrency
    ? { min, max: Math.max(s.max, min), metric: "ALBRequestCountPerTarget", targetValue: s.concurrency * 60 }
    : { min, max: Math.max(s.max, min), metric: "ECSServiceAverageCPUUtilization", targetValue: 70 };
}

function networkAttrs(req: EcsPlanRequest, vpc: string): Attrs | null {
  const o = req.target.options;
  const lb = o.loadBalancer
    ? null
    : { name: names.lbGroup(req.name), ports: lbPorts(o), cidr: lbCidr(req.service.access) };
  const tasks = o.securityGroups
    ? null
    : { name: names.taskGroup(req.name), port: req.service.container?.port };
  return lb || tasks ? { region: o.region, vpc, loadBalancer: lb, tasks } : null;
}

export const lbPorts = (o: EcsOptions) => (o.certificateArn ? [80, 443] : [80]);
export const lbCidr = (access: string) => (access === "public" ? "0.0.0.0/0" : "vpc");

function lbAttrs(req: EcsPlanRequest, vpc: string): Attrs {
  const o = req.target.options;
  const shared = o.loadBalancer;
  return {
    region: o.region,
    vpc,
    managed: !shared,
    loadBalancer: shared ? shared.arn : names.loadBalancer(req.name),
    listener: shared ? shared.listenerArn : o.certificateArn ? "HTTPS:443" : "HTTP:80",
    certificateArn: shared ? null : (o.certificateArn ?? null),
    scheme: shared ? null : req.service.access === "public" ? "internet-facing" : "internal",
    targetGroup: { name: names.targetGroup(req.name), ...healthAttrs(req) },
  };
}

function desiredAttrs(
  req: EcsPlanRequest,
  taskDef: Attrs,
  taskDefChanges: boolean,
): Record<EcsResource, Attrs | null> {
  const o = req.target.options;
  const seen = req.observed;
  const vpc = o.vpc ?? seen?.network?.vpc ?? KNOWN_AFTER_APPLY;
  const td = seen?.taskDefinition;
  const taskGroup = seen?.network?.taskGroup?.id ?? KNOWN_AFTER_APPLY;
  return {
    "security-groups": networkAttrs(req, vpc),
    "load-balancer": lbAttrs(req, vpc),
    cluster: { name: o.cluster, managed: seen?.cluster ? seen.cluster.managed : true },
    "log-group": { region: o.region, name: names.logGroup(req.name), retentionDays: o.logRetentionDays },
    role: {
      name: names.role(req.name),
      policies: [EXEC_POLICY(o.region)],
      secretResources: secretResources(req),
    },
    "task-definition": taskDef,
    service: {
      region: o.region,
      cluster: o.cluster,
      vpc,
      taskDefinition: taskDefChanges || !td ? KNOWN_AFTER_APPLY : `${td.family}:${td.revision}`,
      subnets: o.subnets ? [...o.subnets].sort() : (seen?.network?.subnets ?? [KNOWN_AFTER_APPLY]),
      securityGroups: o.securityGroups ? [...o.securityGroups].sort() : [taskGroup],
      assignPublicIp: o.assignPublicIp,
      platformVersion: o.platformVersion,
    },
    scaling: desiredScaling(req),
  };
}

/** The attributes of a state, in the shapes desiredAttrs produces. */
export function observedAttrs(s: EcsState | undefined): Record<EcsResource, Attrs | null> {
  const n = s?.network;
  const lb = s?.loadBalancer;
  const td = s?.taskDefinition;
  const svc = s?.service;
  const tdAttrs = td
    ? Object.fromEntries(Object.entries(td).filter(([k]) => k !== "arn" && k !== "revision"))
    : null;
  return {
    "security-groups":
      n && (n.lbGroup || n.taskGroup)
        ? {
            region: n.region,
            vpc: n.vpc,
            loadBalancer: n.lbGroup
              ? { name: n.lbGroup.name, ports: n.lbGroup.ports, cidr: n.lbGroup.cidr }
              : null,
            tasks: n.taskGroup ? { name: n.taskGroup.name, port: n.taskGroup.port } : null,
          }
        : null,
    "load-balancer": lb
      ? {
          region: lb.region,
          vpc: lb.vpc,
          managed: lb.managed,
          loadBalancer: lb.managed ? names.loadBalancer(s.name) : lb.arn,
          listener: lb.managed ? `${lb.protocol}:${lb.port}` : lb.listenerArn,
          certificateArn: lb.managed ? lb.certificateArn : null,
          scheme: lb.managed ? lb.scheme : null,
          targetGroup: { name: lb.targetGroup.name, ...lb.targetGroup.health },
        }
      : null,
    cluster: s?.cluster ? { name: s.cluster.name, managed: s.cluster.managed } : null,
    "log-group": s?.logGroup ? { ...s.logGroup } : null,
    role: s?.role?.managed
      ? { name: s.role.name, policies: s.role.policies, secretResources: s.role.secretResources }
      : null,
    "task-definition": tdAttrs,
    service: svc
      ? {
          region: svc.region,
          cluster: svc.cluster,
          vpc: n?.vpc ?? KNOWN_AFTER_APPLY,
          taskDefinition: svc.taskDefinition,
          subnets: svc.subnets,
          securityGroups: svc.securityGroups,
          assignPublicIp: svc.assignPublicIp,
          platformVersion: svc.platformVersion,
        }
      : null,
    scaling: s?.scaling ? { ...s.scaling } : null,
  };
}

/** Each resource's physical name (computed once per plan: each is a few name-rule calls). */
function physicalNames(req: EcsPlanRequest): Record<EcsResource, string> {
  const n = req.name;
  const o = req.target.options;
  return {
    "security-groups": `${names.lbGroup(n)},${names.taskGroup(n)}`,
    "load-balancer": o.loadBalancer ? names.targetGroup(n) : names.loadBalancer(n),
    cluster: o.cluster,
    "log-group": names.logGroup(n),
    role: names.role(n),
    "task-definition": n,
    service: n,
    scaling: `service/${o.cluster}/${n}`,
  };
}

/** PURE. Changes in dependency order; resources neither present nor wanted are left out. */
export function planEcs(req: EcsPlanRequest): PlanResponse {
  const shared = req.observed?.loadBalancer;
  if (req.target.options.loadBalancer && shared && !shared.managed)
    assertSharedScheme(
      {
        shared: req.target.options.loadBalancer,
        scheme: req.service.access === "public" ? "internet-facing" : "internal",
      },
      shared.scheme,
      req.target.name,
    );
  const before = observedAttrs(req.observed);
  const taskDef = desiredTaskDef(req) as unknown as Attrs;
  const tdDiff = diffAttributes(before["task-definition"], taskDef);
  const after = desiredAttrs(req, taskDef, tdDiff.action !== "no-op");
  const diffs = Object.fromEntries(
    ECS_RESOURCES.map((type) => {
      const b = before[type];
      const a = after[type];
      const secretNames = Object.keys({ ...(b?.secrets as Attrs), ...(a?.secrets as Attrs) });
      const sensitive = type === "task-definition" ? secretNames.map((s) => joinPath("secrets", s)) : [];
      return [type, diffAttributes(b, a, { sensitive, forcesReplace: FORCES_REPLACE[type] })];
    }),
  ) as Record<EcsResource, ReturnType<typeof diffAttributes>>;
  const serviceReplaced = diffs.service.action === "replace";
  const physical = physicalNames(req);
  const changes: ResourceChange[] = [];
  for (const type of ECS_RESOURCES) {
    const b = before[type];
    const a = after[type];
    if (b === null && a === null) continue;
    // Scaling hangs off the service: it goes and comes back with it.
    const cascade = type === "scaling" && serviceReplaced && b !== null;
    const dependsOn = DEPENDS_ON[type].filter((d) => after[d] !== null);
    changes.push(
      resourceChange(
        { type, name: physical[type], before: b, after: a, dependsOn },
        diffs[type],
        cascade ? "the service" : undefined,
      ),
    );
  }
  return { changes };
}
