// The descriptor of firebase/functions (see ./functions.ts for the behaviour): its options
// schema, kinds, limits and naming, plain data the registry lists without loading the code that
// plans, deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import { platformInfo } from "../../src/core/provider.js";
import { endpointOption, gcpProject, gcpRegion } from "../_shared/options.js";
import type { FirebaseOptions } from "./compose.js";

// The languages Firebase deploys functions in (Node.js and Python), versions not deprecated.
export const FIREBASE_FUNCTIONS_RUNTIMES = [
  "nodejs20",
  "nodejs22",
  "python3.10",
  "python3.11",
  "python3.12",
] as const;

export const functionsInfo = platformInfo<FirebaseOptions>({
  id: "firebase/functions",
  provider: "firebase",
  platform: "functions",
  summary: "Cloud Functions for Firebase (2nd gen), optionally behind a Firebase Hosting rewrite",
  kinds: ["function"],
  runtimes: FIREBASE_FUNCTIONS_RUNTIMES,
  options: () =>
    z.strictObject({
      project: gcpProject.meta({ description: "Firebase project id.", examples: ["acme-web"] }),
      region: gcpRegion.default("us-central1").meta({
        description: "Region of the function (Firebase's default is us-central1).",
        examples: ["europe-west1"],
      }),
      hosting: z
        .strictObject({
          site: z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
              error: "must be a Hosting site id: lowercase letters, digits and '-'",
            })
            .meta({
              description:
                "Hosting site id (globally unique: it is the <site>.web.app host). Default: a site named after the target's physical name, created by apiship. Name the project's default site (its project id) to deploy there.",
              examples: ["acme-web-api"],
            })
            .optional(),
          path: z
            .string()
            .regex(/^\/\S*$/, { error: 'must be a path glob starting with "/", e.g. "/api/**"' })
            .default("/api/**")
            .meta({
              description: "Rewrite source: requests matching this glob go to the function.",
              examples: ["/v1/**"],
            }),
        })
        .meta({
          description:
            "Serve the function from a Firebase Hosting site through a rewrite. Default: no Hosting.",
          examples: [{ site: "acme-web", path: "/api/**" }],
        })
        .optional(),
      endpoint: endpointOption("Cloud Functions and Firebase Hosting", "http://127.0.0.1:5001").optional(),
    }),
  // Cloud Functions 2nd gen limits.
  limits: { memory: [128, 32768], cpu: [0.083, 8], timeoutMs: 3_600_000, maxInstances: 1000 },
  capabilities: { nativeRollback: "hosting release", coldStart: "min instances", scalesToZero: true },
  naming: {
    resource: "Firebase function",
    maxLength: 63,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  concurrency: 8,
});
