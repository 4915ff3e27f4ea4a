// The conformance suite's Node.js app: a plain fetch handler (the neutral contract), bound to each
// entry's `apiship:app` at bundle time. Every endpoint reports what the app saw, so a case can tell
// a dropped header, a mangled body or a leaked prefix apart.
/* global Headers, Response -- Web globals of Node.js 20 */
import { createHash } from "node:crypto";
import { DOWNLOAD } from "./data.ts";

/**
 * @param {unknown} value
 * @param {ResponseInit} [init]
 */
function json(value, init = {}) {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(value), { ...init, headers });
}

/**
 * @param {Request} request
 * @returns {Promise<Response>}
 */
export async function handler(request) {
  const url = new URL(request.url);
  const path = url.pathname;
  const route = `${request.method} ${path}`;
  if (route === "GET /query") {
    return json({ path, rawQuery: url.search.slice(1), pairs: [...url.searchParams] });
  }
  if (route === "POST /echo-json") {
    return json({ received: await request.json(), contentType: request.headers.get("content-type") });
  }
  if (route === "POST /echo-binary") {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return new Response(bytes, {
      headers: { "content-type": "application/octet-stream", "x-length": String(bytes.length) },
    });
  }
  if (route === "GET /download") {
    return new Response(DOWNLOAD, { headers: { "content-type": "image/png" } });
  }
  if (route === "POST /items") {
    return json(
      { id: 42, name: (await request.json()).name },
      { status: 201, headers: { location: "/items/42" } },
    );
  }
  if (route === "DELETE /items/42") {
    return new Response(null, { status: 204, headers: { "x-deleted": "42" } });
  }
  if (route === "GET /headers") {
    const headers = new Headers({ "content-type": "application/json" });
    headers.append("set-cookie", "session=abc; Path=/; HttpOnly");
    headers.append("set-cookie", "theme=dark; Path=/; Secure; SameSite=Lax");
    headers.append("vary", "accept");
    headers.append("vary", "origin");
    const multi = (request.headers.get("x-multi") ?? "").split(",").map((v) => v.trim());
    const cookies = (request.headers.get("cookie") ?? "")
      .split(";")
      .map((v) => v.trim())
      .filter(Boolean);
    return new Response(JSON.stringify({ multi, cookies, single: request.headers.get("x-single") }), {
      headers,
    });
  }
  if (route === "POST /large") {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return json({ length: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  if (request.method === "GET" && (path.startsWith("/path/") || path === "/whoami")) {
    return json({ path, rawQuery: url.search.slice(1) });
  }
  return new Response("not found", { status: 404, headers: { "content-type": "text/plain" } });
}
