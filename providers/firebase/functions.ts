// Cloud Functions for Firebase: a 2nd-gen Cloud Function in a Firebase project, optionally
// routed from a Firebase Hosting site by a rewrite; rollback re-releases the previous Hosting
// version (DESIGN.md §7). Behaviour: compose.ts hands the function to the gcp/cloud-functions
// adapter (the declared helper: same API, same resources) and the site to hosting.ts.
// Nothing here loads an SDK: clients.ts imports them inside createClients.

import * as z from "zod";
import { defineTarget, isDeployable } from "../../src/core/provider.js";
import type { TargetAdapter } from "../../src/core/provider.js";
import { pathSegment, text, viaEndpoint } from "../_shared/console.js";
import { endpointOption, gcpProject, gcpRegion, mapRuntime } from "../_shared/options.js";
import { cloudFunctions } from "../gcp/cloud-functions.js";
import type { FirebaseClients } from "./clients.js";
import { composeFirebase } from "./compose.js";
import type { FirebaseOptions, FirebaseState, FunctionAdapter } from "./compose.js";

// Until gcp/cloud-functions has its behaviour, firebase/functions stays a descriptor too, and the
// engine reports it as not yet deployable instead of failing mid-deploy.
const gcp = cloudFunctions as TargetAdapter;
const behaviour = isDeployable(gcp) ? composeFirebase(gcp as unknown as FunctionAdapter) : {};

// The languages Firebase deploys functions in (Node.js and Python), versions not deprecated.
export const FIREBASE_FUNCTIONS_RUNTIMES = [
  "nodejs20",
  "nodejs22",
  "python3.10",
  "python3.11",
  "python3.12",
] as const;

export const functions = defineTarget<FirebaseOptions, FirebaseState, FirebaseClients>({
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
  ...behaviour,
  // The project's Functions logs page in the Firebase console (every function of the project).
  consoleUrl: (target, state) => {
    if (viaEndpoint(target.options)) return undefined;
    const project =
      text((state?.function as { project?: unknown } | undefined)?.project) ?? target.options.project;
    return `https://console.firebase.google.com/project/${pathSegment(project)}/functions/logs`;
  },
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
