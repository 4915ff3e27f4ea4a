// Heroku and DigitalOcean App Platform (source builds) entry: an HTTP server on $PORT around the
// app. Procfile: `web: node apiship-server.mjs` (the bundle's name). Listens on every interface
// unless HOST is set; SIGTERM (Heroku's and App Platform's stop signal) closes it gracefully.
import { createServer } from "node:http";
import * as userModule from "apiship:app";
import { callApp, resolveFetch } from "../../_shared/runtime/app.mjs";
import { requestFromNode, sendNodeResponse } from "../../_shared/runtime/node-http.mjs";
import { basePathFromEnv } from "../../_shared/runtime/web.mjs";

const fetchApp = resolveFetch(userModule);
const basePath = basePathFromEnv();

export const server = createServer(async (req, res) => {
  try {
    const request = requestFromNode(req, { basePath });
    const response = await callApp(fetchApp, request);
    await sendNodeResponse(res, response, { head: request.method === "HEAD" });
  } catch (error) {
    // A request the Request constructor refuses (a malformed URL) or a client that went away.
    process.stderr.write(`apiship: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
    res.end();
  }
});
// Platform routers keep idle connections open for up to 90 s (Heroku's router: 90 s).
server.keepAliveTimeout = 95_000;
server.headersTimeout = 96_000;

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST || undefined;
server.listen(port, host, () => {
  const address = server.address();
  const shown = typeof address === "object" && address ? `${address.address}:${address.port}` : String(port);
  process.stdout.write(`apiship: listening on ${shown}\n`);
});

process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
