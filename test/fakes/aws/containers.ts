// Routing and wire formats of the services the ECS Fargate adapter adds to the AWS fake:
// ECS, Application Auto Scaling and CloudWatch Logs speak JSON 1.1 (POST / with
// `X-Amz-Target: <prefix>.<Operation>`, errors as `{"__type", "message"}`); EC2 (ec2 query:
// `<item>` lists, `<Response><Errors>` errors) and ELBv2 (awsQuery: `<member>` lists,
// `<ErrorResponse>`) take form-encoded `Action=` requests and are told apart by `Version`.
// There is no model copy of EC2, ELBv2, Auto Scaling or Logs here: shapes follow the SDK's
// types (node_modules/@aws-sdk/client-*/dist-types) and the AWS API reference.

import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { EC2_OPS } from "./ec2.js";
import { ECS_OPS } from "./ecs.js";
import { ELB_OPS } from "./elbv2.js";
import { IAM_INLINE_OPS } from "./iam-inline.js";
import { escapeXml, requestId, toXml } from "./protocol.js";
import { LOG_EVENT_OPS } from "./log-events.js";
import { LOGS_OPS, SCALING_OPS } from "./scaling-logs.js";
import type { FakeWorld } from "./world.js";

export type ContainerService = "ecs" | "ec2" | "elbv2" | "autoscaling" | "logs";
export type Params = Record<string, unknown>;

/** A handler's answer: a result to serialize, or an error in the service's own shape. */
export type OpResult = { result?: unknown } | { error: { status: number; code: string; message: string } };
export type Op = (w: FakeWorld, input: Params) => OpResult;

export const ok = (result?: unknown): OpResult => ({ result });
export const fail = (code: string, message: string, status = 400): OpResult => ({
  error: { status, code, message },
});

const TARGETS: Record<string, ContainerService> = {
  AmazonEC2ContainerServiceV20141113: "ecs",
  AnyScaleFrontendService: "autoscaling",
  Logs_20140328: "logs",
};
const VERSIONS: Record<string, ContainerService> = { "2016-11-15": "ec2", "2015-12-01": "elbv2" };
const XMLNS = {
  ec2: "http://ec2.amazonaws.com/doc/2016-11-15/",
  elbv2: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
};
const OPS: Record<ContainerService, Record<string, Op>> = {
  ecs: ECS_OPS,
  ec2: EC2_OPS,
  elbv2: ELB_OPS,
  autoscaling: SCALING_OPS,
  logs: { ...LOGS_OPS, ...LOG_EVENT_OPS },
};

function form(req: FakeRequest): URLSearchParams | undefined {
  if (req.method !== "POST" || !/x-www-form-urlencoded/.test(req.headers["content-type"] ?? ""))
    return undefined;
  return new URLSearchParams(req.body.toString("utf8"));
}

/** The service and operation of a request, when it is one of these services. */
export function containerOp(req: FakeRequest): { service: ContainerService; op: string } | undefined {
  const target = req.headers["x-amz-target"];
  if (target) {
    const [prefix = "", op = ""] = target.split(".");
    const service = TARGETS[prefix];
    return service ? { service, op } : undefined;
  }
  const p = form(req);
  const service = VERSIONS[p?.get("Version") ?? ""];
  return service && p ? { service, op: p.get("Action") ?? "" } : undefined;
}

export const isReadOp = (op: string) => /^(Describe|Get|List|Filter)/.test(op);

/** Query parameters as nested values: `Filter.1.Value.1` → {Filter: [{Value: [..]}]}; `member` dropped. */
export function parseQuery(p: URLSearchParams): Params {
  const root: Params = {};
  for (const [key, value] of p) {
    if (key === "Action" || key === "Version") continue;
    const parts = key.split(".").filter((s) => s !== "member");
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const next = parts[i + 1];
      const k: string | number = /^\d+$/.test(part) ? Number(part) - 1 : part;
      const holder = node as Record<string | number, unknown>;
      if (last) holder[k] = value;
      else holder[k] ??= next !== undefined && /^\d+$/.test(next) ? [] : {};
      node = holder[k] as Record<string, unknown>;
    });
  }
  return root;
}

function ec2Xml(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((v) => `<item>${ec2Xml(v)}</item>`).join("");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${ec2Xml(v)}</${k}>`)
      .join("");
  }
  return escapeXml(String(value));
}

function respond(service: ContainerService, op: string, out: OpResult): FakeResponse {
  const id = requestId();
  if ("error" in out) {
    const { status, code, message } = out.error;
    if (service === "ec2") {
      const body = `<Response><Errors><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`;
      return { status, headers: { "content-type": "text/xml" }, body };
    }
    if (service === "elbv2") {
      const type = status >= 500 ? "Receiver" : "Sender";
      const body = `<ErrorResponse xmlns="${XMLNS.elbv2}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
      return { status, headers: { "content-type": "text/xml" }, body };
    }
    const headers = {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-requestid": id,
      "x-amzn-errortype": code,
    };
    return { status, headers, body: JSON.stringify({ __type: code, message }) };
  }
  if (service === "ec2") {
    const body = `<${op}Response xmlns="${XMLNS.ec2}"><requestId>${id}</requestId>${ec2Xml(out.result)}</${op}Response>`;
    return { status: 200, headers: { "content-type": "text/xml" }, body };
  }
  if (service === "elbv2") {
    const inner = out.result === undefined ? "" : `<${op}Result>${toXml(out.result)}</${op}Result>`;
    const body = `<${op}Response xmlns="${XMLNS.elbv2}">${inner}<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${op}Response>`;
    return { status: 200, headers: { "content-type": "text/xml" }, body };
  }
  const headers = { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": id };
  return { status: 200, headers, body: JSON.stringify(out.result ?? {}) };
}

export function handleContainer(
  w: FakeWorld,
  req: FakeRequest,
  where: { service: ContainerService; op: string },
) {
  const handler = OPS[where.service][where.op];
  if (!handler)
    return respond(where.service, where.op, fail("InvalidAction", `operation ${where.op} is not faked`));
  const p = form(req);
  const input = p ? parseQuery(p) : ((req.json ?? {}) as Params);
  return respond(where.service, where.op, handler(w, input));
}

/** IAM inline role policies (the ECS execution role's secrets policy), ahead of the IAM fake. */
export function handleIamInline(w: FakeWorld, p: URLSearchParams): FakeResponse | undefined {
  const op = IAM_INLINE_OPS[p.get("Action") ?? ""];
  return op ? op(w, p) : undefined;
}

/** Throttling and injected 500s in each of these protocols. */
export function containerFault(service: ContainerService, kind: "throttle" | "error"): FakeResponse {
  const out =
    kind === "throttle"
      ? fail(
          service === "ec2"
            ? "RequestLimitExceeded"
            : service === "elbv2"
              ? "Throttling"
              : "ThrottlingException",
          "Rate exceeded",
        )
      : fail(
          service === "ec2" ? "InternalError" : service === "elbv2" ? "InternalFailure" : "ServerException",
          "Internal failure (injected)",
          500,
        );
  return respond(service, "", out);
}
