// Azure Functions entry (Node.js v4 programming model, the one Flex Consumption runs): one HTTP
// function "apiship" on the catch-all route {*path}, every method, auth level from
// APISHIP_AUTH_LEVEL (anonymous by default; "function" when access is private). host.json beside
// this file sets extensions.http.routePrefix to "" so paths are not under /api; APISHIP_BASE_PATH
// strips a prefix that is configured anyway. The request URL carries the query as sent (the
// library's `query` map would lose repeated keys), the body is read as bytes, and Set-Cookie
// values go to the response's `cookies` (the worker keeps one value per header name).
/* global Request -- Web globals of Node.js 20 */
import { app } from "@azure/functions";
import * as userModule from "apiship:app";
import { callApp, resolveFetch } from "../../_shared/runtime/app.mjs";
import {
  basePathFromEnv,
  methodHasNoBody,
  parseSetCookie,
  responseBytes,
  splitHeaders,
  stripBasePath,
} from "../../_shared/runtime/web.mjs";

const fetchApp = resolveFetch(userModule);
const basePath = basePathFromEnv();

const AUTH_LEVELS = ["anonymous", "function", "admin"];
const authLevel = (process.env.APISHIP_AUTH_LEVEL ?? "anonymous").trim().toLowerCase();
if (!AUTH_LEVELS.includes(authLevel)) {
  throw new Error(`apiship: APISHIP_AUTH_LEVEL is "${authLevel}"; expected one of ${AUTH_LEVELS.join(", ")}`);
}

/**
 * @param {import("@azure/functions").HttpRequest} azureRequest
 * @returns {Promise<Request>}
 */
export async function requestFromAzure(azureRequest) {
  const url = new URL(azureRequest.url);
  const path = stripBasePath(url.pathname, basePath);
  const target = `${url.protocol}//${url.host}${path}${url.search}`;
  /** @type {RequestInit} */
  const init = { method: azureRequest.method, headers: azureRequest.headers };
  if (!methodHasNoBody(azureRequest.method)) {
    const bytes = new Uint8Array(await azureRequest.arrayBuffer());
    if (bytes.byteLength > 0) init.body = bytes;
  }
  return new Request(target, init);
}

/**
 * @param {Response} response
 * @returns {Promise<import("@azure/functions").HttpResponseInit>}
 */
export async function responseInitFrom(response) {
  const { headers, cookies } = splitHeaders(response.headers);
  const bytes = await responseBytes(response);
  /** @type {import("@azure/functions").HttpResponseInit} */
  const init = { status: response.status, headers, cookies: cookies.map(parseSetCookie) };
  if (bytes.byteLength > 0) init.body = bytes;
  return init;
}

app.http("apiship", {
  route: "{*path}",
  methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
  authLevel: /** @type {"anonymous" | "function" | "admin"} */ (authLevel),
  handler: async (request) => {
    const response = await callApp(fetchApp, await requestFromAzure(request));
    return responseInitFrom(response);
  },
});
