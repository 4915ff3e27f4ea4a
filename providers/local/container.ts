// local/container: the service's container image run on this machine through docker or podman
// (whichever is on PATH), for the development environment. Same manifest, plan, state, health
// check, rollback and status as a cloud. Behaviour: container-cli.ts (the engine),
// container-plan.ts (pure), container-apply.ts.

import * as z from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { apply, destroy, logs, read, rollback, status } from "./container-apply.js";
import { findEngine } from "./container-cli.js";
import type { ContainerClients } from "./container-cli.js";
import type { LocalContainerOptions, LocalContainerState } from "./container-plan.js";
import { planContainer } from "./container-plan.js";
import { hostOption, portOption, stopTimeoutOption } from "./shared.js";
import { whoamiContainer } from "./whoami.js";

export const localContainer = defineTarget<LocalContainerOptions, LocalContainerState, ContainerClients>({
  id: "local/container",
  provider: "local",
  platform: "container",
  summary: "The service's container image run on this machine by docker or podman (development)",
  kinds: ["container"],
  options: z.strictObject({
    port: portOption.optional(),
    host: hostOption,
    engine: z
      .enum(["docker", "podman"])
      .optional()
      .meta({
        description: "Container engine CLI. Default: docker, else podman, from PATH.",
        examples: ["podman"],
      }),
    stopTimeout: stopTimeoutOption(10),
  }),
  limits: {},
  capabilities: {
    nativeRollback: "run of the previous image",
    coldStart: "none (always running)",
    scalesToZero: false,
  },
  // Docker: [a-zA-Z0-9][a-zA-Z0-9_.-]+
  naming: {
    resource: "container",
    maxLength: 128,
    lowercase: false,
    extraChars: "_.-",
    startsWithLetter: true,
  },
  concurrency: 8,
  createClients: (cfg) => findEngine(cfg.env, (cfg.target.options as Partial<LocalContainerOptions>).engine),
  whoami: whoamiContainer,
  read,
  plan: planContainer,
  apply,
  destroy,
  status,
  rollback,
  logs,
});
