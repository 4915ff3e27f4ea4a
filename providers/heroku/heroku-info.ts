// The descriptor of heroku (see ./heroku.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import { endpointOption } from "../_shared/options.js";
import { DYNO_SIZES } from "./dynos.js";
import type { HerokuOptions } from "./plan.js";
import { platformInfo } from "../../src/core/provider.js";

// Languages of Heroku's official buildpacks, at versions they build today. The buildpack detects
// the language from the source (package.json, requirements.txt, go.mod, ...); the runtime here
// is checked against what Heroku supports and names the buildpack expected.
export const HEROKU_RUNTIMES = [
  "nodejs20",
  "nodejs22",
  "python3.11",
  "python3.12",
  "go1.22",
  "java17",
  "java21",
  "ruby3.3",
  "php8.3",
] as const;

export const herokuInfo = platformInfo<HerokuOptions>({
  id: "heroku/heroku",
  provider: "heroku",
  platform: "heroku",
  summary: "Heroku app: a container image, or function.source built by Heroku's buildpacks",
  kinds: ["container", "function"],
  runtimes: HEROKU_RUNTIMES,
  options: () =>
    z.strictObject({
      app: z
        .string()
        // The schema's app name pattern.
        .regex(/^[a-z][a-z0-9-]{1,28}[a-z0-9]$/, {
          error: "must be 3-30 lowercase letters, digits or '-', starting with a letter",
        })
        .meta({
          description: "App name, which is also its herokuapp.com host. Default: the stack's physical name.",
          examples: ["sentiment-api-prod"],
        })
        .optional(),
      region: z
        .enum(["us", "eu"])
        .default("us")
        .meta({ description: "Common Runtime region of the app.", examples: ["eu"] }),
      stack: z
        .enum(["container", "heroku-24", "heroku-22"])
        .default("container")
        .meta({
          description:
            "Stack of the app. `container` runs the pushed image; heroku-24/22 are the buildpack stacks.",
          examples: ["container"],
        }),
      dynoSize: z
        .enum(DYNO_SIZES)
        .default("basic")
        .meta({
          description:
            "Dyno size of the web process. `eco` dynos sleep after 30 idle minutes; private-*/shield-* need a Private Space.",
          examples: ["standard-1x", "performance-m"],
        }),
      team: z
        .string()
        .regex(/^[a-z][a-z0-9-]*$/, { error: "must be a team name: lowercase letters, digits and '-'" })
        .meta({
          description: "Team that owns the app. Default: the authenticated user's personal account.",
          examples: ["acme"],
        })
        .optional(),
      endpoint: endpointOption("Heroku Platform", "http://127.0.0.1:8089").optional(),
    }),
  // The router ends a request that has not started its response within 30 s (H12); a process
  // type scales to 100 dynos.
  limits: { memory: [512, 65536], timeoutMs: 30_000, maxInstances: 100 },
  capabilities: {
    nativeRollback: "release rollback",
    coldStart: "dyno type (eco dynos sleep when idle)",
    scalesToZero: false,
  },
  // app.name: ^[a-z][a-z0-9-]{1,28}[a-z0-9]$
  naming: { resource: "Heroku app", maxLength: 30, lowercase: true, extraChars: "-", startsWithLetter: true },
  concurrency: 8,
});
