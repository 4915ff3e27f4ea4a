// The descriptor of localContainer (see ./container.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import type { LocalContainerOptions } from "./container-plan.js";
import { hostOption, portOption, stopTimeoutOption } from "./shared.js";
import { platformInfo } from "../../src/core/provider.js";
export const localContainerInfo = platformInfo<LocalContainerOptions>({
  id: "local/container",
  provider: "local",
  platform: "container",
  summary: "The service's container image run on this machine by docker or podman (development)",
  kinds: ["container"],
  options: () =>
    z.strictObject({
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
});
