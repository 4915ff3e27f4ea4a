// Task definition revisions: one container (image, port, Fargate size, env, secrets, command,
// container health check, awslogs) per revision. A change registers a new revision and leaves
// the old ones ACTIVE: they are what the circuit breaker and `rollback` go back to.
//
// env: and file: secrets are resolved by the engine and become plain `environment` entries:
// their values are then held by the task definition (readable with ecs:DescribeTaskDefinition),
// never by apiship's state, plan or logs, which keep only a keyed hash. aws-sm: secrets are
// `secrets` with `valueFrom`, fetched by ECS at task start through the execution role.

import type { ContainerDefinition, TaskDefinition } from "@aws-sdk/client-ecs";
import { ProviderError } from "../../src/errors.js";
import { decodeFingerprints, encodeFingerprints } from "../_shared/fingerprints.js";
import type { EcsClients } from "./clients.js";
import { aws, mapAwsError } from "./errors.js";
import type { EcsCtx } from "./ecs-network.js";
import { CONTAINER, TAG_STACK, ownerTags } from "./ecs-state.js";
import type { TaskDefAttrs, TaskDefState } from "./ecs-state.js";

const HEALTH_LABEL = "apiship.health-path";
/**
 * The fingerprints (keyed hashes, never values) of the secrets a revision holds, as a docker
 * label of its container: they travel with the revision, so read() compares what the service
 * runs, not what the state recorded. An apply that registered and rolled out a revision but
 * was never recorded (a failed run, a retry) is then seen as done instead of registering the
 * same revision again.
 */
const SECRETS_LABEL = "apiship.secret-fingerprints";

const roleNameOfArn = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

/** TaskDefState of a live revision; env values of `secretNames` are replaced by their known hashes. */
export function toTaskDefState(
  td: TaskDefinition,
  region: string,
  secretNames: readonly string[],
  knownHashes: Record<string, string>,
): TaskDefState {
  const c: ContainerDefinition = td.containerDefinitions?.find((x) => x.name === CONTAINER) ?? {};
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const hashes = { ...knownHashes, ...decodeFingerprints(c.dockerLabels?.[SECRETS_LABEL]) };
  for (const { name = "", value = "" } of c.environment ?? []) {
    // A secret's value never leaves this function: only the fingerprint the revision carries.
    if (secretNames.includes(name)) secrets[name] = hashes[name] ?? "";
    else env[name] = value;
  }
  return {
    region,
    family: td.family ?? "",
    image: c.image ?? "",
    port: c.portMappings?.[0]?.containerPort ?? 0,
    cpu: td.cpu ?? "",
    memory: td.memory ?? "",
    command: c.entryPoint?.length ? [...c.entryPoint] : null,
    args: c.command?.length ? [...c.command] : null,
    env,
    secrets,
    secretRefs: Object.fromEntries((c.secrets ?? []).map((s) => [s.name ?? "", s.valueFrom ?? ""])),
    healthPath: c.dockerLabels?.[HEALTH_LABEL] ?? "",
    logGroup: c.logConfiguration?.options?.["awslogs-group"] ?? "",
    executionRole: roleNameOfArn(td.executionRoleArn ?? ""),
    arn: td.taskDefinitionArn ?? "",
    revision: td.revision ?? 0,
  };
}

/** The live revision (by ARN or family), or undefined when there is none. */
export async function describeTaskDef(
  c: EcsClients,
  ref: string,
  stackId: string,
): Promise<TaskDefinition | undefined> {
  let out;
  try {
    out = await c.ecs.send(
      new c.sdk.ecs.DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ["TAGS"] }),
    );
  } catch (e) {
    const err = mapAwsError(e, "DescribeTaskDefinition", c.target);
    // ECS answers a missing family or revision with a plain ClientException.
    if (err.code === "ClientException" && /unable to describe task definition/i.test(err.message))
      return undefined;
    throw err;
  }
  const owner = out.tags?.find((t) => t.key === TAG_STACK)?.value;
  if (owner !== stackId) {
    throw new ProviderError(
      `task definition ${ref} exists but belongs to ${owner ? `stack ${owner}` : "no apiship stack"}`,
      {
        code: "NOT_OWNED",
        fault: "user",
        target: c.target,
        hint: "apiship does not adopt a task definition family it did not create; deploy under another target name",
      },
    );
  }
  return out.taskDefinition;
}

function healthCheck(port: number, path: string, timeoutMs: number) {
  const url = `http://localhost:${port}${path}`;
  const timeout = Math.min(60, Math.max(2, Math.ceil(timeoutMs / 1000)));
  // Images carry curl, wget or Python (the FastAPI case) but rarely all: try each in turn.
  const probe = [
    `curl -fsS -o /dev/null ${url}`,
    `wget -q -O /dev/null ${url}`,
    `python3 -c "import urllib.request; urllib.request.urlopen('${url}', timeout=${timeout})"`,
  ].join(" || ");
  return { command: ["CMD-SHELL", `${probe} || exit 1`], interval: 30, timeout, retries: 3, startPeriod: 60 };
}

export async function registerTaskDef(
  ctx: EcsCtx,
  want: TaskDefAttrs,
  roleArn: string,
  secretValues: Record<string, string>,
  healthTimeoutMs: number,
): Promise<TaskDefinition> {
  const c = ctx.clients;
  const environment = Object.entries({ ...want.env, ...secretValues })
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  const container: ContainerDefinition = {
    name: CONTAINER,
    image: want.image,
    essential: true,
    portMappings: [{ containerPort: want.port, protocol: "tcp" }],
    environment,
    secrets: Object.entries(want.secretRefs).map(([name, valueFrom]) => ({ name, valueFrom })),
    ...(want.command ? { entryPoint: want.command } : {}),
    ...(want.args ? { command: want.args } : {}),
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": want.logGroup,
        "awslogs-region": want.region,
        "awslogs-stream-prefix": CONTAINER,
      },
    },
    healthCheck: healthCheck(want.port, want.healthPath, healthTimeoutMs),
    dockerLabels: {
      [HEALTH_LABEL]: want.healthPath,
      ...(Object.keys(want.secrets).length > 0 ? { [SECRETS_LABEL]: encodeFingerprints(want.secrets) } : {}),
    },
  };
  const tags = Object.entries(ownerTags(ctx.stack.id, ctx.target.name)).map(([key, value]) => ({
    key,
    value,
  }));
  ctx.progress.step("register task definition");
  const out = await aws("RegisterTaskDefinition", c.target, () =>
    c.ecs.send(
      new c.sdk.ecs.RegisterTaskDefinitionCommand({
        family: want.family,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: want.cpu,
        memory: want.memory,
        executionRoleArn: roleArn,
        containerDefinitions: [container],
        tags,
      }),
    ),
  );
  ctx.progress.done("register task definition");
  return out.taskDefinition ?? {};
}

/** Deregisters every ACTIVE revision of the family (an exact match, not the prefix ECS filters by). */
export async function deregisterFamily(c: EcsClients, family: string): Promise<void> {
  const out = await aws("ListTaskDefinitions", c.target, () =>
    c.ecs.send(new c.sdk.ecs.ListTaskDefinitionsCommand({ familyPrefix: family, status: "ACTIVE" })),
  );
  const ours = (out.taskDefinitionArns ?? []).filter(
    (arn) => arn.split("/").pop()?.replace(/:\d+$/, "") === family,
  );
  for (const arn of ours) {
    await aws("DeregisterTaskDefinition", c.target, () =>
      c.ecs.send(new c.sdk.ecs.DeregisterTaskDefinitionCommand({ taskDefinition: arn })),
    );
  }
}
