// One HTTP handler for every function platform: a Web-standard fetch handler, the contract
// Hono, itty-router and Workers use. With `function.interface: portable` apiship bundles it with
// each platform's generated entry (Lambda's function URL event, Cloud Functions' and Firebase's
// (req, res), Azure's v4 app.http, DigitalOcean's raw web action), which turns the platform's
// request into a Request and the Response back, so this code runs unchanged on all of them.

/* global Response -- a Web global of Node.js 18 and later */

export async function handler(request) {
  const url = new URL(request.url);
  if (url.pathname === "/healthz") return Response.json({ status: "ok" });
  const name = url.searchParams.get("name") ?? "world";
  return Response.json({ message: `hello, ${name}`, path: url.pathname });
}
