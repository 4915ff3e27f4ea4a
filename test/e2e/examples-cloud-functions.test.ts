// The examples on gcp/cloud-functions, deployed unchanged through the built CLI against the GCP
// fake (gcloud's endpoint override variables, a static token): hello-fn (a fetch handler),
// hono-fn (a Hono app, Hono bundled from the copy's node_modules) and py-fn (an ASGI app). The
// function's URL is a local server that runs the zip the fake was sent, the way Cloud Functions
// runs it (functions-framework for Node.js, Flask for Python, with the entry point and the
// environment the function was given), so the deploy's own health check is answered by the
// example's code. Then the tests look into the zip and GET /healthz from it.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import { pythonHas } from "../conformance/hosts.js";
import { startGcpFake } from "../fakes/gcp/index.js";
import {
  FunctionUrls,
  deployExample,
  expectBundledEntry,
  expectExampleAnswers,
  expectPythonSource,
  expectServedUpload,
  fakeForFile,
} from "../support/example-deploys.js";
import { copyExample } from "../support/examples.js";
import { cloudFunction, cloudFunctionPackage } from "../support/fake-packages.js";
import { jsonStream } from "./deploy-helpers.js";
import { apiship, tempDir } from "./helpers.js";

const urls = new FunctionUrls();
afterAll(() => urls.close());
// A Cloud Functions URL has no trailing slash (a Lambda function URL has one).
const fake = fakeForFile(() =>
  startGcpFake({ knobs: { functionUrl: (id) => urls.url(id).replace(/\/$/, "") } }),
);
const env = () => ({
  CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: fake().url,
  CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: fake().url,
  GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.e2e",
  APISHIP_GCP_POLL_MS: "5",
});

/** The function `<project>/<region>/<id>` with a URL that runs what the fake holds for it. */
async function functionAt(project: string, region: string, id: string) {
  const name = `projects/${project}/locations/${region}/functions/${id}`;
  return { name, server: await urls.serve(id, () => cloudFunctionPackage(fake(), name)) };
}

const deploy = (dir: string, environment: string) =>
  deployExample(dir, { environment, target: "gcf", selectTarget: true, env: env() });

describe("examples on gcp/cloud-functions through the built CLI", () => {
  it("hello-fn: the plan says portable; the zip is the generated entry with the handler bundled, run by functions-framework at entry point apiship", async () => {
    const { dir } = copyExample("hello-fn", { into: tempDir("apiship-e2e-gcf-hello-") });
    const fn = await functionAt("acme-hello", "us-central1", "hello-fn-staging-gcf");
    const plan = await apiship(["plan", "-e", "staging", "-t", "gcf"], { cwd: dir, env: env() });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      /Function code:\n {2}gcf {2}portable \(generated entry\), [\d.]+ KiB package/,
    );

    await deploy(dir, "staging");
    // The deploy's health check ran the uploaded code.
    expectServedUpload(fn.server);
    const told = cloudFunction(fake(), fn.name);
    expect([told?.runtime, told?.entryPoint]).toEqual(["nodejs20", "apiship"]);
    const pkg = cloudFunctionPackage(fake(), fn.name);
    expectBundledEntry(pkg, "apiship-cloud-functions.mjs");
    await expectExampleAnswers(pkg, "hello-fn");
  });

  it("hono-fn: Hono is bundled from node_modules, which never ships; the app answers under functions-framework", async () => {
    const { dir } = copyExample("hono-fn", { into: tempDir("apiship-e2e-gcf-hono-") });
    const fn = await functionAt("acme-hono", "us-central1", "hono-fn-staging-gcf");
    await deploy(dir, "staging");
    expectServedUpload(fn.server);
    const pkg = cloudFunctionPackage(fake(), fn.name);
    expectBundledEntry(pkg, "apiship-cloud-functions.mjs");
    await expectExampleAnswers(pkg, "hono-fn");
  });

  it.skipIf(!pythonHas("flask"))(
    "py-fn: the source with apiship_cloud_functions.py beside it, GOOGLE_FUNCTION_SOURCE and APISHIP_APP set; the ASGI app answers under Flask",
    async () => {
      const { dir } = copyExample("py-fn", { into: tempDir("apiship-e2e-gcf-py-") });
      const fn = await functionAt("acme-py", "europe-west1", "py-fn-production-gcf");
      await deploy(dir, "production");
      expectServedUpload(fn.server);
      const told = cloudFunction(fake(), fn.name);
      expect([told?.runtime, told?.entryPoint]).toEqual(["python312", "apiship"]);
      expect(told?.buildEnv).toEqual({ GOOGLE_FUNCTION_SOURCE: "apiship_cloud_functions.py" });
      expect(told?.env.APISHIP_APP).toBe("main:app");
      const pkg = cloudFunctionPackage(fake(), fn.name);
      expectPythonSource(pkg, "apiship_cloud_functions.py");
      await expectExampleAnswers(pkg, "py-fn");
    },
  );

  it("the health check is the uploaded code's: a handler that fails /healthz fails the deploy", async () => {
    const { dir } = copyExample("hello-fn", { into: tempDir("apiship-e2e-gcf-broken-") });
    const src = join(dir, "src/index.mjs");
    writeFileSync(
      src,
      readFileSync(src, "utf8").replace(
        'Response.json({ status: "ok" })',
        'Response.json({ status: "broken" }, { status: 500 })',
      ),
    );
    // A cloud of its own: the example's function name is taken in the shared one.
    const name = "projects/acme-hello/locations/us-central1/functions/hello-fn-staging-gcf";
    const ownUrls = new FunctionUrls();
    const own = await startGcpFake({ knobs: { functionUrl: (id) => ownUrls.url(id).replace(/\/$/, "") } });
    const server = await ownUrls.serve("hello-fn-staging-gcf", () => cloudFunctionPackage(own, name));
    try {
      const r = await apiship(["deploy", "--yes", "--json", "-e", "staging", "-t", "gcf"], {
        cwd: dir,
        env: {
          ...env(),
          CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: own.url,
          CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: own.url,
        },
      });
      expect(r.code).not.toBe(0);
      const { events } = jsonStream<DeployCommandResult>(r);
      expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(false);
      // The failing health check was the uploaded code's own answer.
      expectServedUpload(server);
    } finally {
      await ownUrls.close();
      await own.close();
    }
  }, 60_000);

  it("a runtime without a portable interface plans as native and says why", async () => {
    const dir = tempDir("apiship-e2e-gcf-go-");
    mkdirSync(join(dir, "fn"));
    writeFileSync(join(dir, "fn", "go.mod"), "module example.com/orders\n\ngo 1.22\n");
    writeFileSync(join(dir, "fn", "orders.go"), "package orders\n");
    writeFileSync(
      join(dir, "apiship.yaml"),
      [
        "apiVersion: apiship/v1",
        "name: orders",
        "service:",
        "  function: { runtime: go1.22, handler: Handle, source: ./fn }",
        "targets:",
        "  gcf: { provider: gcp, platform: cloud-functions, project: acme-orders, region: us-central1 }",
        "",
      ].join("\n"),
    );
    const plan = await apiship(["plan"], { cwd: dir, env: env() });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^ {2}gcf {2}native \(go1\.22 has no portable interface\), \d+ B package/m);
    expect(plan.stdout).toMatch(/\+ entryPoint = "Handle"/);
  });
});
