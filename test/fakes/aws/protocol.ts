// Wire formats of the AWS protocols the fake speaks, per lambda-2015-03-31.json and
// iam-2010-05-08.json: REST-JSON errors (x-amzn-errortype header + JSON body), awsQuery XML
// responses and <ErrorResponse> errors (IAM, STS), and S3's REST-XML <Error>.

import { randomUUID } from "node:crypto";
import type { FakeResponse } from "../_shared/server.js";

export type Service = "lambda" | "iam" | "sts" | "s3";

export const XMLNS: Record<"iam" | "sts", string> = {
  iam: "https://iam.amazonaws.com/doc/2010-05-08/",
  sts: "https://sts.amazonaws.com/doc/2011-06-15/",
};

export function requestId(): string {
  return randomUUID();
}

export function json(status: number, body?: object, headers: Record<string, string> = {}): FakeResponse {
  const out: FakeResponse = {
    status,
    headers: { "x-amzn-requestid": requestId(), "content-type": "application/json", ...headers },
  };
  if (body !== undefined) out.body = JSON.stringify(body);
  return out;
}

/** A Lambda error: the code in x-amzn-errortype, `Type` and the message in the body. */
export function lambdaError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): FakeResponse {
  // ResourceNotFoundException spells its member `Message`; the others `message` (the model's shapes).
  const key = code === "ResourceNotFoundException" ? "Message" : "message";
  return json(
    status,
    { Type: status >= 500 ? "Service" : "User", [key]: message, ...extra },
    { "x-amzn-errortype": code },
  );
}

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&'"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c] ?? c,
  );
}

/** Serializes a plain value as awsQuery XML members (arrays as <member> lists). */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join("");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join("");
  }
  return escapeXml(String(value));
}

export function queryResponse(service: "iam" | "sts", action: string, result?: object): FakeResponse {
  const inner = result === undefined ? "" : `<${action}Result>${toXml(result)}</${action}Result>`;
  const body = `<${action}Response xmlns="${XMLNS[service]}">${inner}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { "content-type": "text/xml" }, body };
}

export function queryError(
  service: "iam" | "sts",
  status: number,
  code: string,
  message: string,
): FakeResponse {
  const type = status >= 500 ? "Receiver" : "Sender";
  const body = `<ErrorResponse xmlns="${XMLNS[service]}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
  return { status, headers: { "content-type": "text/xml" }, body };
}

export function s3Error(status: number, code: string, message: string, head = false): FakeResponse {
  const id = requestId();
  const headers = { "content-type": "application/xml", "x-amz-request-id": id };
  if (head) return { status, headers };
  return {
    status,
    headers,
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${id}</RequestId></Error>`,
  };
}

/** How each protocol says "slow down" and "internal error" (the fault knobs). */
export function throttled(service: Service): FakeResponse {
  if (service === "lambda")
    return lambdaError(429, "TooManyRequestsException", "Rate exceeded", {
      Reason: "CallerRateLimitExceeded",
    });
  if (service === "s3") return s3Error(503, "SlowDown", "Please reduce your request rate.");
  return queryError(service, 400, "Throttling", "Rate exceeded");
}

export function internalError(service: Service): FakeResponse {
  if (service === "lambda") return lambdaError(500, "ServiceException", "Internal failure (injected)");
  if (service === "s3") return s3Error(500, "InternalError", "We encountered an internal error (injected).");
  return queryError(service, 500, "ServiceFailure", "Internal failure (injected)");
}
