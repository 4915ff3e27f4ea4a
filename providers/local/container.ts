// local/container: the service's container image run on this machine through docker or podman
// (whichever is on PATH), for the development environment. Same manifest, plan, state, health
// check, rollback and status as a cloud. Behaviour: container-cli.ts (the engine),
// container-plan.ts (pure), container-apply.ts.

import { z } from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { apply, destroy, logs, read, rollback, status } from "./container-apply.js";
import { findEngine } from "./container-cli.js";
import type { ContainerClients } from "./container-cli.js";
import type { LocalContainerOptions, LocalContainerState } from "./container-plan.js";
import { planContainer } from "./container-plan.js";

export const localContainer = defineTarget<LocalContainerOptions, LocalContainerState, ContainerClients>({
  id: "local/container",
  provider: "local",
  platform: "container",
  summary: "The service's container image run on this machine by docker or podman (development)",
  kinds: ["container"],
  options: z.strictObject({
    port: z
      .int()
      .min(1)
      .max(65535)
      .meta({
        description: "Port on this machine. Default: a free port, chosen once and kept across deploys.",
        examples: [8080],
      })
      .optional(),
    host: z
      .string()
      .min(1)
      .default("127.0.0.1")
      .meta({ description: "Interface the port is published on.", examples: ["127.0.0.1", "0.0.0.0"] }),
    engine: z
      .enum(["docker", "podman"])
      .meta({
        description: "Container engine CLI. Default: docker, else podman, from PATH.",
        examples: ["podman"],
      })
      .optional(),
    stopTimeout: z
      .int()
      .min(0)
      .max(300)
      .default(10)
      .meta({ description: "Seconds a container has to stop before it is killed.", examples: [10] }),
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
  read,
  plan: planContainer,
  apply,
  destroy,
  status,
  rollback,
  logs,
});
