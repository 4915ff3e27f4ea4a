// The PURE planner of local/container: one resource, the container. Like a process, a container
// cannot change in place: a new image, env, secrets, command or port replace it.

import type { PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import { diffAttributes } from "../../src/plan/diff.js";
import { changeReason, requireLocalSecrets } from "../_shared/plan.js";

export interface LocalContainerOptions {
  port?: number;
  host: string;
  engine?: "docker" | "podman";
  stopTimeout: number;
}

export interface LocalContainerState {
  id: string;
  name: string;
  engine: string;
  image: string;
  command: string[];
  args: string[];
  host: string;
  /** Port on this machine. */
  port: number;
  /** Port the image listens on (service.container.port). */
  containerPort: number;
  env: Record<string, string>;
  secrets: Record<string, string>;
  running: boolean;
}

export type ContainerPlanRequest = PlanRequest<LocalContainerOptions, LocalContainerState>;

export function desiredContainer(req: ContainerPlanRequest): Record<string, unknown> {
  requireLocalSecrets(req.service.secrets, "local/container");
  const c = req.service.container;
  const o = req.target.options;
  const seen = req.observed?.secrets ?? {};
  const secrets: Record<string, string> = {};
  for (const n of Object.keys(req.service.secrets).sort()) secrets[n] = req.secretHashes[n] ?? seen[n] ?? "";
  return {
    image: c?.image ?? "",
    command: c?.command ?? [],
    args: c?.args ?? [],
    host: o.host,
    port: o.port ?? req.observed?.port ?? req.recorded?.port ?? "(a free port, kept across deploys)",
    containerPort: c?.port ?? 8080,
    env: { ...req.service.env },
    secrets,
  };
}

export function planContainer(req: ContainerPlanRequest): PlanResponse {
  const s = req.observed;
  const before = s
    ? {
        image: s.image,
        command: s.command,
        args: s.args,
        host: s.host,
        port: s.port,
        containerPort: s.containerPort,
        env: s.env,
        secrets: s.secrets,
      }
    : null;
  const after = desiredContainer(req);
  const diff = diffAttributes(before, after, { sensitive: ["secrets"], forcesReplace: Object.keys(after) });
  let action = diff.action;
  let reason = changeReason(action, diff.changedPaths, diff.replacePaths);
  if (s && !s.running) {
    action = "replace";
    reason = "the container is not running (it exited or was stopped)";
  } else if (action === "create") reason = "not running on this machine";
  const change: ResourceChange = {
    type: "container",
    name: req.name,
    action,
    before,
    after,
    sensitivePaths: diff.sensitivePaths,
    replacePaths: diff.replacePaths,
    dependsOn: [],
  };
  if (reason !== undefined) change.reason = reason;
  return { changes: [change] };
}
