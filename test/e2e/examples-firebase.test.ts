// examples/hello-fn on firebase/functions, deployed unchanged through the built CLI against the
// GCP fake (the function half is Cloud Functions 2nd gen) and the Hosting fake, reached through
// gcloud's endpoint override variables with a static token. The example's target has no Hosting
// rewrite, so its URL is the function's: a local server that runs the zip the fake was sent under
// Google's functions-framework, the entry's firebase-functions resolved as the platform installs
// it from the package's package.json. The deploy's health check is answered by the example's code.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import { startFirebaseFake } from "../fakes/firebase/index.js";
import type { FirebaseFake } from "../fakes/firebase/index.js";
import { startGcpFake } from "../fakes/gcp/index.js";
import type { GcpFake } from "../fakes/gcp/index.js";
import { copyExample } from "../support/examples.js";
import { cloudFunction, cloudFunctionPackage, current } from "../support/fake-packages.js";
import { packageServer } from "../support/run-package.js";
import type { PackageServer } from "../support/run-package.js";
import { jsonStream } from "./deploy-helpers.js";
import { apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const FN = "projects/acme-hello/locations/us-central1/functions/hello-fn-production-firebase";

let gcp: GcpFake;
let fb: FirebaseFake;
let server: PackageServer;

beforeAll(async () => {
  ensureBuilt();
  server = await packageServer(() => current(cloudFunctionPackage(gcp, FN)));
  gcp = await startGcpFake({ knobs: { functionUrl: () => server.url.replace(/\/$/, "") } });
  fb = await startFirebaseFake({ gcp });
}, 180_000);
afterAll(async () => {
  await server?.close();
  await fb?.close();
  await gcp?.close();
  cleanup();
});

describe("examples/hello-fn on firebase/functions through the built CLI", () => {
  it("ships the Firebase entry (onRequest) with the handler bundled; functions-framework runs it at entry point apiship", async () => {
    const { dir } = copyExample("hello-fn", { into: tempDir("apiship-e2e-firebase-hello-") });
    const r = await apiship(["deploy", "--yes", "--json", "-e", "production", "-t", "firebase"], {
      cwd: dir,
      env: {
        CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING: `${fb.url}/v1beta1/`,
        CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: `${gcp.url}/`,
        CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${gcp.url}/`,
        GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.e2e",
        APISHIP_GCP_POLL_MS: "5",
        APISHIP_FIREBASE_RETRY_MS: "1",
      },
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const { events, envelope } = jsonStream<DeployCommandResult>(r);
    expect(envelope.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["firebase", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    // The deploy's health check ran the uploaded code.
    expect(server.starts).toBe(1);
    expect(server.hits).toBeGreaterThan(0);

    const told = cloudFunction(gcp, FN);
    expect([told?.runtime, told?.entryPoint]).toEqual(["nodejs20", "apiship"]);
    const pkg = cloudFunctionPackage(gcp, FN);
    expect([...(pkg?.files.keys() ?? [])].sort()).toEqual(["apiship-firebase.mjs", "package.json"]);
    const manifest = JSON.parse(pkg?.files.get("package.json")?.toString() ?? "{}") as {
      main?: string;
      dependencies?: Record<string, string>;
    };
    expect(manifest.main).toBe("apiship-firebase.mjs");
    // What the entry imports is installed by the platform, not bundled.
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(["firebase-admin", "firebase-functions"]);
    expect(pkg?.files.get("apiship-firebase.mjs")?.toString()).toContain("hello, ");

    const running = await pkg!.run();
    try {
      const health = await running.get("/healthz");
      expect([health.status, JSON.parse(health.text)]).toEqual([200, { status: "ok" }]);
      const hello = await running.get("/greet?name=e2e");
      expect(JSON.parse(hello.text)).toEqual({ message: "hello, e2e", path: "/greet" });
    } finally {
      await running.stop();
    }
  });
});
