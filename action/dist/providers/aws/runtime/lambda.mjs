// AWS Lambda entry: a function URL (or HTTP API) event in payload format 2.0 → Web Request, the
// app's Response → the 2.0 response object. Handler: `<bundle>.handler`.
// Request: rawPath and rawQueryString are passed on untouched (repeated query keys survive), the
// `cookies` array becomes one Cookie header, headers arrive comma-joined as Lambda sends them, a
// base64 body (isBase64Encoded) is decoded. An HTTP API stage other than $default is not left in
// front of the path. Response: Set-Cookie values go to `cookies`, other repeated headers are
// comma-joined, a binary body is base64 with isBase64Encoded: true.
/* global Headers, Request -- Web globals of Node.js 20 */
import { Buffer } from "node:buffer";
import * as userModule from "apiship:app";
import { callApp, resolveFetch } from "../../_shared/runtime/app.mjs";
import {
  basePathFromEnv,
  buildUrl,
  encodeBody,
  methodHasNoBody,
  responseBytes,
  splitHeaders,
  stripBasePath,
} from "../../_shared/runtime/web.mjs";

const fetchApp = resolveFetch(userModule);
const basePath = basePathFromEnv();

/**
 * @typedef {object} LambdaHttpEvent
 * @property {string} [version]
 * @property {string} [rawPath]
 * @property {string} [rawQueryString]
 * @property {string[]} [cookies]
 * @property {Record<string, string | undefined>} [headers]
 * @property {{ http?: { method?: string }, stage?: string, domainName?: string }} [requestContext]
 * @property {string | null} [body]
 * @property {boolean} [isBase64Encoded]
 */

/**
 * @typedef {object} LambdaHttpResult
 * @property {number} statusCode
 * @property {Record<string, string>} headers
 * @property {string[]} [cookies]
 * @property {string} body
 * @property {boolean} isBase64Encoded
 */

/**
 * @param {LambdaHttpEvent} event
 * @returns {Request}
 */
export function requestFromEvent(event) {
  if (event?.version !== "2.0" || typeof event.requestContext?.http?.method !== "string") {
    throw new TypeError(
      `apiship: expected a Lambda function URL event (payload format 2.0), got version ${JSON.stringify(event?.version)}`,
    );
  }
  const method = event.requestContext.http.method.toUpperCase();
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers.set(name, value);
  }
  if (event.cookies && event.cookies.length > 0) headers.set("cookie", event.cookies.join("; "));
  let rawPath = event.rawPath ?? "/";
  const stage = event.requestContext.stage;
  if (stage && stage !== "$default") rawPath = stripBasePath(rawPath, `/${stage}`);
  rawPath = stripBasePath(rawPath, basePath);
  const url = buildUrl({
    protocol: headers.get("x-forwarded-proto") ?? "https",
    host: headers.get("host") ?? event.requestContext.domainName ?? "localhost",
    path: rawPath,
    query: event.rawQueryString ?? "",
  });
  /** @type {RequestInit} */
  const init = { method, headers };
  if (!methodHasNoBody(method) && typeof event.body === "string") {
    init.body = Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
  }
  return new Request(url, init);
}

/**
 * @param {Response} response
 * @returns {Promise<LambdaHttpResult>}
 */
export async function resultFromResponse(response) {
  const { headers, cookies } = splitHeaders(response.headers);
  const { body, base64 } = encodeBody(await responseBytes(response), response.headers.get("content-type"));
  /** @type {LambdaHttpResult} */
  const result = { statusCode: response.status, headers, body, isBase64Encoded: base64 };
  if (cookies.length > 0) result.cookies = cookies;
  return result;
}

/**
 * @param {LambdaHttpEvent} event
 * @param {unknown} _context
 * @returns {Promise<LambdaHttpResult>}
 */
export const handler = async (event, _context) => {
  const response = await callApp(fetchApp, requestFromEvent(event));
  return resultFromResponse(response);
};
