// examples/hello-fn on firebase/functions, deployed unchanged through the built CLI against the
// GCP fake (the function half is Cloud Functions 2nd gen) and the Hosting fake, reached through
// gcloud's endpoint override variables with a static token. The example's target has no Hosting
// rewrite, so its URL is the function's: a local server that runs the zip the fake was sent under
// Google's functions-framework, the entry's firebase-functions resolved as the platform installs
// it from the package's package.json. The deploy's health check is answered by the example's code.

import { afterAll, describe, expect, it } from "vitest";
import { startFirebaseFake } from "../fakes/firebase/index.js";
import { startGcpFake } from "../fakes/gcp/index.js";
import {
  FunctionUrls,
  deployExample,
  expectBundledEntry,
  expectExampleAnswers,
  expectServedUpload,
  fakeForFile,
} from "../support/example-deploys.js";
import { copyExample } from "../support/examples.js";
import { cloudFunction, cloudFunctionPackage } from "../support/fake-packages.js";
import { tempDir } from "./helpers.js";

const FN_ID = "hello-fn-production-firebase";
const FN = `projects/acme-hello/locations/us-central1/functions/${FN_ID}`;

const urls = new FunctionUrls();
afterAll(() => urls.close());
// A Cloud Functions URL has no trailing slash (a Lambda function URL has one).
const gcp = fakeForFile(() =>
  startGcpFake({ knobs: { functionUrl: (id) => urls.url(id).replace(/\/$/, "") } }),
);
const fb = fakeForFile(() => startFirebaseFake({ gcp: gcp() }));

describe("examples/hello-fn on firebase/functions through the built CLI", () => {
  it("ships the Firebase entry (onRequest) with the handler bundled; functions-framework runs it at entry point apiship", async () => {
    const { dir } = copyExample("hello-fn", { into: tempDir("apiship-e2e-firebase-hello-") });
    const server = await urls.serve(FN_ID, () => cloudFunctionPackage(gcp(), FN));
    await deployExample(dir, {
      environment: "production",
      target: "firebase",
      selectTarget: true,
      env: {
        CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING: `${fb().url}/v1beta1/`,
        CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: `${gcp().url}/`,
        CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${gcp().url}/`,
        GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.e2e",
        APISHIP_GCP_POLL_MS: "5",
        APISHIP_FIREBASE_RETRY_MS: "1",
      },
    });
    expectServedUpload(server);

    const told = cloudFunction(gcp(), FN);
    expect([told?.runtime, told?.entryPoint]).toEqual(["nodejs20", "apiship"]);
    const pkg = cloudFunctionPackage(gcp(), FN);
    const manifest = expectBundledEntry(pkg, "apiship-firebase.mjs");
    // What the entry imports is installed by the platform, not bundled.
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(["firebase-admin", "firebase-functions"]);

    await expectExampleAnswers(pkg, "hello-fn");
  });
});
