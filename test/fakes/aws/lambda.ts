// A stateful fake of the Lambda control plane (REST-JSON), paths and status codes from the
// model's smithy.api#http traits. A new function is Pending and an updated one InProgress for
// `transitionMs`, and a change meanwhile is refused with ResourceConflictException, as Lambda does.

import { createHash } from "node:crypto";
import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { json, lambdaError } from "./protocol.js";
import type { FakeWorld, LambdaFn } from "./world.js";
import { configOf, publishVersion } from "./world.js";

type Body = Record<string, unknown>;
type Handler = (w: FakeWorld, req: FakeRequest, m: string[], body: Body) => FakeResponse;

const notFound = (what: string) => lambdaError(404, "ResourceNotFoundException", `${what} not found`);
const conflict = (msg: string) => lambdaError(409, "ResourceConflictException", msg);

function fnOr404(w: FakeWorld, name: string): LambdaFn | FakeResponse {
  return (
    w.functions.get(name) ??
    notFound(`Function not found: arn:aws:lambda:${w.region}:${w.account}:function:${name}`)
  );
}

const isResp = (v: unknown): v is FakeResponse => typeof v === "object" && v !== null && "status" in v;

function busy(w: FakeWorld, fn: LambdaFn): FakeResponse | undefined {
  if (w.now() < fn.pendingUntil || w.now() < fn.updatingUntil) {
    return conflict(
      `The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`,
    );
  }
  return undefined;
}

/** A qualifier that names an alias must name one that exists. */
function qualifierOk(fn: LambdaFn, q: string | null): FakeResponse | undefined {
  if (q === null || q === "$LATEST" || /^\d+$/.test(q) || fn.aliases.has(q)) return undefined;
  return notFound(`Alias not found: ${fn.arn}:${q}`);
}

function codeOf(w: FakeWorld, body: Body): { sha: string; size: number } | FakeResponse {
  let bytes: Buffer | undefined;
  if (typeof body.ZipFile === "string") bytes = Buffer.from(body.ZipFile, "base64");
  else if (typeof body.S3Bucket === "string" && typeof body.S3Key === "string") {
    bytes = w.buckets.get(body.S3Bucket)?.objects.get(body.S3Key);
    if (!bytes)
      return lambdaError(
        400,
        "InvalidParameterValueException",
        `Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Bucket: ${body.S3Bucket}, S3 Key: ${body.S3Key}`,
      );
  }
  if (!bytes)
    return lambdaError(400, "InvalidParameterValueException", "Please provide a source for function code.");
  return { sha: createHash("sha256").update(bytes).digest("base64"), size: bytes.length };
}

const createFunction: Handler = (w, _req, _m, b) => {
  const name = String(b.FunctionName ?? "");
  if (w.functions.has(name)) return conflict(`Function already exist: ${name}`);
  if (typeof b.Runtime === "string" && w.unsupportedRuntimes.includes(b.Runtime)) {
    return lambdaError(
      400,
      "InvalidParameterValueException",
      `The runtime parameter of ${b.Runtime} is no longer supported for creating or updating AWS Lambda functions.`,
    );
  }
  const code = codeOf(w, (b.Code ?? {}) as Body);
  if (isResp(code)) return code;
  const arn = `arn:aws:lambda:${w.region}:${w.account}:function:${name}`;
  const fn: LambdaFn = {
    name,
    arn,
    config: { ...b, Code: undefined, Tags: undefined, Publish: undefined, ZipFile: undefined },
    codeSha256: code.sha,
    codeSize: code.size,
    tags: { ...(b.Tags as Record<string, string> | undefined) },
    versions: [],
    aliases: new Map(),
    urls: new Map(),
    policies: new Map(),
    provisioned: new Map(),
    pendingUntil: w.now() + w.transitionMs,
    updatingUntil: 0,
    revision: 1,
  };
  w.functions.set(name, fn);
  return json(201, configOf(w, fn));
};

const getFunction: Handler = (w, req, m) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  const q = req.query.get("Qualifier");
  const bad = qualifierOk(fn, q);
  if (bad) return bad;
  const out: Body = {
    Configuration: configOf(w, fn, q ?? undefined),
    Code: {
      RepositoryType: "S3",
      Location: `https://awslambda-${w.region}-tasks.s3.${w.region}.amazonaws.com/snapshots/${w.account}/${fn.name}`,
    },
    Tags: fn.tags,
  };
  if (fn.reserved !== undefined) out.Concurrency = { ReservedConcurrentExecutions: fn.reserved };
  return json(200, out);
};

const getConfiguration: Handler = (w, req, m) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  const q = req.query.get("Qualifier");
  return qualifierOk(fn, q) ?? json(200, configOf(w, fn, q ?? undefined));
};

function startUpdate(w: FakeWorld, fn: LambdaFn): void {
  fn.updatingUntil = w.now() + w.transitionMs;
  fn.revision += 1;
}

const updateCode: Handler = (w, _req, m, b) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  const code = busy(w, fn) ?? codeOf(w, b);
  if (isResp(code)) return code;
  fn.codeSha256 = code.sha;
  fn.codeSize = code.size;
  startUpdate(w, fn);
  return json(200, configOf(w, fn));
};

const updateConfiguration: Handler = (w, _req, m, b) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  const refused = busy(w, fn);
  if (refused) return refused;
  fn.config = { ...fn.config, ...b, FunctionName: fn.name };
  startUpdate(w, fn);
  return json(200, configOf(w, fn));
};

const deleteFunction: Handler = (w, _req, m) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  w.functions.delete(fn.name);
  return json(204);
};

const publish: Handler = (w, _req, m, b) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  const refused = busy(w, fn);
  if (refused) return refused;
  if (typeof b.CodeSha256 === "string" && b.CodeSha256 !== "" && b.CodeSha256 !== fn.codeSha256) {
    return lambdaError(
      400,
      "InvalidParameterValueException",
      `CodeSha256 (${b.CodeSha256}) is different from current CodeSha256 in $LATEST (${fn.codeSha256}). Please try again with the CodeSha256 in $LATEST.`,
    );
  }
  return json(201, configOf(w, fn, publishVersion(fn)));
};

function aliasBody(fn: LambdaFn, name: string): Body {
  const a = fn.aliases.get(name);
  return {
    AliasArn: `${fn.arn}:${name}`,
    Name: name,
    FunctionVersion: a?.version,
    RevisionId: a?.revision,
    Description: "",
  };
}

const createAlias: Handler = (w, _req, m, b) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  const name = String(b.Name ?? "");
  if (fn.aliases.has(name)) return conflict(`Alias already exists: ${fn.arn}:${name}`);
  const version = String(b.FunctionVersion ?? "");
  if (!fn.versions.some((v) => v.version === version))
    return notFound(`Function not found: ${fn.arn}:${version}`);
  fn.aliases.set(name, { version, revision: w.revision() });
  return json(201, aliasBody(fn, name));
};

const getAlias: Handler = (w, _req, m) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  return fn.aliases.has(m[1] ?? "")
    ? json(200, aliasBody(fn, m[1] ?? ""))
    : notFound(`Alias not found: ${fn.arn}:${m[1]}`);
};

const updateAlias: Handler = (w, _req, m, b) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  const a = fn.aliases.get(m[1] ?? "");
  if (!a) return notFound(`Alias not found: ${fn.arn}:${m[1]}`);
  if (typeof b.FunctionVersion === "string") {
    if (!fn.versions.some((v) => v.version === b.FunctionVersion))
      return notFound(`Function not found: ${fn.arn}:${b.FunctionVersion}`);
    a.version = b.FunctionVersion;
  }
  a.revision = w.revision();
  return json(200, aliasBody(fn, m[1] ?? ""));
};

const deleteAlias: Handler = (w, _req, m) => {
  const fn = fnOr404(w, m[0] ?? "");
  if (isResp(fn)) return fn;
  fn.aliases.delete(m[1] ?? "");
  fn.urls.delete(m[1] ?? "");
  fn.provisioned.delete(m[1] ?? "");
  fn.policies.delete(m[1] ?? "");
  return json(204);
};

export const LAMBDA_ROUTES: [string, RegExp, Handler][] = [
  ["POST", /^\/2015-03-31\/functions\/?$/, createFunction],
  ["GET", /^\/2015-03-31\/functions\/([^/]+)$/, getFunction],
  ["DELETE", /^\/2015-03-31\/functions\/([^/]+)$/, deleteFunction],
  ["GET", /^\/2015-03-31\/functions\/([^/]+)\/configuration$/, getConfiguration],
  ["PUT", /^\/2015-03-31\/functions\/([^/]+)\/configuration$/, updateConfiguration],
  ["PUT", /^\/2015-03-31\/functions\/([^/]+)\/code$/, updateCode],
  ["POST", /^\/2015-03-31\/functions\/([^/]+)\/versions$/, publish],
  ["POST", /^\/2015-03-31\/functions\/([^/]+)\/aliases$/, createAlias],
  ["GET", /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/, getAlias],
  ["PUT", /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/, updateAlias],
  ["DELETE", /^\/2015-03-31\/functions\/([^/]+)\/aliases\/([^/]+)$/, deleteAlias],
];

export function notRouted(req: FakeRequest): FakeResponse {
  return lambdaError(404, "UnknownOperationException", `no route for ${req.method} ${req.path}`);
}
