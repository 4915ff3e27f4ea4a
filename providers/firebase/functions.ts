// Cloud Functions for Firebase: a 2nd-gen Cloud Function in a Firebase project, optionally
// routed from a Firebase Hosting site by a rewrite; rollback re-releases the previous Hosting
// version (DESIGN.md §7). Descriptor only; the behaviour lands later.

import { z } from "zod";
import { defineTarget } from "../../src/core/provider.js";
import { endpointOption, gcpProject, gcpRegion, mapRuntime } from "../_shared/options.js";

// The languages Firebase deploys functions in (Node.js and Python), versions not deprecated.
export const FIREBASE_FUNCTIONS_RUNTIMES = [
  "nodejs20",
  "nodejs22",
  "python3.10",
  "python3.11",
  "python3.12",
] as const;

export const functions = defineTarget({
  id: "firebase/functions",
  provider: "firebase",
  platform: "functions",
  summary: "Cloud Functions for Firebase (2nd gen), optionally behind a Firebase Hosting rewrite",
  kinds: ["function"],
  runtimes: FIREBASE_FUNCTIONS_RUNTIMES,
  options: z.strictObject({
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
            description: "Hosting site. Default: the project's default site.",
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

/** firebase.json's spelling: nodejs22 → "nodejs22", python3.12 → "python312". */
export function runtimeId(neutral: string): string {
  return mapRuntime(
    functions.id,
    FIREBASE_FUNCTIONS_RUNTIMES,
    neutral,
    (r) => `${r.language}${r.major}${r.minor ?? ""}`,
  );
}
