// Google Cloud Run, Cloud Functions (2nd gen), GKE and Firebase against the GCP fake (and the
// Hosting and Kubernetes fakes beside it), reached through gcloud's endpoint override variables
// with a static GOOGLE_OAUTH_ACCESS_TOKEN, so no Application Default Credentials are looked up.
// A loopback server stands in for the Run service and the function; Firebase's health check
// goes through the Hosting fake's CDN, under its faults.

import { startFirebaseFake } from "../../fakes/firebase/index.js";
import type { FirebaseFake } from "../../fakes/firebase/index.js";
import { startGcpFake } from "../../fakes/gcp/index.js";
import type { GcpFake, Json } from "../../fakes/gcp/index.js";
import { startKubeFake } from "../../fakes/kubernetes/server.js";
import type { Faults, Platform, Site } from "../platform-kit.js";
import {
  FaultSwitch,
  SECRET_VALUE,
  SECRET_VAR,
  loopbackHealth,
  manifestText,
  over,
  remaining,
  repeated,
  writeProject,
} from "../platform-kit.js";
import { kubeInventory, kubeKnobs } from "./kubernetes.js";

const PROJECT = "acme-faults";
const REGION = "europe-west1";

const gcpEnv = (gcp: GcpFake) => ({
  CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${gcp.url}/`,
  CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: `${gcp.url}/`,
  CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER: `${gcp.url}/`,
  GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.faults-static-token",
  APISHIP_GCP_POLL_MS: "5",
  APISHIP_GKE_POLL_MS: "5",
  [SECRET_VAR]: SECRET_VALUE,
});

/** Run services, functions and their revisions: what Cloud Run, Cloud Functions and Firebase share. */
function serverless(gcp: GcpFake): Pick<Site, "duplicates" | "leftovers"> {
  const w = gcp.world;
  return {
    duplicates: () => [
      ...over(1, { "Run services": w.services.size, functions: w.functions.size }),
      // A revision per distinct template: a second one of the same template is an update sent again.
      ...repeated(
        "revision of template",
        w.revisions.values(),
        (r: Json) => `${String(r.service)} ${String(r.templateHash)}`,
      ),
      ...[...w.policies].flatMap(([svc, p]) =>
        repeated(`${svc} binding`, (p.bindings as Json[] | undefined) ?? [], (b) => String(b.role)),
      ),
    ],
    leftovers: () =>
      remaining({
        "Run services": w.services.size,
        functions: w.functions.size,
        revisions: w.revisions.size,
      }),
  };
}

async function serverlessSite(dir: string, faults: Faults, code: string, platform: string): Promise<Site> {
  const health = await loopbackHealth();
  const sw = new FaultSwitch(faults);
  const url = health.url.replace(/\/$/, "");
  const gcp = await startGcpFake({ knobs: { ...sw.knobs(), serviceUri: () => url, functionUrl: () => url } });
  sw.track(gcp.knobs);
  writeProject(
    dir,
    manifestText({
      code,
      target: `provider: gcp, platform: ${platform}, project: ${PROJECT}, region: ${REGION}`,
    }),
  );
  return {
    env: gcpEnv(gcp),
    apiRequests: () => gcp.requests.length,
    faults: (on) => sw.set(on),
    ...serverless(gcp),
    close: async () => {
      await gcp.close();
      await health.close();
    },
  };
}

export const cloudRun: Platform = {
  id: "gcp/cloud-run",
  seed: 301,
  start: (dir, faults) =>
    serverlessSite(dir, faults, 'container: { image: "ghcr.io/acme/shop:1", port: 8080 }', "cloud-run"),
};

export const cloudFunctions: Platform = {
  id: "gcp/cloud-functions",
  seed: 302,
  start: (dir, faults) =>
    serverlessSite(
      dir,
      faults,
      "function: { runtime: nodejs22, handler: index.handler, source: ./src, interface: native }",
      "cloud-functions",
    ),
};

export const gke: Platform = {
  id: "gcp/gke",
  seed: 303,
  async start(dir, faults) {
    const sw = new FaultSwitch(faults);
    const kube = await startKubeFake({ cluster: kubeKnobs(), faults: sw.knobs(1) });
    sw.track(kube.knobs);
    const gcp = await startGcpFake({ knobs: sw.knobs(0) });
    sw.track(gcp.knobs);
    // The cluster exists before apiship, which only reads it (endpoint and CA) from the Container API.
    gcp.world.addCluster({
      project: PROJECT,
      location: REGION,
      name: "apis",
      endpoint: kube.url,
      caCertificate: "",
    });
    writeProject(
      dir,
      manifestText({
        code: 'container: { image: "ghcr.io/acme/shop:1", port: 8080 }',
        target: `provider: gcp, platform: gke, project: ${PROJECT}, location: ${REGION}, cluster: apis, namespace: apis`,
      }),
    );
    return {
      env: gcpEnv(gcp),
      apiRequests: () => gcp.requests.length + kube.requests.length,
      faults: (on) => sw.set(on),
      ...kubeInventory(kube),
      close: async () => {
        await gcp.close();
        await kube.close();
      },
    };
  },
};

/** The sites apiship made: a project's DEFAULT_SITE is Firebase's, there before and after. */
const userSites = (fb: FirebaseFake) =>
  [...fb.world.sites.values()].filter((s) => s.site.type === "USER_SITE");

export const firebase: Platform = {
  id: "firebase/functions",
  seed: 401,
  async start(dir, faults) {
    const sw = new FaultSwitch(faults);
    const gcp = await startGcpFake({ knobs: sw.knobs(0) });
    sw.track(gcp.knobs);
    const fb = await startFirebaseFake({ gcp, knobs: sw.knobs(1) });
    sw.track(fb.knobs);
    writeProject(
      dir,
      manifestText({
        code: "function: { runtime: nodejs22, handler: index.handler, source: ./src, interface: native }",
        target: `provider: firebase, project: ${PROJECT}, region: ${REGION}, hosting: {}`,
      }),
    );
    const fns = serverless(gcp);
    return {
      env: {
        ...gcpEnv(gcp),
        CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING: `${fb.url}/v1beta1/`,
        APISHIP_FIREBASE_RETRY_MS: "1",
      },
      // fb.requests holds the Hosting API's own requests (not its CDN, not what it proxies).
      apiRequests: () => gcp.requests.length + fb.requests.length,
      faults: (on) => sw.set(on),
      duplicates: () => [
        ...fns.duplicates(),
        ...over(1, { "Hosting sites": userSites(fb).length }),
        ...userSites(fb).flatMap((s) =>
          over(1, {
            [`${String(s.site.name)} versions`]: s.versions.size,
            [`${String(s.site.name)} releases`]: s.releases.length,
          }),
        ),
      ],
      leftovers: () => [...fns.leftovers(), ...remaining({ "Hosting sites": userSites(fb).length })],
      close: async () => {
        await fb.close();
        await gcp.close();
      },
    };
  },
};
