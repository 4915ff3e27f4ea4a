// `apiship doctor` through the built CLI: examples/hello-fn's development environment passing on
// this machine (local/process), a DigitalOcean target against its fake without a token (failing
// with its hint, exit 1) and with one (the account shown), an `env:` secret reported unset by
// the name of its variable and a set one never by its value, AWS without credentials (IMDS off)
// and against its fake with the caller's ARN, and the state store read without being written.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DoctorRow } from "../../src/apply/doctor.js";
import type { DoctorCommandResult } from "../../src/cli/commands/doctor.js";
import { isMutating, startAwsFake } from "../fakes/aws/index.js";
import type { AwsFake } from "../fakes/aws/index.js";
import { startDoFake } from "../fakes/digitalocean/server.js";
import type { DoFake } from "../fakes/digitalocean/server.js";
import { ROOT, STACK_LINE, apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const SECRET = "doctor-e2e-secret-4b7c";
const HELLO = join(ROOT, "examples/hello-fn/apiship.yaml");

let doFake: DoFake;
let awsFake: AwsFake;

beforeAll(async () => {
  ensureBuilt();
  doFake = await startDoFake();
  awsFake = await startAwsFake({ world: { account: "210987654321" } });
}, 180_000);
afterAll(async () => {
  await doFake?.close();
  await awsFake?.close();
  cleanup();
});

/** A project with one app-platform target on the DigitalOcean fake and two env: secrets. */
function doProject(): string {
  const dir = tempDir("apiship-e2e-doctor-do-");
  const text = [
    "apiVersion: apiship/v1",
    "name: shop",
    "service:",
    "  container: { image: ghcr.io/acme/shop:1, port: 8080 }",
    '  secrets: { API_KEY: "env:API_KEY", DB_PASSWORD: "env:SHOP_DB_PASSWORD" }',
    "targets:",
    `  app: { provider: digitalocean, platform: app-platform, region: fra, endpoint: "${doFake.url}" }`,
    "",
  ].join("\n");
  writeFileSync(join(dir, "apiship.yaml"), text);
  return dir;
}

function awsProject(): string {
  const dir = tempDir("apiship-e2e-doctor-aws-");
  const text = [
    "apiVersion: apiship/v1",
    "name: api",
    "service:",
    "  container: { image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1, port: 8080 }",
    "targets:",
    "  web: { provider: aws, platform: ecs-fargate, region: eu-west-1, vpc: vpc-0a1b2c3d, cluster: apis }",
    "",
  ].join("\n");
  writeFileSync(join(dir, "apiship.yaml"), text);
  return dir;
}

const rowsOf = (stdout: string): DoctorRow[] =>
  envelope<DoctorCommandResult>({ code: 0, stdout, stderr: "" }).result?.stacks.flatMap((s) => s.rows) ?? [];
const row = (rows: DoctorRow[], target: string | undefined, check: string, name?: string) =>
  rows.find((r) => r.target === target && r.check === check && (name === undefined || r.name === name));

describe("apiship doctor", () => {
  it("passes for hello-fn's development environment on this machine, and creates no state", async () => {
    const stateDir = join(ROOT, "examples/hello-fn/.apiship");
    const before = existsSync(stateDir);
    const r = await apiship(["doctor", "-f", HELLO, "--env", "development"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^local +local\/process +credentials +pass +\S+@\S+ \(the user on this machine\)$/m,
    );
    expect(r.stdout).toMatch(/^local +local\/process +reachable +pass +Node\.js v\d+.* runs nodejs20$/m);
    expect(r.stdout).toMatch(/^\(stack\) +state +pass /m);
    expect(r.stdout).toContain("No check failed.");
    expect(existsSync(stateDir)).toBe(before);
    const json = await apiship(["doctor", "-f", HELLO, "--env", "development", "--json"]);
    const doc = envelope<DoctorCommandResult>(json);
    expect([json.code, doc.status, doc.result?.ok]).toEqual([0, "ok", true]);
    expect(doc.result?.stacks[0]?.rows.map((x) => [x.target, x.check, x.result])).toEqual([
      ["local", "credentials", "pass"],
      ["local", "reachable", "pass"],
      [undefined, "state", "pass"],
    ]);
  });

  it("fails without a DigitalOcean token, with its hint, and names the unset secret's variable only", async () => {
    const dir = doProject();
    const r = await apiship(["doctor"], { cwd: dir, env: { API_KEY: SECRET } });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^app +digitalocean\/app-platform +credentials +fail +target app: no DigitalOcean token/m,
    );
    expect(r.stdout).toMatch(/^ {2}app credentials \(CREDENTIALS\): .*DIGITALOCEAN_TOKEN/m);
    expect(r.stdout).toMatch(/^\(stack\) +secret API_KEY +pass +resolves \(env:API_KEY\)$/m);
    expect(r.stdout).toMatch(/^\(stack\) +secret DB_PASSWORD +fail +unset: SHOP_DB_PASSWORD$/m);
    expect(r.stdout).toMatch(/^ {2}\(stack\) secret DB_PASSWORD \(USAGE\): export SHOP_DB_PASSWORD/m);
    expect(r.stdout).toContain("2 checks failed.");
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(doFake.apiCalls()).toEqual([]);
    const json = await apiship(["doctor", "--json"], { cwd: dir, env: { API_KEY: SECRET } });
    const doc = envelope<DoctorCommandResult>(json);
    expect([json.code, doc.status, doc.error?.code, doc.result?.ok]).toEqual([1, "error", "FAILED", false]);
    expect(row(rowsOf(json.stdout), "app", "credentials")).toMatchObject({
      result: "fail",
      code: "CREDENTIALS",
    });
    expect(json.stdout).not.toContain(SECRET);
  });

  it("passes against the DigitalOcean fake with the token's account shown, making no mutating call", async () => {
    const dir = doProject();
    const env = { DIGITALOCEAN_TOKEN: "do-e2e-token", API_KEY: SECRET, SHOP_DB_PASSWORD: "pw-1234" };
    const r = await apiship(["doctor"], { cwd: dir, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^app +digitalocean\/app-platform +credentials +pass +sammy@digitalocean\.com$/m,
    );
    expect(r.stdout).toMatch(
      /^app +digitalocean\/app-platform +reachable +pass +App Platform answered: 0 apps$/m,
    );
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stdout + r.stderr).not.toContain("pw-1234");
    expect(r.stdout + r.stderr).not.toContain("do-e2e-token");
    expect(doFake.apiCalls().map((c) => `${c.method} ${c.path}`)).toEqual([
      "GET /v2/account",
      "GET /v2/apps",
    ]);
    expect(doFake.mutations()).toEqual([]);
  });

  it("fails for AWS without credentials (instance metadata off), with the credential chain's hint", async () => {
    const r = await apiship(["doctor"], {
      cwd: awsProject(),
      env: { AWS_EC2_METADATA_DISABLED: "true", AWS_ENDPOINT_URL: awsFake.url },
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^web +aws\/ecs-fargate +credentials +fail +GetCallerIdentity: no AWS credentials found/m,
    );
    expect(r.stdout).toMatch(
      /^web +aws\/ecs-fargate +reachable +not checked +the credentials check failed$/m,
    );
    expect(r.stdout).toMatch(/^ {2}web credentials \(CREDENTIALS\): configure credentials \(aws configure/m);
    expect(awsFake.requests).toEqual([]);
  });

  it("passes against the AWS fake with the caller's ARN and account, and reads a recorded state unchanged", async () => {
    const dir = awsProject();
    const env = {
      AWS_ENDPOINT_URL: awsFake.url,
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    };
    // A state file some earlier run wrote: doctor reads it and leaves every byte as it was.
    mkdirSync(join(dir, ".apiship"));
    const seed = await apiship(["doctor", "--json"], { cwd: dir, env });
    expect(seed.code, seed.stdout + seed.stderr).toBe(0);
    const rows = rowsOf(seed.stdout);
    expect(row(rows, "web", "credentials")).toMatchObject({
      result: "pass",
      detail: "arn:aws:iam::210987654321:user/deployer in account 210987654321",
    });
    expect(row(rows, "web", "reachable")).toMatchObject({
      result: "pass",
      detail: "ECS in eu-west-1 answered: no cluster apis yet (the first deploy creates it)",
    });
    expect(row(rows, undefined, "state")?.detail).toMatch(/no state file yet at .*\.apiship\/state\.db/);
    expect(existsSync(join(dir, ".apiship", "state.db"))).toBe(false);
    expect(awsFake.requests.filter(isMutating)).toEqual([]);

    const { SqliteStateStore } = await import("../../src/state/sqlite.js");
    const file = join(dir, ".apiship", "state.db");
    const store = SqliteStateStore.open(file);
    await store.ensure("api/default");
    await store.close();
    const sha = () => createHash("sha256").update(readFileSync(file)).digest("hex");
    const before = sha();
    const again = await apiship(["doctor"], { cwd: dir, env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /^\(stack\) +state +pass +sqlite:.*state\.db: api\/default at serial 0, 0 target\(s\) recorded$/m,
    );
    expect(sha()).toBe(before);
  });

  it("reports a state store it cannot reach, without the URL's password", async () => {
    const r = await apiship([
      "doctor",
      "-f",
      HELLO,
      "--env",
      "development",
      "--state",
      "postgres://u:hunter2@127.0.0.1:9/db",
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^\(stack\) +state +fail +the state store cannot be read: .*ECONNREFUSED/m);
    expect(r.stdout).toMatch(/^ {2}\(stack\) state \(STATE_ERROR\): check --state/m);
    expect(r.stdout + r.stderr).not.toContain("hunter2");
  });
});
