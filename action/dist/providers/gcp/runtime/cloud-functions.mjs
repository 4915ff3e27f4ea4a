// Google Cloud Functions (2nd gen) entry: an HTTP function for functions-framework, deployed with
// entry point `apiship` (`--target=apiship --signature-type=http`). The framework hands an Express
// request whose body its parsers already read into `rawBody`; the bridge uses those bytes as they
// came, so JSON, text and binary bodies reach the app unchanged.
import * as userModule from "apiship:app";
import { callApp, resolveFetch } from "../../_shared/runtime/app.mjs";
import { requestFromNode, sendNodeResponse } from "../../_shared/runtime/node-http.mjs";
import { basePathFromEnv } from "../../_shared/runtime/web.mjs";

const fetchApp = resolveFetch(userModule);
const basePath = basePathFromEnv();

/**
 * @param {import("../../_shared/runtime/node-http.mjs").NodeRequestLike & import("node:stream").Readable} req
 * @param {import("../../_shared/runtime/node-http.mjs").NodeResponseLike} res
 * @returns {Promise<void>}
 */
export async function apiship(req, res) {
  const request = requestFromNode(req, { basePath, rawBody: req.rawBody });
  const response = await callApp(fetchApp, request);
  await sendNodeResponse(res, response, { head: request.method === "HEAD" });
}
