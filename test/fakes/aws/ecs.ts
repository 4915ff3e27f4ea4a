// The fake's ECS (JSON 1.1, ecs-2014-11-13.json): clusters, task definition revisions, Fargate
// services and their deployments. A deployment settles `ecs.rolloutMs` after it started: its
// tasks RUN and it is COMPLETED, or, when its image is in `ecs.failImages`, its tasks stop with
// that reason and the circuit breaker marks it FAILED and rolls the service back to the last
// completed revision, as ECS does with `deploymentCircuitBreaker: {enable, rollback}`.

import { fail, ok } from "./containers.js";
import type { Op, OpResult, Params } from "./containers.js";
import { hexId } from "./containers-world.js";
import type { FakeDeployment, FakeService, FakeTaskDef } from "./containers-world.js";
import type { FakeWorld } from "./world.js";

type Tags = { key: string; value: string }[];
const secs = (ms: number) => ms / 1000;
const arnOf = (w: FakeWorld, kind: string, rest: string) =>
  `arn:aws:ecs:${w.region}:${w.account}:${kind}/${rest}`;
const invalid = (m: string) => fail("InvalidParameterException", m);
const clusterNotFound = () => fail("ClusterNotFoundException", "Cluster not found.");
const nameOf = (ref: unknown) =>
  String(ref ?? "default")
    .split("/")
    .pop() ?? "default";

// Fargate task sizes: CPU units → allowed MiB.
const FARGATE: Record<string, number[]> = {
  "256": [512, 1024, 2048],
  "512": [1024, 2048, 3072, 4096],
  "1024": range(2048, 8192, 1024),
  "2048": range(4096, 16384, 1024),
  "4096": range(8192, 30720, 1024),
  "8192": range(16384, 61440, 4096),
  "16384": range(32768, 122880, 8192),
};
function range(a: number, b: number, step: number): number[] {
  const out: number[] = [];
  for (let x = a; x <= b; x += step) out.push(x);
  return out;
}

function cluster(w: FakeWorld, ref: unknown) {
  const c = w.ecs.clusters.get(nameOf(ref));
  return c?.status === "ACTIVE" ? c : undefined;
}

export function findTaskDef(w: FakeWorld, ref: unknown): FakeTaskDef | undefined {
  const s =
    String(ref ?? "")
      .split("/")
      .pop() ?? "";
  const [family, rev] = s.split(":");
  const revs = w.ecs.taskDefs.filter((t) => t.family === family);
  if (rev !== undefined) return revs.find((t) => t.revision === Number(rev));
  return revs.filter((t) => t.status === "ACTIVE").at(-1);
}

const imageOf = (td: FakeTaskDef | undefined) =>
  String(((td?.body.containerDefinitions as Params[] | undefined)?.[0] ?? {}).image ?? "");

function tdJson(td: FakeTaskDef): Params {
  return {
    ...td.body,
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    compatibilities: ["EC2", "FARGATE"],
    registeredAt: 1730808000,
  };
}

function stopTasks(w: FakeWorld, svc: FakeService, d: FakeDeployment, reason: string): void {
  for (let i = 0; i < Math.max(1, d.desiredCount); i++) {
    w.ecs.tasks.push({
      arn: arnOf(w, "task", `${svc.cluster}/${hexId(32)}`),
      cluster: svc.cluster,
      group: `service:${svc.name}`,
      taskDefinitionArn: d.taskDefinition,
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      stoppedReason: reason,
      containers: [{ name: "app", lastStatus: "STOPPED", reason }],
    });
  }
}

function runTasks(w: FakeWorld, svc: FakeService, d: FakeDeployment): void {
  // The new deployment's tasks replace the old ones.
  for (const t of w.ecs.tasks) {
    if (t.group === `service:${svc.name}` && t.cluster === svc.cluster && t.lastStatus === "RUNNING") {
      t.lastStatus = "STOPPED";
      t.desiredStatus = "STOPPED";
      t.stoppedReason = "Scaling activity initiated by (deployment)";
    }
  }
  for (let i = 0; i < d.desiredCount; i++) {
    w.ecs.tasks.push({
      arn: arnOf(w, "task", `${svc.cluster}/${hexId(32)}`),
      cluster: svc.cluster,
      group: `service:${svc.name}`,
      taskDefinitionArn: d.taskDefinition,
      lastStatus: "RUNNING",
      desiredStatus: "RUNNING",
      containers: [{ name: "app", lastStatus: "RUNNING" }],
    });
  }
  d.runningCount = d.desiredCount;
}

function newDeployment(w: FakeWorld, svc: FakeService, taskDefinition: string): FakeDeployment {
  for (const d of svc.deployments) if (d.status === "PRIMARY") d.status = "ACTIVE";
  const d: FakeDeployment = {
    id: `ecs-svc/${String(Math.floor(Math.random() * 1e15)).padStart(19, "0")}`,
    status: "PRIMARY",
    taskDefinition,
    desiredCount: svc.desiredCount,
    runningCount: 0,
    failedTasks: 0,
    rolloutState: "IN_PROGRESS",
    rolloutStateReason: "ECS deployment in progress.",
    createdAt: w.now(),
  };
  svc.deployments.unshift(d);
  svc.taskDefinition = taskDefinition;
  return d;
}

/** Moves the service's deployments on by the clock. */
export function advance(w: FakeWorld, svc: FakeService): void {
  const d = svc.deployments.find((x) => x.status === "PRIMARY");
  if (!d || d.rolloutState !== "IN_PROGRESS" || w.now() < d.createdAt + w.ecs.rolloutMs) return;
  const reason = w.ecs.failImages[imageOf(findTaskDef(w, d.taskDefinition))];
  if (reason === undefined) {
    runTasks(w, svc, d);
    d.rolloutState = "COMPLETED";
    d.rolloutStateReason = "ECS deployment completed.";
    svc.deployments = [d];
    return;
  }
  stopTasks(w, svc, d, reason);
  d.failedTasks = Math.max(1, d.desiredCount);
  d.rolloutState = "FAILED";
  d.rolloutStateReason = "ECS deployment circuit breaker: tasks failed to start.";
  const previous = svc.deployments.find((x) => x !== d && x.rolloutState === "COMPLETED");
  const cb = (svc.input.deploymentConfiguration as Params | undefined)?.deploymentCircuitBreaker as
    Params | undefined;
  if (previous && cb?.rollback) {
    const back = newDeployment(w, svc, previous.taskDefinition);
    runTasks(w, svc, back);
    back.rolloutState = "COMPLETED";
    back.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${previous.id}.`;
    d.status = "ACTIVE";
    svc.deployments = [back, d];
  }
}

function serviceJson(w: FakeWorld, svc: FakeService, withTags: boolean): Params {
  advance(w, svc);
  const running = svc.deployments.reduce((n, d) => n + d.runningCount, 0);
  return {
    serviceArn: svc.arn,
    serviceName: svc.name,
    clusterArn: arnOf(w, "cluster", svc.cluster),
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: svc.status === "ACTIVE" ? Math.min(running, svc.desiredCount) : 0,
    pendingCount: 0,
    launchType: svc.input.launchType,
    platformVersion: svc.input.platformVersion ?? "LATEST",
    taskDefinition: svc.taskDefinition,
    loadBalancers: svc.input.loadBalancers ?? [],
    networkConfiguration: svc.input.networkConfiguration,
    deploymentConfiguration: svc.input.deploymentConfiguration,
    deployments: svc.deployments.map((d) => ({
      ...d,
      createdAt: secs(d.createdAt),
      updatedAt: secs(w.now()),
      launchType: svc.input.launchType,
    })),
    events: [],
    createdAt: secs(svc.createdAt),
    ...(withTags ? { tags: svc.tags } : {}),
  };
}

const withTags = (input: Params) => Array.isArray(input.include) && input.include.includes("TAGS");

function validateService(w: FakeWorld, input: Params): OpResult | undefined {
  if (input.launchType === "FARGATE" && !input.networkConfiguration)
    return invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  for (const lb of (input.loadBalancers as Params[] | undefined) ?? []) {
    const tg = w.elb.targetGroups.get(String(lb.targetGroupArn));
    if (!tg)
      return invalid(
        `Unable to assume role and validate the specified targetGroupArn: ${String(lb.targetGroupArn)}`,
      );
    const used = [...w.elb.listeners.values(), ...w.elb.rules.values()].some((l) =>
      l.tgArns.includes(tg.arn),
    );
    if (!used)
      return invalid(
        `The target group with targetGroupArn ${tg.arn} does not have an associated load balancer.`,
      );
  }
  return undefined;
}

const createService: Op = (w, input) => {
  const c = cluster(w, input.cluster);
  if (!c) return clusterNotFound();
  const name = String(input.serviceName ?? "");
  const key = `${c.name}/${name}`;
  if (w.ecs.services.get(key)?.status === "ACTIVE") return invalid("Creation of service was not idempotent.");
  const td = findTaskDef(w, input.taskDefinition);
  if (!td || td.status !== "ACTIVE") return fail("ClientException", "TaskDefinition not found.");
  const bad = validateService(w, input);
  if (bad) return bad;
  const svc: FakeService = {
    arn: arnOf(w, "service", `${c.name}/${name}`),
    name,
    cluster: c.name,
    status: "ACTIVE",
    taskDefinition: td.arn,
    desiredCount: Number(input.desiredCount ?? 0),
    input: { ...input },
    tags: (input.tags as Tags | undefined) ?? [],
    deployments: [],
    createdAt: w.now(),
  };
  newDeployment(w, svc, td.arn);
  w.ecs.services.set(key, svc);
  return ok({ service: serviceJson(w, svc, false) });
};

function liveService(w: FakeWorld, input: Params, member = "service"): FakeService | OpResult {
  const c = cluster(w, input.cluster);
  if (!c) return clusterNotFound();
  const svc = w.ecs.services.get(`${c.name}/${nameOf(input[member])}`);
  if (!svc) return fail("ServiceNotFoundException", "Service not found.");
  if (svc.status !== "ACTIVE") return fail("ServiceNotActiveException", "Service was not ACTIVE.");
  return svc;
}
const isSvc = (v: FakeService | OpResult): v is FakeService => "arn" in v;

const updateService: Op = (w, input) => {
  const svc = liveService(w, input);
  if (!isSvc(svc)) return svc;
  advance(w, svc);
  let td = findTaskDef(w, svc.taskDefinition);
  if (input.taskDefinition !== undefined) {
    td = findTaskDef(w, input.taskDefinition);
    if (!td || td.status !== "ACTIVE") return fail("ClientException", "TaskDefinition not found.");
  }
  if (input.desiredCount !== undefined) svc.desiredCount = Number(input.desiredCount);
  const redeploy = ["taskDefinition", "networkConfiguration", "platformVersion", "forceNewDeployment"].some(
    (k) => input[k] !== undefined && input[k] !== false,
  );
  for (const k of ["networkConfiguration", "platformVersion", "deploymentConfiguration"])
    if (input[k] !== undefined) svc.input[k] = input[k];
  if (redeploy && td) newDeployment(w, svc, td.arn);
  else
    for (const d of svc.deployments)
      if (d.status === "PRIMARY") d.desiredCount = d.runningCount = svc.desiredCount;
  return ok({ service: serviceJson(w, svc, false) });
};

const deleteService: Op = (w, input) => {
  const svc = liveService(w, input);
  if (!isSvc(svc)) return svc;
  if (svc.desiredCount > 0 && input.force !== true)
    return invalid("The service cannot be stopped while it is scaled above 0.");
  svc.status = "INACTIVE";
  svc.desiredCount = 0;
  for (const t of w.ecs.tasks)
    if (t.group === `service:${svc.name}` && t.cluster === svc.cluster)
      t.lastStatus = t.desiredStatus = "STOPPED";
  return ok({ service: serviceJson(w, svc, false) });
};

const describeServices: Op = (w, input) => {
  const c = cluster(w, input.cluster);
  if (!c) return clusterNotFound();
  const services: Params[] = [];
  const failures: Params[] = [];
  for (const ref of (input.services as string[] | undefined) ?? []) {
    const svc = w.ecs.services.get(`${c.name}/${nameOf(ref)}`);
    if (svc) services.push(serviceJson(w, svc, withTags(input)));
    else failures.push({ arn: arnOf(w, "service", `${c.name}/${nameOf(ref)}`), reason: "MISSING" });
  }
  return ok({ services, failures });
};

function validateTaskDef(input: Params): OpResult | undefined {
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(String(input.family ?? "")))
    return fail("ClientException", "Family contains invalid characters.");
  const defs = input.containerDefinitions as Params[] | undefined;
  if (!defs?.length) return fail("ClientException", "Container list cannot be empty.");
  const fargate = ((input.requiresCompatibilities as string[] | undefined) ?? []).includes("FARGATE");
  if (!fargate) return undefined;
  if (input.networkMode !== "awsvpc")
    return fail("ClientException", "Fargate only supports network mode 'awsvpc'.");
  if (!FARGATE[String(input.cpu)]?.includes(Number(input.memory)))
    return fail(
      "ClientException",
      `No Fargate configuration exists for given values: ${String(input.cpu)} CPU, ${String(input.memory)} memory. See the Amazon ECS documentation for the valid combinations.`,
    );
  return undefined;
}

const registerTaskDefinition: Op = (w, input) => {
  const bad = validateTaskDef(input);
  if (bad) return bad;
  const family = String(input.family);
  const revision = w.ecs.taskDefs.filter((t) => t.family === family).length + 1;
  const { tags, ...body } = input;
  const td: FakeTaskDef = {
    arn: arnOf(w, "task-definition", `${family}:${revision}`),
    family,
    revision,
    status: "ACTIVE",
    body,
    tags: (tags as Tags | undefined) ?? [],
  };
  w.ecs.taskDefs.push(td);
  return ok({ taskDefinition: tdJson(td), tags: td.tags });
};

const describeTaskDefinition: Op = (w, input) => {
  const td = findTaskDef(w, input.taskDefinition);
  if (!td) return fail("ClientException", "Unable to describe task definition.");
  return ok({ taskDefinition: tdJson(td), ...(withTags(input) ? { tags: td.tags } : {}) });
};

const listTaskDefinitions: Op = (w, input) => {
  const prefix = String(input.familyPrefix ?? "");
  const status = String(input.status ?? "ACTIVE");
  const taskDefinitionArns = w.ecs.taskDefs
    .filter((t) => t.family.startsWith(prefix) && t.status === status)
    .map((t) => t.arn);
  return ok({ taskDefinitionArns });
};

const deregisterTaskDefinition: Op = (w, input) => {
  const td = findTaskDef(w, input.taskDefinition);
  if (!td || !String(input.taskDefinition).includes(":"))
    return fail("ClientException", "The specified task definition does not exist.");
  td.status = "INACTIVE";
  return ok({ taskDefinition: tdJson(td) });
};

function clusterJson(w: FakeWorld, name: string, tags: boolean): Params {
  const c = w.ecs.clusters.get(name);
  const active = [...w.ecs.services.values()].filter(
    (s) => s.cluster === name && s.status === "ACTIVE",
  ).length;
  const running = w.ecs.tasks.filter((t) => t.cluster === name && t.lastStatus === "RUNNING").length;
  return {
    clusterArn: c?.arn,
    clusterName: name,
    status: c?.status,
    activeServicesCount: active,
    runningTasksCount: running,
    pendingTasksCount: 0,
    ...(tags ? { tags: c?.tags ?? [] } : {}),
  };
}

const createCluster: Op = (w, input) => {
  const name = String(input.clusterName ?? "default");
  const have = w.ecs.clusters.get(name);
  if (have?.status !== "ACTIVE")
    w.ecs.clusters.set(name, {
      name,
      arn: arnOf(w, "cluster", name),
      status: "ACTIVE",
      tags: (input.tags as Tags | undefined) ?? [],
    });
  return ok({ cluster: clusterJson(w, name, false) });
};

const describeClusters: Op = (w, input) => {
  const clusters: Params[] = [];
  const failures: Params[] = [];
  for (const ref of (input.clusters as string[] | undefined) ?? ["default"]) {
    if (w.ecs.clusters.has(nameOf(ref))) clusters.push(clusterJson(w, nameOf(ref), withTags(input)));
    else failures.push({ arn: arnOf(w, "cluster", nameOf(ref)), reason: "MISSING" });
  }
  return ok({ clusters, failures });
};

const deleteCluster: Op = (w, input) => {
  const c = cluster(w, input.cluster);
  if (!c) return clusterNotFound();
  if ([...w.ecs.services.values()].some((s) => s.cluster === c.name && s.status === "ACTIVE"))
    return fail(
      "ClusterContainsServicesException",
      "The Cluster cannot be deleted while Services are active.",
    );
  c.status = "INACTIVE";
  return ok({ cluster: clusterJson(w, c.name, false) });
};

const listTasks: Op = (w, input) => {
  const c = cluster(w, input.cluster);
  if (!c) return clusterNotFound();
  const desired = String(input.desiredStatus ?? "RUNNING");
  const group = input.serviceName !== undefined ? `service:${nameOf(input.serviceName)}` : undefined;
  const taskArns = w.ecs.tasks
    .filter(
      (t) =>
        t.cluster === c.name && t.desiredStatus === desired && (group === undefined || t.group === group),
    )
    .map((t) => t.arn);
  return ok({ taskArns });
};

const describeTasks: Op = (w, input) => {
  const c = cluster(w, input.cluster);
  if (!c) return clusterNotFound();
  const refs = (input.tasks as string[] | undefined) ?? [];
  if (refs.length > 100) return invalid("Tasks cannot be longer than 100.");
  const tasks = w.ecs.tasks
    .filter((t) => refs.includes(t.arn))
    .map((t) => ({
      ...t,
      taskArn: t.arn,
      clusterArn: arnOf(w, "cluster", t.cluster),
      launchType: "FARGATE",
    }));
  const failures = refs
    .filter((r) => !tasks.some((t) => t.taskArn === r))
    .map((arn) => ({ arn, reason: "MISSING" }));
  return ok({ tasks, failures });
};

export const ECS_OPS: Record<string, Op> = {
  CreateCluster: createCluster,
  DescribeClusters: describeClusters,
  DeleteCluster: deleteCluster,
  RegisterTaskDefinition: registerTaskDefinition,
  DescribeTaskDefinition: describeTaskDefinition,
  ListTaskDefinitions: listTaskDefinitions,
  DeregisterTaskDefinition: deregisterTaskDefinition,
  CreateService: createService,
  UpdateService: updateService,
  DeleteService: deleteService,
  DescribeServices: describeServices,
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
};
