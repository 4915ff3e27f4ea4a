// A stateful fake of the AWS control plane the Lambda adapter uses, on one 127.0.0.1 port:
// Lambda (REST-JSON under /20xx-xx-xx/), IAM and STS (awsQuery: POST / with Action=), and S3
// (path-style, everything else). Reached the way a LocalStack user reaches LocalStack:
// AWS_ENDPOINT_URL=<fake.url> or a target's `endpoint`. Throttling and 5xx faults answer in
// each service's own protocol; latency, hangs and dropped connections come from the framework.

import type { FakeRequest, FakeResponse, FaultKnobs, RunningFake } from "../_shared/server.js";
import { startFake } from "../_shared/server.js";
import { containerFault, containerOp, handleContainer, handleIamInline, isReadOp } from "./containers.js";
import type { ContainerService } from "./containers.js";
import { handleQuery, isStsAction } from "./iam.js";
import { LAMBDA_ROUTES, notRouted } from "./lambda.js";
import { LAMBDA_EXTRA_ROUTES } from "./lambda-extras.js";
import { internalError, throttled } from "./protocol.js";
import type { Service } from "./protocol.js";
import { handleS3 } from "./s3.js";
import { newWorld } from "./world.js";
import type { FakeWorld } from "./world.js";

export type { FakeWorld } from "./world.js";

export interface AwsFakeOptions {
  knobs?: FaultKnobs;
  world?: Parameters<typeof newWorld>[0];
  logFile?: string;
  /** Awaited before a request is answered: a test can act (signal a deploy) while a call is in flight. */
  beforeAnswer?: (req: FakeRequest) => Promise<void> | void;
}

export interface AwsFake extends RunningFake {
  world: FakeWorld;
  /** Which service each recorded request went to, same order as `requests`. */
  services: (Service | ContainerService)[];
}

const LAMBDA_PATH = /^\/(2015-03-31|2016-08-19|2017-03-31|2017-10-31|2019-09-30|2021-10-31)\//;
const ROUTES = [...LAMBDA_ROUTES, ...LAMBDA_EXTRA_ROUTES];

function queryParams(req: FakeRequest): URLSearchParams | undefined {
  if (req.method !== "POST" || req.path !== "/") return undefined;
  if (!/x-www-form-urlencoded/.test(req.headers["content-type"] ?? "")) return undefined;
  const p = new URLSearchParams(req.body.toString("utf8"));
  return p.has("Action") ? p : undefined;
}

export function serviceOf(req: FakeRequest): Service | ContainerService {
  const container = containerOp(req);
  if (container) return container.service;
  if (LAMBDA_PATH.test(req.path)) return "lambda";
  const p = queryParams(req);
  if (p) return isStsAction(p.get("Action") ?? "") ? "sts" : "iam";
  return "s3";
}

function routeLambda(w: FakeWorld, req: FakeRequest): FakeResponse {
  for (const [method, re, handler] of ROUTES) {
    if (method !== req.method) continue;
    const m = re.exec(req.path);
    if (m) return handler(w, req, m.slice(1), (req.json ?? {}) as Record<string, unknown>);
  }
  return notRouted(req);
}

/** True for a call that changes something (what the benchmark counts as "mutating"). */
export function isMutating(req: FakeRequest): boolean {
  const container = containerOp(req);
  if (container) return !isReadOp(container.op);
  const p = queryParams(req);
  if (p) return !/^(Get|List)/.test(p.get("Action") ?? "");
  return req.method !== "GET" && req.method !== "HEAD";
}

/** The operation a request names, for logs and call counts: "lambda GET /2015-03-31/functions/x". */
export function describeRequest(req: FakeRequest): string {
  const container = containerOp(req);
  if (container) return `${container.service} ${container.op}`;
  const p = queryParams(req);
  return p ? `${serviceOf(req)} ${p.get("Action") ?? ""}` : `${serviceOf(req)} ${req.method} ${req.path}`;
}

export async function startAwsFake(opts: AwsFakeOptions = {}): Promise<AwsFake> {
  const world = newWorld(opts.world);
  const faults: FaultKnobs = { ...opts.knobs };
  const services: (Service | ContainerService)[] = [];
  const handler = (req: FakeRequest): FakeResponse => {
    const rnd = faults.random ?? Math.random;
    const container = containerOp(req);
    services.push(container?.service ?? serviceOf(req));
    if (container) {
      if (faults.throttleRate && rnd() < faults.throttleRate)
        return containerFault(container.service, "throttle");
      if (faults.errorRate && rnd() < faults.errorRate) return containerFault(container.service, "error");
      return handleContainer(world, req, container);
    }
    const service = serviceOf(req) as Service;
    if (faults.throttleRate && rnd() < faults.throttleRate) return throttled(service);
    if (faults.errorRate && rnd() < faults.errorRate) return internalError(service);
    if (service === "lambda") return routeLambda(world, req);
    if (service === "s3") return handleS3(world, req);
    const params = queryParams(req) ?? new URLSearchParams();
    return handleIamInline(world, params) ?? handleQuery(world, params);
  };
  const hook = opts.beforeAnswer;
  const running = await startFake({
    name: "aws",
    handler: hook ? async (req) => (await hook(req), handler(req)) : handler,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  });
  // Throttling and errors are answered above in each protocol's own shape; the framework keeps
  // latency, hangs and drops, read through to the same knobs so a test can flip any of them.
  for (const k of ["latencyMs", "hangRate", "dropRate", "random"] as const) {
    Object.defineProperty(running.knobs, k, { get: () => faults[k], enumerable: true, configurable: true });
  }
  return Object.assign(running, { world, services, knobs: faults });
}
