// The examples on aws/lambda beyond hello-fn (aws-lambda.test.ts): py-fn (an ASGI app) and hono-fn
// (a Hono app), deployed unchanged through the built CLI against the AWS fake, reached the way a
// LocalStack user reaches LocalStack (AWS_ENDPOINT_URL and fake credentials). The Function URL the
// fake hands out is a local server that runs the zip Lambda holds behind the `live` alias: the
// handler the function was told, called with function URL events (payload 2.0) by a driver in
// Python or Node.js, with the function's environment. So the deploy's own health check is
// answered by the example's code.

import { afterAll, describe, expect, it } from "vitest";
import { startAwsFake } from "../fakes/aws/index.js";
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
import { lambdaPackage } from "../support/fake-packages.js";
import { tempDir } from "./helpers.js";

const urls = new FunctionUrls();
afterAll(() => urls.close());
const fake = fakeForFile(() => startAwsFake({ world: { transitionMs: 5, urlFor: (fn) => urls.url(fn) } }));

/** Deploys examples/<example> to `staging`'s lambda target, whose function is `fn`. */
async function deploy(example: string, fn: string) {
  const server = await urls.serve(fn, () => lambdaPackage(fake(), fn));
  const { dir } = copyExample(example, { into: tempDir(`apiship-e2e-lambda-${example}-`) });
  await deployExample(dir, {
    environment: "staging",
    target: "lambda",
    selectTarget: true,
    env: {
      AWS_ENDPOINT_URL: fake().url,
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_REGION: "us-east-1",
      APISHIP_AWS_POLL_MS: "5",
    },
  });
  // The deploy's health check ran the code Lambda holds.
  expectServedUpload(server);
  return { config: fake().world.functions.get(fn)?.config ?? {}, pkg: lambdaPackage(fake(), fn) };
}

describe("examples on aws/lambda through the built CLI", () => {
  it("py-fn: the source with apiship_lambda.py beside it, handler apiship_lambda.handler, APISHIP_APP main:app; the ASGI app answers function URL events", async () => {
    const { config, pkg } = await deploy("py-fn", "py-fn-staging-lambda");
    expect([config.Runtime, config.Handler]).toEqual(["python3.12", "apiship_lambda.handler"]);
    expect(config.Environment).toMatchObject({ Variables: { APISHIP_APP: "main:app" } });
    expectPythonSource(pkg, "apiship_lambda.py");
    await expectExampleAnswers(pkg, "py-fn");
  });

  it("hono-fn: apiship-lambda.mjs with Hono bundled, no node_modules; the app answers function URL events", async () => {
    const { config, pkg } = await deploy("hono-fn", "hono-fn-staging-lambda");
    expect([config.Runtime, config.Handler]).toEqual(["nodejs20.x", "apiship-lambda.handler"]);
    expectBundledEntry(pkg, "apiship-lambda.mjs");
    await expectExampleAnswers(pkg, "hono-fn");
  });
});
