// The descriptor of gke (see ./gke.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import { checkExposure, endpointOption, gcpProject, kubernetesExposure } from "../_shared/options.js";
import { platformInfo } from "../../src/core/provider.js";
import { CLUSTER_TRAITS } from "../kubernetes/kubernetes-info.js";
export const gkeInfo = platformInfo<Record<string, unknown>>({
  id: "gcp/gke",
  provider: "gcp",
  platform: "gke",
  summary: "Deployment and Service on an existing GKE cluster (Autopilot or Standard)",
  kinds: ["container"],
  options: () =>
    z
      .strictObject({
        project: gcpProject,
        location: z
          .string()
          .regex(/^[a-z]+-[a-z]+\d+(-[a-z])?$/, {
            error: 'must be a region ("europe-west1") or a zone ("europe-west1-b")',
          })
          .meta({
            description: "Region of a regional cluster or zone of a zonal one.",
            examples: ["europe-west1", "us-central1-a"],
          }),
        cluster: z
          .string()
          .regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, {
            error:
              "must be a GKE cluster name: up to 40 lowercase letters, digits or '-', starting with a letter",
          })
          .meta({ description: "Name of the existing GKE cluster.", examples: ["apis-prod"] }),
        ...kubernetesExposure,
        endpoint: endpointOption("GKE (container.googleapis.com)", "http://127.0.0.1:8087").optional(),
      })
      .superRefine(checkExposure),
  ...CLUSTER_TRAITS,
});
