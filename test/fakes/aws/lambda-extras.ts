// The fake's Lambda routes around a function: Function URLs (2021-10-31), the resource-based
// policy, provisioned (2019-09-30) and reserved (2017-10-31, read under 2019-09-30) concurrency,
// tags (2017-03-31, by ARN), and the region's account settings (2016-08-19, GetAccountSettings).

import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { json, lambdaError } from "./protocol.js";
import type { FakeWorld, LambdaFn } from "./world.js";

type Body = Record<string, unknown>;
type Handler = (w: FakeWorld, req: FakeRequest, m: string[], body: Body) => FakeResponse;

const notFound = (what: string) => lambdaError(404, "ResourceNotFoundException", what);

/** The function and a qualifier that must be an existing alias (or absent, for $LATEST). */
function target(w: FakeWorld, name: string, q: string | null): { fn: LambdaFn; q: string } | FakeResponse {
  const fn = w.functions.get(name);
  if (!fn) return notFound(`Function not found: arn:aws:lambda:${w.region}:${w.account}:function:${name}`);
  if (q !== null && !fn.aliases.has(q) && !/^\d+$/.test(q))
    return notFound(`Alias not found: ${fn.arn}:${q}`);
  return { fn, q: q ?? "$LATEST" };
}

const isResp = (v: unknown): v is FakeResponse => typeof v === "object" && v !== null && "status" in v;

function urlBody(fn: LambdaFn, q: string): Body {
  const u = fn.urls.get(q);
  return {
    FunctionUrl: u?.url,
    FunctionArn: q === "$LATEST" ? fn.arn : `${fn.arn}:${q}`,
    AuthType: u?.authType,
    CreationTime: u?.created,
    LastModifiedTime: u?.created,
    InvokeMode: "BUFFERED",
  };
}

const createUrl: Handler = (w, req, m, b) => {
  const t = target(w, m[0] ?? "", req.query.get("Qualifier"));
  if (isResp(t)) return t;
  if (t.fn.urls.has(t.q))
    return lambdaError(
      409,
      "ResourceConflictException",
      `Failed to create function url config for [functionArn = ${t.fn.arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
    );
  if (b.AuthType !== "NONE" && b.AuthType !== "AWS_IAM")
    return lambdaError(
      400,
      "ValidationException",
      "1 validation error detected: Value at 'authType' failed to satisfy constraint",
    );
  t.fn.urls.set(t.q, {
    url: w.urlFor(t.fn.name, t.q),
    authType: b.AuthType,
    created: new Date(w.now()).toISOString(),
  });
  return json(201, urlBody(t.fn, t.q));
};

const getUrl: Handler = (w, req, m) => {
  const t = target(w, m[0] ?? "", req.query.get("Qualifier"));
  if (isResp(t)) return t;
  return t.fn.urls.has(t.q)
    ? json(200, urlBody(t.fn, t.q))
    : notFound("The resource you requested does not exist.");
};

const updateUrl: Handler = (w, req, m, b) => {
  const t = target(w, m[0] ?? "", req.query.get("Qualifier"));
  if (isResp(t)) return t;
  const u = t.fn.urls.get(t.q);
  if (!u) return notFound("The resource you requested does not exist.");
  if (typeof b.AuthType === "string") u.authType = b.AuthType;
  return json(200, urlBody(t.fn, t.q));
};

const deleteUrl: Handler = (w, req, m) => {
  const t = target(w, m[0] ?? "", req.query.get("Qualifier"));
  if (isResp(t)) return t;
  if (!t.fn.urls.delete(t.q)) return notFound("The resource you requested does not exist.");
  return json(204);
};

const addPermission: Handler = (w, req, m, b) => {
  const t = target(w, m[0] ?? "", req.query.get("Qualifier"));
  if (isResp(t)) return t;
  const list = t.fn.policies.get(t.q) ?? [];
  if (list.some((s) => s.Sid === b.StatementId))
    return lambdaError(
      409,
      "ResourceConflictException",
      `The statement id (${String(b.StatementId)}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
    );
  const principal = b.Principal === "*" ? "*" : { Service: b.Principal };
  const condition: Body = {};
  if (b.FunctionUrlAuthType) condition.StringEquals = { "lambda:FunctionUrlAuthType": b.FunctionUrlAuthType };
  if (b.InvokedViaFunctionUrl) condition.Bool = { "lambda:InvokedViaFunctionUrl": "true" };
  const statement: Body = {
    Sid: b.StatementId,
    Effect: "Allow",
    Principal: principal,
    Action: b.Action,
    Resource: t.q === "$LATEST" ? t.fn.arn : `${t.fn.arn}:${t.q}`,
  };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  t.fn.policies.set(t.q, [...list, statement]);
  return json(201, { Statement: JSON.stringify(statement) });
};

const getPolicy: Handler = (w, req, m) => {
  const t = target(w, m[0] ?? "", req.query.get("Qualifier"));
  if (isResp(t)) return t;
  const list = t.fn.policies.get(t.q);
  if (!list?.length) return notFound("The resource you requested does not exist.");
  return json(200, {
    Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: list }),
    RevisionId: w.revision(),
  });
};

const removePermission: Handler = (w, req, m) => {
  const t = target(w, m[0] ?? "", req.query.get("Qualifier"));
  if (isResp(t)) return t;
  const list = t.fn.policies.get(t.q) ?? [];
  const rest = list.filter((s) => s.Sid !== m[1]);
  if (rest.length === list.length) return notFound("No policy is associated with the given resource.");
  t.fn.policies.set(t.q, rest);
  return json(204);
};

function provisionedBody(n: number): Body {
  return {
    RequestedProvisionedConcurrentExecutions: n,
    AvailableProvisionedConcurrentExecutions: n,
    AllocatedProvisionedConcurrentExecutions: n,
    Status: "READY",
    LastModified: "2024-11-05T12:00:00+0000",
  };
}

const putProvisioned: Handler = (w, req, m, b) => {
  const q = req.query.get("Qualifier");
  if (q === null || q === "$LATEST")
    return lambdaError(
      400,
      "InvalidParameterValueException",
      "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
    );
  const t = target(w, m[0] ?? "", q);
  if (isResp(t)) return t;
  const n = Number(b.ProvisionedConcurrentExecutions);
  t.fn.provisioned.set(t.q, n);
  return json(202, {
    ...provisionedBody(n),
    AvailableProvisionedConcurrentExecutions: 0,
    AllocatedProvisionedConcurrentExecutions: 0,
    Status: "IN_PROGRESS",
  });
};

const getProvisioned: Handler = (w, req, m) => {
  const t = target(w, m[0] ?? "", req.query.get("Qualifier"));
  if (isResp(t)) return t;
  const n = t.fn.provisioned.get(t.q);
  if (n === undefined)
    return lambdaError(
      404,
      "ProvisionedConcurrencyConfigNotFoundException",
      "No Provisioned Concurrency Config found for this function",
    );
  return json(200, provisionedBody(n));
};

const deleteProvisioned: Handler = (w, req, m) => {
  const t = target(w, m[0] ?? "", req.query.get("Qualifier"));
  if (isResp(t)) return t;
  t.fn.provisioned.delete(t.q);
  return json(204);
};

const putConcurrency: Handler = (w, _req, m, b) => {
  const t = target(w, m[0] ?? "", null);
  if (isResp(t)) return t;
  t.fn.reserved = Number(b.ReservedConcurrentExecutions);
  return json(200, { ReservedConcurrentExecutions: t.fn.reserved });
};

const getConcurrency: Handler = (w, _req, m) => {
  const t = target(w, m[0] ?? "", null);
  if (isResp(t)) return t;
  return json(200, t.fn.reserved === undefined ? {} : { ReservedConcurrentExecutions: t.fn.reserved });
};

const deleteConcurrency: Handler = (w, _req, m) => {
  const t = target(w, m[0] ?? "", null);
  if (isResp(t)) return t;
  delete t.fn.reserved;
  return json(204);
};

function byArn(w: FakeWorld, arn: string): LambdaFn | FakeResponse {
  const fn = [...w.functions.values()].find((f) => f.arn === arn);
  return fn ?? notFound(`Function not found: ${arn}`);
}

const tagResource: Handler = (w, _req, m, b) => {
  const fn = byArn(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  Object.assign(fn.tags, b.Tags as Record<string, string>);
  return json(204);
};

const listTags: Handler = (w, _req, m) => {
  const fn = byArn(w, m[0] ?? "");
  return isResp(fn) ? fn : json(200, { Tags: fn.tags });
};

const untagResource: Handler = (w, req, m) => {
  const fn = byArn(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  for (const k of req.query.getAll("tagKeys")) delete fn.tags[k];
  return json(204);
};

/** GetAccountSettings: the region's quotas (Lambda's defaults) and what the account uses. */
const accountSettings: Handler = (w) => {
  const functions = [...w.functions.values()];
  return json(200, {
    AccountLimit: {
      TotalCodeSize: 80530636800,
      CodeSizeUnzipped: 262144000,
      CodeSizeZipped: 52428800,
      ConcurrentExecutions: 1000,
      UnreservedConcurrentExecutions: 1000 - functions.reduce((n, f) => n + (f.reserved ?? 0), 0),
    },
    AccountUsage: { TotalCodeSize: 0, FunctionCount: functions.length },
  });
};

const FN = "([^/]+)";
export const LAMBDA_EXTRA_ROUTES: [string, RegExp, Handler][] = [
  ["POST", new RegExp(`^/2021-10-31/functions/${FN}/url$`), createUrl],
  ["GET", new RegExp(`^/2021-10-31/functions/${FN}/url$`), getUrl],
  ["PUT", new RegExp(`^/2021-10-31/functions/${FN}/url$`), updateUrl],
  ["DELETE", new RegExp(`^/2021-10-31/functions/${FN}/url$`), deleteUrl],
  ["POST", new RegExp(`^/2015-03-31/functions/${FN}/policy$`), addPermission],
  ["GET", new RegExp(`^/2015-03-31/functions/${FN}/policy$`), getPolicy],
  ["DELETE", new RegExp(`^/2015-03-31/functions/${FN}/policy/([^/]+)$`), removePermission],
  ["PUT", new RegExp(`^/2019-09-30/functions/${FN}/provisioned-concurrency$`), putProvisioned],
  ["GET", new RegExp(`^/2019-09-30/functions/${FN}/provisioned-concurrency$`), getProvisioned],
  ["DELETE", new RegExp(`^/2019-09-30/functions/${FN}/provisioned-concurrency$`), deleteProvisioned],
  ["PUT", new RegExp(`^/2017-10-31/functions/${FN}/concurrency$`), putConcurrency],
  ["GET", new RegExp(`^/2019-09-30/functions/${FN}/concurrency$`), getConcurrency],
  ["DELETE", new RegExp(`^/2017-10-31/functions/${FN}/concurrency$`), deleteConcurrency],
  ["POST", /^\/2017-03-31\/tags\/(.+)$/, tagResource],
  ["GET", /^\/2017-03-31\/tags\/(.+)$/, listTags],
  ["DELETE", /^\/2017-03-31\/tags\/(.+)$/, untagResource],
  ["GET", /^\/2016-08-19\/account-settings\/?$/, accountSettings],
];
