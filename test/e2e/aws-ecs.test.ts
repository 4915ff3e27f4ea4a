// examples/sentiment-api on its aws/ecs-fargate target through the built CLI, against the
// stateful AWS fake on 127.0.0.1 reached the way a LocalStack user reaches LocalStack
// (AWS_ENDPOINT_URL and fake credentials). The fake hands out "127.0.0.1:PORT" as the load
// balancer's DNS name, so the health check of http://<DNSName>/healthz after each deploy is
// answered by a local server that stands in for the ALB.

import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { DestroyCommandResult } from "../../src/cli/commands/destroy.js";
import type { HistoryResult } from "../../src/cli/commands/history.js";
import type { OutputsResult } from "../../src/cli/commands/outputs.js";
import type { StatusCommandResult } from "../../src/cli/commands/status.js";
import { isMutating, startAwsFake } from "../fakes/aws/index.js";
import type { AwsFake } from "../fakes/aws/index.js";
import { jsonStream } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { ROOT, apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const NAME = "sentiment-api-production-fargate";
const IMAGE = (tag: string) => `ghcr.io/acme/sentiment-api:${tag}`;
const PULL_ERROR =
  "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ghcr.io/acme/sentiment-api:v3: not found";

interface AlbStandIn {
  /** What the fake hands out as the ALB's DNS name. */
  host: string;
  /** Requests for /healthz (anything else gets a 404). */
  hits: number;
  close(): Promise<void>;
}

async function albStandIn(): Promise<AlbStandIn> {
  const state = { hits: 0 };
  const server = createServer((req, res) => {
    const ok = req.url === "/healthz";
    if (ok) state.hits++;
    res.writeHead(ok ? 200 : 404, { "content-type": "text/plain" });
    res.end(ok ? "ok" : "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return Object.assign(state, { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, close });
}

/** A copy of the example's manifest whose production environment holds only `fargate`. */
function manifestDir(): string {
  const dir = tempDir("apiship-e2e-ecs-");
  const doc = parse(readFileSync(join(ROOT, "examples/sentiment-api/apiship.yaml"), "utf8")) as {
    service: { container: { image: string } };
    targets: Record<string, unknown>;
    environments: Record<string, Record<string, unknown>>;
    defaultEnvironment?: string;
  };
  doc.service.container.image = IMAGE("v1");
  doc.targets = { fargate: doc.targets.fargate };
  doc.environments = { production: { ...doc.environments.production, targets: ["fargate"] } };
  doc.defaultEnvironment = "production";
  writeFileSync(join(dir, "apiship.yaml"), stringify(doc));
  return dir;
}

/** Edits the manifest's image, as a user bumping the tag would. */
function setImage(tag: string): void {
  const file = join(dir, "apiship.yaml");
  const text = readFileSync(file, "utf8");
  const next = text.replace(/ghcr\.io\/acme\/sentiment-api:v\d+/, IMAGE(tag));
  expect(next).not.toBe(text);
  writeFileSync(file, next);
}

let alb: AlbStandIn;
let fake: AwsFake;
let dir: string;
let env: Record<string, string>;

const cli = (args: string[]): Promise<RunResult> => apiship(args, { cwd: dir, env });
const mutatingCalls = () => fake.requests.filter(isMutating).length;
const service = () => fake.world.ecs.services.get(`apiship/${NAME}`);
const revisionOf = (arn: string | undefined) => Number(arn?.split(":").pop());
const revisions = () => fake.world.ecs.taskDefs.filter((t) => t.family === NAME);
const imageOfRevision = (rev: number) =>
  (
    revisions().find((t) => t.revision === rev)?.body.containerDefinitions as { image?: string }[] | undefined
  )?.[0]?.image;

beforeAll(async () => {
  ensureBuilt();
  alb = await albStandIn();
  fake = await startAwsFake();
  fake.world.ecs.rolloutMs = 20;
  fake.world.elb.dnsNameFor = () => alb.host;
  dir = manifestDir();
  env = {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_REGION: "us-east-1",
    APISHIP_AWS_POLL_MS: "5",
    HF_TOKEN: "hf-e2e-token",
  };
}, 180_000);
afterAll(async () => {
  await fake?.close();
  await alb?.close();
  cleanup();
});

describe.sequential("aws/ecs-fargate through the built CLI", () => {
  it("plan against the fake shows what will be created, and changes nothing", async () => {
    const r = await cli(["plan"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fargate\.service "sentiment-api-production-fargate" will be created/);
    expect(r.stdout).toMatch(/Plan: 8 to create, 0 to update, 0 to replace, 0 to delete\./);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(mutatingCalls()).toBe(0);
  });

  it("deploy creates cluster, task definition 1, service, ALB, target group and listener; health passes", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: out } = jsonStream<DeployCommandResult>(r);
    expect(out.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["fargate", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    expect(alb.hits).toBeGreaterThan(0);
    const w = fake.world;
    expect(w.ecs.clusters.get("apiship")?.status).toBe("ACTIVE");
    expect(revisions().map((t) => t.revision)).toEqual([1]);
    expect(imageOfRevision(1)).toBe(IMAGE("v1"));
    expect(service()?.status).toBe("ACTIVE");
    expect(revisionOf(service()?.taskDefinition)).toBe(1);
    // The production overlay's scaling.min of 2.
    expect(service()?.desiredCount).toBe(2);
    const lbs = [...w.elb.loadBalancers.values()];
    expect(lbs.map((lb) => lb.name)).toEqual([NAME]);
    const tgs = [...w.elb.targetGroups.values()];
    expect(tgs).toHaveLength(1);
    expect(tgs[0]?.HealthCheckPath).toBe("/healthz");
    const listeners = [...w.elb.listeners.values()];
    expect(listeners.map((l) => [l.lbArn, l.tgArns, l.Port])).toEqual([[lbs[0]?.arn, [tgs[0]?.arn], 80]]);
    // Load balancer and task security groups, log group, execution role, scaling target.
    expect([w.ec2.groups.size, w.logs.groups.size, w.roles.size, w.scaling.targets.size]).toEqual([
      2, 1, 1, 1,
    ]);
  });

  it("status reports ready at the ALB endpoint; outputs print it", async () => {
    const st = await cli(["status", "--json"]);
    expect(st.code, st.stderr).toBe(0);
    const t = envelope<StatusCommandResult>(st).result?.stacks[0]?.targets[0];
    expect([t?.target, t?.health, t?.endpoint, t?.drift]).toEqual([
      "fargate",
      "ready",
      `http://${alb.host}`,
      false,
    ]);
    const out = envelope<OutputsResult>(await cli(["outputs", "--json"])).result?.stacks[0]?.targets[0];
    expect(out?.endpoint).toBe(`http://${alb.host}`);
    expect(out?.outputs.cluster).toBe("apiship");
    expect(revisionOf(out?.outputs.taskDefinition)).toBe(1);
  });

  it("an unchanged redeploy makes no mutating AWS call", async () => {
    const before = mutatingCalls();
    const requests = fake.requests.length;
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(fake.requests.length).toBeGreaterThan(requests);
    expect(mutatingCalls()).toBe(before);
  });

  it("an image change registers revision 2 and moves the service to it", async () => {
    setImage("v2");
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(revisions().map((t) => t.revision)).toEqual([1, 2]);
    expect(imageOfRevision(2)).toBe(IMAGE("v2"));
    expect(revisionOf(service()?.taskDefinition)).toBe(2);
    expect(service()?.deployments.map((d) => d.rolloutState)).toEqual(["COMPLETED"]);
  });

  it("a rollout whose image cannot be pulled fails with the stop reason and stays on revision 2", async () => {
    fake.world.ecs.failImages[IMAGE("v3")] = PULL_ERROR;
    setImage("v3");
    const r = await cli(["deploy", "--yes"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^ {2}fargate {2}rolled-back /m);
    expect(r.stdout).toContain(`stopped tasks: ${PULL_ERROR}`);
    expect(r.stdout).toMatch(/hint: the circuit breaker rolled the service back/);
    expect(imageOfRevision(3)).toBe(IMAGE("v3"));
    const svc = service();
    expect(revisionOf(svc?.taskDefinition)).toBe(2);
    expect(svc?.deployments.find((d) => d.status === "PRIMARY")?.rolloutState).toBe("COMPLETED");
    const h = envelope<HistoryResult>(await cli(["history", "--json"]));
    const last = h.result?.stacks[0]?.releases[0];
    expect(last?.result).toBe("rolled-back");
    expect(last?.summary.join("\n")).toContain("CannotPullContainerError");
    const st = envelope<StatusCommandResult>(await cli(["status", "--json"]));
    expect(st.result?.stacks[0]?.targets[0]?.health).toBe("ready");
  });

  it("rollback --yes puts the service back on the previous healthy revision", async () => {
    const r = await cli(["rollback", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(revisionOf(service()?.taskDefinition)).toBe(1);
    expect(r.stdout).toMatch(/fargate {2}rolled-back .*release sentiment-api-production-fargate:1/);
    // Native rollback moves the service; it registers nothing new.
    expect(revisions().map((t) => t.revision)).toEqual([1, 2, 3]);
    const st = envelope<StatusCommandResult>(await cli(["status", "--json"]));
    expect(st.result?.stacks[0]?.targets[0]?.release).toMatch(/:1$/);
  });

  it("destroy removes everything apiship created; a second destroy exits 0", async () => {
    const r = await cli(["destroy", "--confirm", "production", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = jsonStream<DestroyCommandResult>(r).envelope;
    expect(out.result?.stacks[0]?.targets.map((t) => [t.target, t.status])).toEqual([
      ["fargate", "destroyed"],
    ]);
    const w = fake.world;
    expect([...w.ecs.services.values()].filter((s) => s.status === "ACTIVE")).toEqual([]);
    expect(w.ecs.clusters.get("apiship")?.status ?? "INACTIVE").toBe("INACTIVE");
    expect(revisions().filter((t) => t.status === "ACTIVE")).toEqual([]);
    expect([w.elb.loadBalancers.size, w.elb.targetGroups.size, w.elb.listeners.size]).toEqual([0, 0, 0]);
    expect([w.ec2.groups.size, w.logs.groups.size, w.roles.size, w.scaling.targets.size]).toEqual([
      0, 0, 0, 0,
    ]);
    expect([w.scaling.policies.size, w.inlinePolicies.size]).toEqual([0, 0]);
    const before = mutatingCalls();
    const again = await cli(["destroy", "--confirm", "production"]);
    expect(again.code, again.stderr).toBe(0);
    expect(mutatingCalls()).toBe(before);
  });
});
