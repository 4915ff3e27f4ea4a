// What the e2e tests of the examples on the function platforms (test/e2e/examples-*.test.ts) have
// in common, so each test file keeps only what is its platform's: the fake and its environment,
// what the platform was told, the files only that platform ships. Every one of them starts its
// fake once the CLI is built, deploys a copy of an example through the built CLI, asserts the
// deploy succeeded on the one target with its health check passing, looks into the package the
// fake received, and runs that package to GET /healthz and the example's greeting from it. The
// CLI is run by test/e2e/helpers.ts (this module is for e2e tests only, and is not compiled into
// dist/: see tsconfig.build.json).

import { afterAll, beforeAll, expect } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import { jsonStream } from "../e2e/deploy-helpers.js";
import { apiship, cleanup, ensureBuilt } from "../e2e/helpers.js";
import { current } from "./fake-packages.js";
import type { HeldPackage } from "./fake-packages.js";
import { packageServer } from "./run-package.js";
import type { PackageServer } from "./run-package.js";

// ---------------------------------------------------------------- the file's fake

/**
 * A fake for the whole test file, as vitest hooks: before all, the CLI is built when stale and
 * `start` runs; after all, the fake is closed and the temp folders are removed. Returns a getter
 * (the fake exists only once beforeAll has run). Call it at the top level of the file.
 */
export function fakeForFile<F extends { close(): Promise<void> }>(start: () => Promise<F>): () => F {
  let fake: F | undefined;
  beforeAll(async () => {
    ensureBuilt();
    fake = await start();
  }, 180_000);
  afterAll(async () => {
    await fake?.close();
    cleanup();
  });
  return () => {
    if (!fake) throw new Error("the fake is not started (use it inside a test or a hook)");
    return fake;
  };
}

/**
 * The URLs a fake hands out for its functions (Cloud Functions, Firebase, Lambda function URLs):
 * each a packageServer() that runs what the fake holds for that function, so the deploy's own
 * health check is answered by the uploaded code. A function is served before it is deployed;
 * one that is not gets a port nothing listens on, and its health check fails.
 */
export class FunctionUrls {
  private readonly servers = new Map<string, PackageServer>();

  /** Serves function `id` from `held()`, the package the fake holds for it at each request. */
  async serve(id: string, held: () => HeldPackage | undefined): Promise<PackageServer> {
    const server = await packageServer(() => current(held()));
    this.servers.set(id, server);
    return server;
  }

  /** The URL of function `id` (ends with "/"). */
  url(id: string): string {
    return this.servers.get(id)?.url ?? "http://127.0.0.1:9/";
  }

  async close(): Promise<void> {
    for (const s of this.servers.values()) await s.close();
  }
}

// ---------------------------------------------------------------- the deploy

export interface ExampleDeploy {
  /** `-e`: the example's environment. */
  environment: string;
  /** The one target the deploy must report deployed. */
  target: string;
  /** Also pass `-t <target>`: the environment lists more targets than the one under test. */
  selectTarget?: boolean;
  /** The platform's variables (endpoint overrides, credentials, poll intervals). */
  env: Record<string, string>;
}

/**
 * `apiship deploy --yes --json -e <environment>` in the copy at `dir`, asserting what every
 * example deploy must show: exit 0, `target` alone reported deployed, and the last health check
 * passed (with a FunctionUrls URL or a fake that runs the package, that is the example's code
 * answering).
 */
export async function deployExample(dir: string, d: ExampleDeploy): Promise<void> {
  const r = await apiship(
    ["deploy", "--yes", "--json", "-e", d.environment, ...(d.selectTarget ? ["-t", d.target] : [])],
    { cwd: dir, env: d.env },
  );
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const { events, envelope } = jsonStream<DeployCommandResult>(r);
  expect(envelope.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
    [d.target, "deployed"],
  ]);
  expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
}

/** The deploy's health check reached the function's URL and ran the uploaded package there, once. */
export function expectServedUpload(server: PackageServer): void {
  expect(server.starts).toBe(1);
  expect(server.hits).toBeGreaterThan(0);
}

// ---------------------------------------------------------------- the package

/** The text every example's handler builds its greeting with. */
const GREETING = "hello, ";

/**
 * A portable Node.js package: exactly the generated `entry`, a package.json whose main is the
 * entry, and `besides` (Heroku's Procfile). So no node_modules (the example's dependencies are
 * bundled, or installed by the platform from package.json) and no copy of the example's source
 * folder: the handler is inside the entry. Returns the package.json for platform checks.
 */
export function expectBundledEntry(
  pkg: HeldPackage | undefined,
  entry: string,
  besides: string[] = [],
): { main?: string; dependencies?: Record<string, string> } {
  const names = [...(pkg?.files.keys() ?? [])];
  expect(names.sort()).toEqual([entry, "package.json", ...besides].sort());
  expect(names.some((n) => n.includes("node_modules"))).toBe(false);
  const manifest = JSON.parse(pkg?.files.get("package.json")?.toString() ?? "{}") as {
    main?: string;
    dependencies?: Record<string, string>;
  };
  expect(manifest.main).toBe(entry);
  expect(pkg?.files.get(entry)?.toString()).toContain(GREETING);
  return manifest;
}

/**
 * A Python package: the example's source (main.py) with the platform's `shim` and the shared
 * ASGI adapter beside it, and none of the state apiship keeps beside the manifest (.apiship).
 */
export function expectPythonSource(pkg: HeldPackage | undefined, shim: string): void {
  const names = [...(pkg?.files.keys() ?? [])];
  expect(names).toEqual(expect.arrayContaining(["main.py", shim, "apiship_asgi.py"]));
  expect(names.filter((n) => n.startsWith(".apiship"))).toEqual([]);
}

// ---------------------------------------------------------------- running it

/** What each function example answers besides /healthz: its greeting for "e2e", on its own route. */
const GREETS = {
  "hello-fn": { target: "/greet?name=e2e", path: "/greet" },
  "py-fn": { target: "/greet?name=e2e", path: "/greet" },
  "hono-fn": { target: "/hello/e2e", path: "/hello/e2e" },
};

/**
 * Runs the package as its platform would and asserts the example answers from it: /healthz with
 * 200 {"status":"ok"}, and its greeting route with {message: "hello, e2e", path}. Stops it after.
 */
export async function expectExampleAnswers(
  pkg: HeldPackage | undefined,
  example: keyof typeof GREETS,
): Promise<void> {
  expect(pkg, "the fake holds no package").toBeDefined();
  const running = await pkg!.run();
  try {
    const health = await running.get("/healthz");
    expect([health.status, JSON.parse(health.text)]).toEqual([200, { status: "ok" }]);
    const { target, path } = GREETS[example];
    const hello = await running.get(target);
    expect(JSON.parse(hello.text)).toEqual({ message: `${GREETING}e2e`, path });
  } finally {
    await running.stop();
  }
}
