// examples/hello-fn on aws/lambda through the built CLI, against the stateful AWS fake on
// 127.0.0.1 reached the way a LocalStack user reaches LocalStack (AWS_ENDPOINT_URL and fake
// credentials). The fake hands out a local health server's URL as the Function URL, so the
// health check after each deploy is answered by a server that stands in for the function.

import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { DestroyCommandResult } from "../../src/cli/commands/destroy.js";
import type { LogsResult } from "../../src/cli/commands/logs.js";
import type { OutputsResult } from "../../src/cli/commands/outputs.js";
import type { StatusCommandResult } from "../../src/cli/commands/status.js";
import { seeded } from "../fakes/_shared/server.js";
import { isMutating, startAwsFake } from "../fakes/aws/index.js";
import { appendLogEvents } from "../fakes/aws/log-events.js";
import { lambdaPackage } from "../support/fake-packages.js";
import type { AwsFake, AwsFakeOptions } from "../fakes/aws/index.js";
import type { HealthServer } from "./deploy-helpers.js";
import { healthServer, jsonStream } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { ROOT, STACK_LINE, apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const FN = "hello-fn-staging-lambda";
const EXAMPLE = join(ROOT, "examples/hello-fn");

interface Site {
  dir: string;
  fake: AwsFake;
  cli(args: string[], env?: Record<string, string | undefined>): Promise<RunResult>;
}

/** A copy of the example whose staging environment holds only the lambda target. */
function copyExample(): string {
  const dir = tempDir("apiship-e2e-lambda-");
  cpSync(EXAMPLE, dir, { recursive: true });
  const file = join(dir, "apiship.yaml");
  const doc = parse(readFileSync(file, "utf8")) as {
    targets: Record<string, unknown>;
    environments: Record<string, unknown>;
    defaultEnvironment?: string;
  };
  doc.targets = { lambda: doc.targets.lambda };
  doc.environments = { staging: { targets: ["lambda"] } };
  doc.defaultEnvironment = "staging";
  writeFileSync(file, stringify(doc));
  return dir;
}

async function site(health: HealthServer, opts: AwsFakeOptions = {}): Promise<Site> {
  const fake = await startAwsFake({
    ...opts,
    // Function URLs are not served by the fake: the local server answers for the function.
    world: { transitionMs: 5, urlFor: () => health.url, ...opts.world },
  });
  const dir = copyExample();
  const awsEnv = {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_REGION: "us-east-1",
    APISHIP_AWS_POLL_MS: "5",
  };
  return { dir, fake, cli: (args, env = {}) => apiship(args, { cwd: dir, env: { ...awsEnv, ...env } }) };
}

const mutatingCalls = (f: AwsFake) => f.requests.filter(isMutating).length;
const fnOf = (f: AwsFake) => f.world.functions.get(FN);
const liveVersion = (f: AwsFake) => f.world.functions.get(FN)?.aliases.get("live")?.version;

let health: HealthServer;
let s: Site;

beforeAll(async () => {
  ensureBuilt();
  health = await healthServer(200);
  s = await site(health);
}, 180_000);
afterAll(async () => {
  await s.fake.close();
  await health.close();
  cleanup();
});

describe.sequential("aws/lambda through the built CLI", () => {
  it("plan without credentials or endpoint fails per target and suggests --offline", async () => {
    // No AWS variable but one: instance metadata is off, so the SDK's credential chain cannot
    // reach for 169.254.169.254 (this test leaves 127.0.0.1 for nothing).
    const r = await apiship(["plan"], { cwd: s.dir, env: { AWS_EC2_METADATA_DISABLED: "true" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /target "lambda" \(aws\/lambda\) has no credentials: .*no AWS credentials found/,
    );
    expect(r.stderr).toMatch(/hint: .*`apiship plan --offline`/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(s.fake.requests).toHaveLength(0);
    const offline = await apiship(["plan", "--offline"], { cwd: s.dir });
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toMatch(/lambda\.function "hello-fn-staging-lambda" will be created/);
    expect(offline.stdout).toMatch(/Plan: 5 to create, 0 to update, 0 to replace, 0 to delete\./);
    expect(s.fake.requests).toHaveLength(0);
  });

  it("plan against the fake shows the function to create, and changes nothing", async () => {
    const r = await s.cli(["plan"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Plan: 5 to create, 0 to update/);
    expect(s.fake.requests.length).toBeGreaterThan(0);
    expect(mutatingCalls(s.fake)).toBe(0);
  });

  it("deploy creates the role, the function, version 1, alias live and its URL; health passes", async () => {
    const r = await s.cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: env } = jsonStream<DeployCommandResult>(r);
    expect(env.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["lambda", "deployed"],
    ]);
    const checks = events.filter((e) => e.type === "health");
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.at(-1)?.ok).toBe(true);
    expect(health.hits).toBeGreaterThan(0);
    const fn = s.fake.world.functions.get(FN);
    expect(fn?.config.Runtime).toBe("nodejs20.x");
    // The example is portable: Lambda runs the generated entry around its fetch handler.
    expect(fn?.config.Handler).toBe("apiship-lambda.handler");
    // What Lambda holds is that entry with the example's handler bundled, and it answers a
    // function URL event.
    const pkg = lambdaPackage(s.fake, FN);
    expect([...(pkg?.files.keys() ?? [])].sort()).toEqual(["apiship-lambda.mjs", "package.json"]);
    const running = await pkg!.run();
    try {
      const res = await running.get("/healthz");
      expect([res.status, JSON.parse(res.text)]).toEqual([200, { status: "ok" }]);
    } finally {
      await running.stop();
    }
    expect(fn?.config.MemorySize).toBe(512);
    expect(fn?.versions.map((v) => v.version)).toEqual(["1"]);
    expect(liveVersion(s.fake)).toBe("1");
    // access defaults to public: an unauthenticated URL, with the permission that lets anyone invoke it
    expect(fn?.urls.get("live")?.authType).toBe("NONE");
    const grants = fn?.policies.get("live") ?? [];
    expect(grants.some((g) => g.Principal === "*" && g.Action === "lambda:InvokeFunctionUrl")).toBe(true);
    const roles = [...s.fake.world.roles.values()];
    expect(roles).toHaveLength(1);
    expect(fn?.config.Role).toBe(roles[0]?.arn);
  });

  it("status reports ready with the URL; outputs print it", async () => {
    const st = await s.cli(["status", "--json"]);
    expect(st.code, st.stderr).toBe(0);
    const t = envelope<StatusCommandResult>(st).result?.stacks[0]?.targets[0];
    expect([t?.target, t?.health, t?.endpoint, t?.drift]).toEqual(["lambda", "ready", health.url, false]);
    const out = await s.cli(["outputs", "--json"]);
    const o = envelope<OutputsResult>(out).result?.stacks[0]?.targets[0];
    expect(o?.endpoint).toBe(health.url);
    expect((await s.cli(["outputs"])).stdout).toContain(`lambda  ${health.url}`);
  });

  it("logs --json reads the function's CloudWatch log group; --grep and --tail narrow it", async () => {
    const t0 = Date.now() - 60_000;
    appendLogEvents(
      s.fake.world,
      `/aws/lambda/${FN}`,
      "2026/12/07/[1]8a7b6c5d4e3f",
      Array.from({ length: 12 }, (_, i) => ({ timestamp: t0 + i, message: `GET /healthz ${i}\n` })),
    );
    s.fake.world.logs.pageLimit = 5;
    const r = await s.cli(["logs", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: env } = jsonStream<LogsResult>(r);
    const logs = events.filter((e) => e.type === "log");
    expect(logs).toHaveLength(12);
    expect(logs[0]).toEqual({
      type: "log",
      target: "lambda",
      time: new Date(t0).toISOString(),
      stream: "[1]8a7b6c5d4e3f",
      message: "GET /healthz 0",
    });
    expect(env.result).toEqual({ entries: 12, unavailable: [] });
    const grep = await s.cli(["logs", "--json", "--grep", "/ 1\\d$/", "--tail", "1"]);
    expect(
      jsonStream<LogsResult>(grep)
        .events.filter((e) => e.type === "log")
        .map((e) => e.message),
    ).toEqual(["GET /healthz 11"]);
    const bad = await s.cli(["logs", "--grep", "/(/"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--grep \/\(\/: Invalid regular expression/);
  });

  it("an unchanged redeploy makes no mutating AWS call", async () => {
    const before = mutatingCalls(s.fake);
    const requests = s.fake.requests.length;
    const r = await s.cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(s.fake.requests.length).toBeGreaterThan(requests);
    expect(mutatingCalls(s.fake)).toBe(before);
  });

  it("a code change publishes version 2 and moves the alias to it", async () => {
    const src = join(s.dir, "src/index.mjs");
    const sha1 = fnOf(s.fake)?.codeSha256;
    writeFileSync(src, readFileSync(src, "utf8").replace("hello, ", "hi, "));
    const r = await s.cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    const fn = fnOf(s.fake);
    expect(fn?.codeSha256).not.toBe(sha1);
    expect(fn?.versions.map((v) => v.version)).toEqual(["1", "2"]);
    expect(fn?.versions[1]?.codeSha256).toBe(fn?.codeSha256);
    expect(liveVersion(s.fake)).toBe("2");
  });

  it("rollback moves the alias back to version 1", async () => {
    const r = await s.cli(["rollback", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(liveVersion(s.fake)).toBe("1");
    expect(fnOf(s.fake)?.versions).toHaveLength(2);
    const st = envelope<StatusCommandResult>(await s.cli(["status", "--json"]));
    expect(st.result?.stacks[0]?.targets[0]?.release).toBe("1");
  });

  it("destroy removes function, URL and role; a second destroy exits 0", async () => {
    const r = await s.cli(["destroy", "--confirm", "staging", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = jsonStream<DestroyCommandResult>(r).envelope;
    expect(out.result?.stacks[0]?.targets.map((t) => [t.target, t.status])).toEqual([
      ["lambda", "destroyed"],
    ]);
    expect(s.fake.world.functions.size).toBe(0);
    expect(s.fake.world.roles.size).toBe(0);
    const again = await s.cli(["destroy", "--confirm", "staging"]);
    expect(again.code, again.stderr).toBe(0);
    expect(s.fake.world.functions.size).toBe(0);
  });
});

/** The fake's draws, replayed as its handler spends them: one for throttling, then one for a 500. */
function faultCounter(seed: number) {
  const draw = seeded(seed);
  const drawn: number[] = [];
  const random = () => {
    const v = draw();
    drawn.push(v);
    return v;
  };
  const count = () => {
    let throttled = 0;
    let failed = 0;
    for (let i = 0; i < drawn.length; i++) {
      if ((drawn[i] ?? 1) < 0.2) throttled++;
      else if ((drawn[++i] ?? 1) < 0.05) failed++;
    }
    return { throttled, failed };
  };
  return { random, count };
}

describe("aws/lambda deploy under faults", () => {
  it("converges with 20% throttling and 5% internal errors", async () => {
    const faults = faultCounter(7);
    const knobs = { throttleRate: 0.2, errorRate: 0.05, random: faults.random };
    const faulty = await site(health, { knobs });
    try {
      const r = await faulty.cli(["deploy", "--yes", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const { throttled, failed } = faults.count();
      expect(throttled).toBeGreaterThan(0);
      expect(throttled + failed).toBeGreaterThan(1);
      const fn = faulty.fake.world.functions.get(FN);
      expect(fn?.versions).toHaveLength(1);
      expect(fn?.aliases.get("live")?.version).toBe("1");
      expect(fn?.urls.has("live")).toBe(true);
      expect(faulty.fake.world.roles.size).toBe(1);
      const d = await faulty.cli(["destroy", "--confirm", "staging"]);
      expect(d.code, d.stderr).toBe(0);
      expect(faulty.fake.world.functions.size).toBe(0);
      expect(faulty.fake.world.roles.size).toBe(0);
    } finally {
      await faulty.fake.close();
    }
  }, 60_000);
});
