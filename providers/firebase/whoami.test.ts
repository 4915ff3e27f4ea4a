// whoami() of firebase/functions against the GCP and Firebase Hosting fakes, reached as the e2e
// tests reach them (gcloud's endpoint overrides): the function half's identity and Cloud
// Functions read, then one page of the project's Hosting sites; a Cloud Functions failure is
// reported as the reach without asking Hosting.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ctxFor, targetOf } from "../../test/fakes/_shared/ctx.js";
import { startFirebaseFake } from "../../test/fakes/firebase/index.js";
import type { FirebaseFake } from "../../test/fakes/firebase/index.js";
import { startGcpFake } from "../../test/fakes/gcp/index.js";
import type { GcpFake } from "../../test/fakes/gcp/index.js";
import { functions } from "./functions.js";

const ONCE = { maxAttempts: 1, baseMs: 1, capMs: 1, maxWaitMs: 1 };
let gcp: GcpFake;
let fb: FirebaseFake;
beforeEach(async () => {
  gcp = await startGcpFake();
  fb = await startFirebaseFake({ gcp });
});
afterEach(async () => {
  await fb.close();
  await gcp.close();
});

async function whoami(project: string) {
  const env = {
    GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.test",
    CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING: `${fb.url}/v1beta1/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: `${gcp.url}/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${gcp.url}/`,
  };
  const options = functions.options.parse({ project, region: "europe-west1" }) as unknown as Record<
    string,
    unknown
  >;
  const t = targetOf("firebase/functions", options);
  const clients = await functions.createClients!({ target: t, env, retry: ONCE });
  return functions.whoami!(ctxFor(clients, t));
}

describe("firebase whoami", () => {
  it("the function half's identity, Cloud Functions and Hosting answering", async () => {
    const id = await whoami("acme-web");
    expect(id).toEqual({
      principal: "the access token in GOOGLE_OAUTH_ACCESS_TOKEN",
      account: "project acme-web",
      detail: "its holder is not looked up",
      reach: {
        ok: true,
        detail:
          "Cloud Functions answered in projects/acme-web/locations/europe-west1; Firebase Hosting answered for project acme-web",
      },
    });
    expect(fb.requests.map((r) => `${r.method} ${r.path} ${r.query.get("pageSize") ?? ""}`)).toEqual([
      "GET /v1beta1/projects/acme-web/sites 1",
    ]);
    expect(fb.mutations()).toEqual([]);
  });

  it("a project Cloud Functions refuses fails the reach, and Hosting is not asked", async () => {
    gcp.world.knownProjects = new Set(["acme-web"]);
    const id = await whoami("acme-other");
    expect(id.reach).toMatchObject({ ok: false, error: { code: "PERMISSION_DENIED" } });
    expect(fb.requests).toEqual([]);
  });
});
