// The examples on aws/lambda beyond hello-fn (aws-lambda.test.ts): py-fn (an ASGI app) and hono-fn
// (a Hono app), deployed unchanged through the built CLI against the AWS fake, reached the way a
// LocalStack user reaches LocalStack (AWS_ENDPOINT_URL and fake credentials). The Function URL the
// fake hands out is a local server that runs the zip Lambda holds behind the `live` alias: the
// handler the function was told, called with function URL events (payload 2.0) by a driver in
// Python or Node.js, with the function's environment. So the deploy's own health check is
// answered by the example's code.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import { startAwsFake } from "../fakes/aws/index.js";
import type { AwsFake } from "../fakes/aws/index.js";
import { copyExample } from "../support/examples.js";
import { current, lambdaPackage } from "../support/fake-packages.js";
import { packageServer } from "../support/run-package.js";
import type { PackageServer } from "../support/run-package.js";
import { jsonStream } from "./deploy-helpers.js";
import { apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

let fake: AwsFake;
const servers = new Map<string, PackageServer>();

async function deploy(example: string, fn: string) {
  servers.set(fn, await packageServer(() => current(lambdaPackage(fake, fn))));
  const { dir } = copyExample(example, { into: tempDir(`apiship-e2e-lambda-${example}-`) });
  const r = await apiship(["deploy", "--yes", "--json", "-e", "staging", "-t", "lambda"], {
    cwd: dir,
    env: {
      AWS_ENDPOINT_URL: fake.url,
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_REGION: "us-east-1",
      APISHIP_AWS_POLL_MS: "5",
    },
  });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const { events, envelope } = jsonStream<DeployCommandResult>(r);
  expect(envelope.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
    ["lambda", "deployed"],
  ]);
  expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
  const server = servers.get(fn) as PackageServer;
  // The deploy's health check ran the code Lambda holds.
  expect(server.starts).toBe(1);
  expect(server.hits).toBeGreaterThan(0);
  return { config: fake.world.functions.get(fn)?.config ?? {}, pkg: lambdaPackage(fake, fn) };
}

beforeAll(async () => {
  ensureBuilt();
  fake = await startAwsFake({
    world: { transitionMs: 5, urlFor: (fn) => servers.get(fn)?.url ?? "http://127.0.0.1:9/" },
  });
}, 180_000);
afterAll(async () => {
  for (const s of servers.values()) await s.close();
  await fake?.close();
  cleanup();
});

describe("examples on aws/lambda through the built CLI", () => {
  it("py-fn: the source with apiship_lambda.py beside it, handler apiship_lambda.handler, APISHIP_APP main:app; the ASGI app answers function URL events", async () => {
    const { config, pkg } = await deploy("py-fn", "py-fn-staging-lambda");
    expect([config.Runtime, config.Handler]).toEqual(["python3.12", "apiship_lambda.handler"]);
    expect(config.Environment).toMatchObject({ Variables: { APISHIP_APP: "main:app" } });
    const names = [...(pkg?.files.keys() ?? [])];
    expect(names).toEqual(expect.arrayContaining(["main.py", "apiship_lambda.py", "apiship_asgi.py"]));
    expect(names.filter((n) => n.startsWith(".apiship"))).toEqual([]);
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

  it("hono-fn: apiship-lambda.mjs with Hono bundled, no node_modules; the app answers function URL events", async () => {
    const { config, pkg } = await deploy("hono-fn", "hono-fn-staging-lambda");
    expect([config.Runtime, config.Handler]).toEqual(["nodejs20.x", "apiship-lambda.handler"]);
    expect([...(pkg?.files.keys() ?? [])].sort()).toEqual(["apiship-lambda.mjs", "package.json"]);
    const running = await pkg!.run();
    try {
      const health = await running.get("/healthz");
      expect([health.status, JSON.parse(health.text)]).toEqual([200, { status: "ok" }]);
      const hello = await running.get("/hello/e2e");
      expect(JSON.parse(hello.text)).toEqual({ message: "hello, e2e", path: "/hello/e2e" });
    } finally {
      await running.stop();
    }
  });
});
