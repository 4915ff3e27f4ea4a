// DigitalOcean Functions entry: `main(args)` for an OpenWhisk web action with raw HTTP handling
// (project.yml: `web: raw`, i.e. the `raw-http: true` annotation). The action receives
// __ow_method, __ow_path (the path after the action's name), __ow_headers, __ow_query (the query
// string as sent) and __ow_body (base64 when the content type is binary, JSON included; plain text
// otherwise). It returns { statusCode, headers, body } with a base64 body for every non-text
// content type; several Set-Cookie values go as an array.
/* global Headers, Request -- Web globals of Node.js 20 */
import { Buffer } from "node:buffer";
import * as userModule from "apiship:app";
import { callApp, resolveFetch } from "../../_shared/runtime/app.mjs";
import {
  basePathFromEnv,
  buildUrl,
  encodeBody,
  isTextContentType,
  methodHasNoBody,
  responseBytes,
  splitHeaders,
  stripBasePath,
  utf8OrUndefined,
} from "../../_shared/runtime/web.mjs";

const fetchApp = resolveFetch(userModule);
const basePath = basePathFromEnv();

/**
 * @typedef {object} WebActionArgs
 * @property {string} [__ow_method]
 * @property {string} [__ow_path]
 * @property {Record<string, string>} [__ow_headers]
 * @property {string} [__ow_query]
 * @property {string} [__ow_body]
 */

/**
 * @typedef {object} WebActionResult
 * @property {number} statusCode
 * @property {Record<string, string | string[]>} headers
 * @property {string} [body]
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The body bytes from __ow_body: text types arrive as they are, other types base64-encoded (a
 * value that cannot be base64 is taken as text, which is how OpenWhisk passes a body whose type it
 * deems textual).
 * @param {string} body
 * @param {string | null} contentType
 * @returns {Buffer}
 */
function decodeOwBody(body, contentType) {
  if (isTextContentType(contentType) && !/^application\/json\b/i.test(contentType ?? "")) {
    return Buffer.from(body, "utf8");
  }
  if (body.length % 4 === 0 && BASE64.test(body)) return Buffer.from(body, "base64");
  return Buffer.from(body, "utf8");
}

/**
 * @param {WebActionArgs} args
 * @returns {Request}
 */
export function requestFromArgs(args) {
  if (typeof args?.__ow_method !== "string") {
    throw new TypeError(
      "apiship: expected OpenWhisk web action arguments (__ow_method...); deploy the action with web: raw",
    );
  }
  const method = args.__ow_method.toUpperCase();
  const headers = new Headers();
  for (const [name, value] of Object.entries(args.__ow_headers ?? {})) headers.set(name, String(value));
  const url = buildUrl({
    protocol: headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? "https",
    host: headers.get("x-forwarded-host") ?? headers.get("host") ?? "localhost",
    path: stripBasePath(args.__ow_path ?? "", basePath),
    query: args.__ow_query ?? "",
  });
  /** @type {RequestInit} */
  const init = { method, headers };
  if (!methodHasNoBody(method) && typeof args.__ow_body === "string" && args.__ow_body !== "") {
    init.body = /** @type {BodyInit} */ (
      /** @type {unknown} */ (decodeOwBody(args.__ow_body, headers.get("content-type")))
    );
  }
  return new Request(url, init);
}

/**
 * @param {Response} response
 * @returns {Promise<WebActionResult>}
 */
export async function resultFromResponse(response) {
  const split = splitHeaders(response.headers);
  /** @type {Record<string, string | string[]>} */
  const headers = { ...split.headers };
  if (split.cookies.length === 1) headers["set-cookie"] = /** @type {string} */ (split.cookies[0]);
  else if (split.cookies.length > 1) headers["set-cookie"] = split.cookies;
  const bytes = await responseBytes(response);
  if (bytes.byteLength === 0) return { statusCode: response.status, headers };
  const contentType = response.headers.get("content-type");
  if (!contentType) {
    // Without a content type OpenWhisk passes a string body as it is: text stays text, and bytes
    // that are not UTF-8 get a binary type so that base64 is decoded on the way out.
    const text = utf8OrUndefined(bytes);
    if (text !== undefined) return { statusCode: response.status, headers, body: text };
    headers["content-type"] = "application/octet-stream";
  }
  // JSON counts as binary for OpenWhisk: it must come back base64-encoded.
  const text = isTextContentType(contentType) && !/json/i.test(contentType ?? "");
  const encoded = text ? { body: Buffer.from(bytes).toString("utf8") } : encodeBody(bytes, null);
  return { statusCode: response.status, headers, body: encoded.body };
}

/**
 * @param {WebActionArgs} args
 * @returns {Promise<WebActionResult>}
 */
export async function main(args) {
  const response = await callApp(fetchApp, requestFromArgs(args));
  return resultFromResponse(response);
}
