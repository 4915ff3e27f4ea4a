// local/container: the service's container image run on this machine through docker or podman
// (whichever is on PATH), for the development environment. Same manifest, plan, state, health
// check, rollback and status as a cloud. Behaviour: container-cli.ts (the engine),
// container-plan.ts (pure), container-apply.ts.

import { defineTarget } from "../../src/core/provider.js";
import { apply, destroy, logs, read, rollback, status } from "./container-apply.js";
import { findEngine } from "./container-cli.js";
import type { ContainerClients } from "./container-cli.js";
import type { LocalContainerOptions, LocalContainerState } from "./container-plan.js";
import { planContainer } from "./container-plan.js";
import { whoamiContainer } from "./whoami.js";
import { localContainerInfo } from "./container-info.js";

export const localContainer = defineTarget<LocalContainerOptions, LocalContainerState, ContainerClients>({
  ...localContainerInfo,
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
