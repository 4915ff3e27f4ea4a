// A deliberately broken Lambda bridge for the suite's negative checks: the real entry's
// conversions with one fault injected, chosen by APISHIP_BREAK at call time ("header": drops a
// request header; "binary": returns a binary body as UTF-8 text; "prefix": leaves the HTTP API
// stage in the path). The suite must fail on exactly the cases each fault breaks.
/* global Headers, Request -- Web globals of Node.js 20 */
import { Buffer } from "node:buffer";
import * as userModule from "apiship:app";
import { callApp, resolveFetch } from "../../../providers/_shared/runtime/app.mjs";
import { requestFromEvent, resultFromResponse } from "../../../providers/aws/runtime/lambda.mjs";

const fetchApp = resolveFetch(userModule);

/**
 * @param {import("../../../providers/aws/runtime/lambda.mjs").LambdaHttpEvent} event
 */
export const handler = async (event) => {
  const fault = process.env.APISHIP_BREAK;
  let request = requestFromEvent(event);
  if (fault === "header") {
    const headers = new Headers(request.headers);
    headers.delete("x-single");
    request = new Request(request, { headers });
  }
  if (fault === "prefix") {
    const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
    request = new Request(new URL(`${event.rawPath}${query}`, request.url), request);
  }
  const result = await resultFromResponse(await callApp(fetchApp, request));
  if (fault === "binary" && result.isBase64Encoded) {
    result.body = Buffer.from(result.body, "base64").toString("utf8");
    result.isBase64Encoded = false;
  }
  return result;
};
