// Cloud Functions for Firebase: a 2nd-gen Cloud Function in a Firebase project, optionally
// routed from a Firebase Hosting site by a rewrite; rollback re-releases the previous Hosting
// version (DESIGN.md §7). Behaviour: compose.ts hands the function to the gcp/cloud-functions
// adapter (the declared helper: same API, same resources) and the site to hosting.ts.
// Nothing here loads an SDK: clients.ts imports them inside createClients.

import { defineTarget, isDeployable } from "../../src/core/provider.js";
import type { TargetAdapter } from "../../src/core/provider.js";
import { pathSegment, text, viaEndpoint } from "../_shared/console.js";
import { mapRuntime } from "../_shared/options.js";
import { cloudFunctions } from "../gcp/cloud-functions.js";
import type { FirebaseClients } from "./clients.js";
import { composeFirebase } from "./compose.js";
import type { FirebaseOptions, FirebaseState, FunctionAdapter } from "./compose.js";
import { FIREBASE_FUNCTIONS_RUNTIMES, functionsInfo } from "./functions-info.js";

export { FIREBASE_FUNCTIONS_RUNTIMES } from "./functions-info.js";

// Until gcp/cloud-functions has its behaviour, firebase/functions stays a descriptor too, and the
// engine reports it as not yet deployable instead of failing mid-deploy.
const gcp = cloudFunctions as TargetAdapter;
const behaviour = isDeployable(gcp) ? composeFirebase(gcp as unknown as FunctionAdapter) : {};

export const functions = defineTarget<FirebaseOptions, FirebaseState, FirebaseClients>({
  ...functionsInfo,
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
