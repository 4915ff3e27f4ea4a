// The PURE planner of local/container: one resource, the container. Like a process, a container
// cannot change in place: a new image, env, secrets, command or port replace it.

import type { PlanRequest, PlanResponse } from "../../src/core/provider.js";
import { requireLocalSecrets } from "../_shared/plan.js";
import { checkLocalAccess, replaceOnlyChange, secretHashesOf } from "./shared.js";

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
  return {
    image: c?.image ?? "",
    command: c?.command ?? [],
    args: c?.args ?? [],
    host: o.host,
    port: o.port ?? req.observed?.port ?? req.recorded?.port ?? "(a free port, kept across deploys)",
    containerPort: c?.port ?? 8080,
    env: { ...req.service.env },
    secrets: secretHashesOf(req.service.secrets, req.secretHashes, req.observed?.secrets),
  };
}

export function planContainer(req: ContainerPlanRequest): PlanResponse {
  checkLocalAccess(req.service.access, req.target.options.host, "local/container", req.target.name);
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
  return { changes: [replaceOnlyChange("container", req.name, before, after, s?.running)] };
}
