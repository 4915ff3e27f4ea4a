// The examples on gcp/cloud-functions, deployed unchanged through the built CLI against the GCP
// fake (gcloud's endpoint override variables, a static token): hello-fn (a fetch handler),
// hono-fn (a Hono app, Hono bundled from the copy's node_modules) and py-fn (an ASGI app). The
// function's URL is a local server that runs the zip the fake was sent, the way Cloud Functions
// runs it (functions-framework for Node.js, Flask for Python, with the entry point and the
// environment the function was given), so the deploy's own health check is answered by the
// example's code. Then the tests look into the zip and GET /healthz from it.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import { pythonHas } from "../conformance/hosts.js";
import { startGcpFake } from "../fakes/gcp/index.js";
import type { GcpFake } from "../fakes/gcp/index.js";
import { copyExample } from "../support/examples.js";
import { cloudFunction, cloudFunctionPackage, current } from "../support/fake-packages.js";
import { packageServer } from "../support/run-package.js";
import type { PackageServer } from "../support/run-package.js";
import { jsonStream } from "./deploy-helpers.js";
import { apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

let fake: GcpFake;
/** By function id: the server its URL points at. */
const servers = new Map<string, PackageServer>();
const env = () => ({
  CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: fake.url,
  CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: fake.url,
  GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.e2e",
  APISHIP_GCP_POLL_MS: "5",
});

/** The function `<project>/<region>/<id>` with a URL that runs what the fake holds for it. */
async function functionAt(project: string, region: string, id: string) {
  const name = `projects/${project}/locations/${region}/functions/${id}`;
  servers.set(id, await packageServer(() => current(cloudFunctionPackage(fake, name))));
  return { name, server: servers.get(id) as PackageServer };
}

async function deploy(dir: string, environment: string) {
  const r = await apiship(["deploy", "--yes", "--json", "-e", environment, "-t", "gcf"], {
    cwd: dir,
    env: env(),
  });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const { events, envelope } = jsonStream<DeployCommandResult>(r);
  expect(envelope.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
    ["gcf", "deployed"],
  ]);
  expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
}

beforeAll(async () => {
  ensureBuilt();
  fake = await startGcpFake({
    knobs: { functionUrl: (id) => (servers.get(id)?.url ?? "http://127.0.0.1:9/").replace(/\/$/, "") },
  });
}, 180_000);
afterAll(async () => {
  for (const s of servers.values()) await s.close();
  await fake?.close();
  cleanup();
});

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
    expect(fn.server.starts).toBe(1);
    expect(fn.server.hits).toBeGreaterThan(0);
    const told = cloudFunction(fake, fn.name);
    expect([told?.runtime, told?.entryPoint]).toEqual(["nodejs20", "apiship"]);
    const pkg = cloudFunctionPackage(fake, fn.name);
    expect([...(pkg?.files.keys() ?? [])].sort()).toEqual(["apiship-cloud-functions.mjs", "package.json"]);
    expect(JSON.parse(pkg?.files.get("package.json")?.toString() ?? "{}")).toMatchObject({
      main: "apiship-cloud-functions.mjs",
    });
    // The example's handler is inside the bundle, not shipped as its source folder.
    expect(pkg?.files.get("apiship-cloud-functions.mjs")?.toString()).toContain("hello, ");

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

  it("hono-fn: Hono is bundled from node_modules, which never ships; the app answers under functions-framework", async () => {
    const { dir } = copyExample("hono-fn", { into: tempDir("apiship-e2e-gcf-hono-") });
    const fn = await functionAt("acme-hono", "us-central1", "hono-fn-staging-gcf");
    await deploy(dir, "staging");
    expect(fn.server.starts).toBe(1);
    const pkg = cloudFunctionPackage(fake, fn.name);
    const names = [...(pkg?.files.keys() ?? [])];
    expect(names.sort()).toEqual(["apiship-cloud-functions.mjs", "package.json"]);
    expect(names.some((n) => n.includes("node_modules"))).toBe(false);
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

  it.skipIf(!pythonHas("flask"))(
    "py-fn: the source with apiship_cloud_functions.py beside it, GOOGLE_FUNCTION_SOURCE and APISHIP_APP set; the ASGI app answers under Flask",
    async () => {
      const { dir } = copyExample("py-fn", { into: tempDir("apiship-e2e-gcf-py-") });
      const fn = await functionAt("acme-py", "europe-west1", "py-fn-production-gcf");
      await deploy(dir, "production");
      expect(fn.server.starts).toBe(1);
      const told = cloudFunction(fake, fn.name);
      expect([told?.runtime, told?.entryPoint]).toEqual(["python312", "apiship"]);
      expect(told?.buildEnv).toEqual({ GOOGLE_FUNCTION_SOURCE: "apiship_cloud_functions.py" });
      expect(told?.env.APISHIP_APP).toBe("main:app");
      const pkg = cloudFunctionPackage(fake, fn.name);
      const names = [...(pkg?.files.keys() ?? [])];
      expect(names).toEqual(
        expect.arrayContaining(["main.py", "apiship_cloud_functions.py", "apiship_asgi.py"]),
      );
      // The state apiship keeps beside the manifest never ships.
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
    const own = await startGcpFake({ knobs: { functionUrl: () => server.url.replace(/\/$/, "") } });
    const server = await packageServer(() => current(cloudFunctionPackage(own, name)));
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
      expect([server.starts, server.hits > 0]).toEqual([1, true]);
    } finally {
      await server.close();
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
