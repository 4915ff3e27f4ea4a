// The fourteen platforms of `apiship providers`, each as the reliability test and the `faults`
// benchmark run it: its fake(s) started with seeded faults, a one-target project written, the
// variables that point the CLI at the fake, and what the fake holds afterwards (duplicates(),
// leftovers()). One builder file per provider under platforms/.

import type { Platform } from "./platform-kit.js";
import { ecsFargate, lambda } from "./platforms/aws.js";
import { aks, appService, functions as azureFunctions } from "./platforms/azure.js";
import { appPlatform, doFunctions, droplet } from "./platforms/digitalocean.js";
import { cloudFunctions, cloudRun, firebase, gke } from "./platforms/gcp.js";
import { heroku } from "./platforms/heroku.js";
import { kubernetes } from "./platforms/kubernetes.js";

export type { Faults, Platform, Site } from "./platform-kit.js";
export { ENVIRONMENT } from "./platform-kit.js";

export const PLATFORMS: readonly Platform[] = [
  lambda,
  ecsFargate,
  azureFunctions,
  appService,
  aks,
  cloudRun,
  cloudFunctions,
  gke,
  firebase,
  appPlatform,
  doFunctions,
  droplet,
  heroku,
  kubernetes,
];

/** The faults the issue measured against: 20% throttling, then 10% of the rest a 5xx. */
export const FAULTS = { throttleRate: 0.2, errorRate: 0.1 } as const;
