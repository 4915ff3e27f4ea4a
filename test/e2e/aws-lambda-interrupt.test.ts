// Ctrl-C during a Lambda deploy, through the built CLI against the AWS fake: the first SIGINT
// arrives while CreateFunction is in flight. That call finishes; no later step (publish version,
// function URL, permissions, concurrency) and no health check may start. The run says
// "interrupted" and exits 130, and the next deploy converges from what the cloud holds.

import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { FakeRequest } from "../fakes/_shared/server.js";
import { isMutating, startAwsFake } from "../fakes/aws/index.js";
import type { AwsFake } from "../fakes/aws/index.js";
import type { Child, HealthServer, Project } from "./deploy-helpers.js";
import { healthServer, jsonStream, spawnCli } from "./deploy-helpers.js";
import { ROOT, apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const FN = "hello-fn-staging-lambda";
const isCreateFunction = (r: FakeRequest) => r.method === "POST" && /\/functions\/?$/.test(r.path);

let health: HealthServer;
let fake: AwsFake;
let child: Child | undefined;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  ensureBuilt();
  health = await healthServer(200);
  let signalled = false;
  fake = await startAwsFake({
    world: { transitionMs: 5, urlFor: () => health.url },
    beforeAnswer: async (req) => {
      if (signalled || !isCreateFunction(req) || !child) return;
      signalled = true;
      child.child.kill("SIGINT");
      // The call stays in flight well after the signal has been handled.
      await sleep(400);
    },
  });
  dir = tempDir("apiship-e2e-interrupt-");
  cpSync(join(ROOT, "examples/hello-fn"), dir, { recursive: true });
  const file = join(dir, "apiship.yaml");
  const doc = parse(readFileSync(file, "utf8")) as Record<string, unknown> & {
    targets: Record<string, unknown>;
  };
  doc.targets = { lambda: doc.targets.lambda };
  doc.environments = { staging: { targets: ["lambda"] } };
  doc.defaultEnvironment = "staging";
  writeFileSync(file, stringify(doc));
  env = {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_REGION: "us-east-1",
    APISHIP_AWS_POLL_MS: "5",
  };
}, 180_000);
afterAll(async () => {
  await fake.close();
  await health.close();
  cleanup();
});

describe("Ctrl-C during a Lambda deploy", () => {
  it("launches no step after the signal, says interrupted, exits 130; the next deploy converges", async () => {
    const p = { dir, env } as unknown as Project;
    child = spawnCli(["deploy", "--yes", "--json"], p);
    const r = await child.done;
    expect(r.code, r.stderr).toBe(130);

    const created = fake.requests.findIndex(isCreateFunction);
    expect(created).toBeGreaterThan(-1);
    const after = fake.requests.slice(created + 1).filter(isMutating);
    expect(after.map((q) => `${q.method} ${q.path}`)).toEqual([]);
    expect(health.hits).toBe(0);

    const { events, envelope } = jsonStream<DeployCommandResult>(r);
    const outcome = envelope.result?.stacks[0]?.deploy?.targets[0];
    expect(outcome?.status).toBe("interrupted");
    expect(outcome?.error?.code).toBe("INTERRUPTED");
    const summary = events.find((e) => e.type === "summary");
    expect(summary?.result).toBe("interrupted");

    const again = await apiship(["deploy", "--yes", "--json"], { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    const fn = fake.world.functions.get(FN);
    expect(fn?.aliases.get("live")?.version).toBe("1");
    expect(fn?.urls.get("live")?.authType).toBe("NONE");
    expect(health.hits).toBeGreaterThan(0);
  });
});
