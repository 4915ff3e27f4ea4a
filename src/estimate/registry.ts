// The cost and cold-start model of every built-in platform, by platform id (PlatformInfo.id).

import type { PlatformModel } from "./model.js";
import { awsModels } from "./models/aws.js";
import { azureModels } from "./models/azure.js";
import { digitaloceanModels } from "./models/digitalocean.js";
import { firebaseModels } from "./models/firebase.js";
import { gcpModels } from "./models/gcp.js";
import { herokuModels } from "./models/heroku.js";
import { kubernetesModels } from "./models/kubernetes.js";

const MODELS: ReadonlyMap<string, PlatformModel> = new Map(
  [
    ...awsModels,
    ...azureModels,
    ...gcpModels,
    ...firebaseModels,
    ...digitaloceanModels,
    ...herokuModels,
    ...kubernetesModels,
  ].map((m) => [m.platform, m]),
);

/** The model of a platform, or undefined for a platform without one (a plugin's). */
export function platformModel(platform: string): PlatformModel | undefined {
  return MODELS.get(platform);
}

/** Every platform id that has a cost and a cold-start model. */
export function estimatedPlatforms(): string[] {
  return [...MODELS.keys()].sort();
}
