// The descriptor of appPlatform (see ./app-platform.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import { endpointOption } from "../_shared/options.js";
import { APP_PLATFORM_RUNTIMES } from "./app-source.js";
import type { AppOptions } from "./app-spec.js";
import { platformInfo } from "../../src/core/provider.js";

// app_spec.region of the OpenAPI: an enum of App Platform's regions (not datacenters).
const APP_REGIONS = ["atl", "nyc", "sfo", "tor", "ams", "fra", "lon", "blr", "sgp", "syd"] as const;

// app_component_instance_base.instance_size_slug of the OpenAPI, without the deprecated
// legacy slugs (basic-*, professional-*).
const INSTANCE_SIZES = [
  "apps-s-1vcpu-0.5gb",
  "apps-s-1vcpu-1gb-fixed",
  "apps-s-1vcpu-1gb",
  "apps-s-1vcpu-2gb",
  "apps-s-2vcpu-4gb",
  "apps-d-1vcpu-0.5gb",
  "apps-d-1vcpu-1gb",
  "apps-d-1vcpu-2gb",
  "apps-d-1vcpu-4gb",
  "apps-d-2vcpu-4gb",
  "apps-d-2vcpu-8gb",
  "apps-d-4vcpu-8gb",
  "apps-d-4vcpu-16gb",
  "apps-d-8vcpu-32gb",
] as const;

export const appPlatformInfo = platformInfo<AppOptions>({
  id: "digitalocean/app-platform",
  provider: "digitalocean",
  platform: "app-platform",
  summary: "DigitalOcean App Platform app: a service from a container image, or built from git",
  kinds: ["container", "function"],
  runtimes: APP_PLATFORM_RUNTIMES,
  options: () =>
    z.strictObject({
      region: z.enum(APP_REGIONS).meta({
        description:
          'App Platform region (app spec `region`). Required so a plan does not depend on "nearest available".',
        examples: ["fra", "nyc"],
      }),
      instanceSize: z
        .enum(INSTANCE_SIZES)
        .default("apps-s-1vcpu-0.5gb")
        .meta({
          description:
            "Instance size of the service (`instance_size_slug`): apps-s-* share vCPUs, apps-d-* are dedicated.",
          examples: ["apps-s-1vcpu-1gb", "apps-d-2vcpu-4gb"],
        }),
      git: z
        .strictObject({
          repo: z
            .string()
            .min(1)
            .meta({
              description:
                "Repository holding function.source: owner/name or a GitHub, GitLab or Bitbucket URL (through the account's integration), or any public clone URL.",
              examples: [
                "acme/shop",
                "https://github.com/acme/shop",
                "https://git.example.com/acme/shop.git",
              ],
            }),
          branch: z
            .string()
            .min(1)
            .default("main")
            .meta({
              description: "Branch App Platform builds; it always builds the branch's head.",
              examples: ["main"],
            }),
          via: z
            .enum(["git", "github", "gitlab", "bitbucket"])
            .optional()
            .meta({
              description:
                "How App Platform fetches the repository: `git` clones a public URL; the others use the account's integration. Default: from the host (github.com, gitlab.com, bitbucket.org), else `git`.",
              examples: ["git"],
            }),
        })
        .optional()
        .meta({
          description:
            "For a source build (a `function` service): the repository and branch App Platform builds. The deployed commit is the work tree's HEAD, which must be pushed to that branch.",
          examples: [{ repo: "acme/shop", branch: "main" }],
        }),
      buildCommand: z
        .string()
        .min(1)
        .optional()
        .meta({
          description: "Source builds: a command run after the buildpack's own build.",
          examples: ["npm run build"],
        }),
      runCommand: z
        .string()
        .min(1)
        .optional()
        .meta({
          description:
            "Source builds: the command that starts the server (listening on $PORT). Default: the Procfile's web process, or the buildpack's (npm start).",
          examples: ["node server.js"],
        }),
      endpoint: endpointOption("DigitalOcean", "http://127.0.0.1:8088").optional(),
    }),
  // From the instance sizes above: 0.5-32 GB, 1-8 vCPU. The edge (CDN) in front of every app
  // gives up on a response that has not started within 100 s.
  limits: { memory: [512, 32768], cpu: [1, 8], timeoutMs: 100_000 },
  capabilities: { nativeRollback: "app rollback", coldStart: "always on", scalesToZero: false },
  // app_spec.name: ^[a-z][a-z0-9-]{0,30}[a-z0-9]$
  naming: {
    resource: "App Platform app",
    maxLength: 32,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  concurrency: 8,
});
