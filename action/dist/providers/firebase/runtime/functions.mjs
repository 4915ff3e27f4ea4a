// Firebase entry: a 2nd-gen HTTPS function, `export const apiship = onRequest(...)`, so the
// Firebase CLI finds it and Hosting can rewrite to it ({ "function": { "functionId": "apiship" } }).
// Hosting forwards the full original path: with a rewrite of "/api/**", set APISHIP_BASE_PATH=/api
// and the app sees "/items", not "/api/items". firebase-functions is imported at run time (it stays
// external to the bundle: Firebase installs it from the package's dependencies).
import { onRequest } from "firebase-functions/v2/https";
import * as userModule from "apiship:app";
import { callApp, resolveFetch } from "../../_shared/runtime/app.mjs";
import { requestFromNode, sendNodeResponse } from "../../_shared/runtime/node-http.mjs";
import { basePathFromEnv } from "../../_shared/runtime/web.mjs";

const fetchApp = resolveFetch(userModule);
const basePath = basePathFromEnv();

export const apiship = onRequest(async (req, res) => {
  const nodeReq =
    /** @type {import("../../_shared/runtime/node-http.mjs").NodeRequestLike & import("node:stream").Readable} */ (
      /** @type {unknown} */ (req)
    );
  const request = requestFromNode(nodeReq, { basePath, rawBody: nodeReq.rawBody });
  const response = await callApp(fetchApp, request);
  await sendNodeResponse(res, response, { head: request.method === "HEAD" });
});
