// Node.js http (and Express, as functions-framework and firebase-functions hand it) ↔ Web
// Request/Response. Used by the Cloud Functions, Firebase and Heroku/App Platform entries.
/* global Headers, Request -- Web globals of Node.js 20 */
import { Readable } from "node:stream";
import { buildUrl, methodHasNoBody, stripBasePath } from "./web.mjs";

/**
 * @typedef {object} NodeRequestLike
 * @property {string} [method]
 * @property {string} [url]
 * @property {string} [originalUrl] Express keeps the URL as received here
 * @property {string[]} rawHeaders
 * @property {Buffer} [rawBody] set by functions-framework's body parsers
 * @property {{ encrypted?: boolean }} [socket]
 */

/**
 * Headers from Node's rawHeaders: every repeated field is kept (appended), none is merged away.
 * @param {string[]} rawHeaders
 * @returns {Headers}
 */
export function headersFromRaw(rawHeaders) {
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = /** @type {string} */ (rawHeaders[i]);
    // HTTP/2 pseudo-headers and hop-by-hop fields are not the app's business.
    if (name.startsWith(":")) continue;
    headers.append(name, /** @type {string} */ (rawHeaders[i + 1]));
  }
  return headers;
}

/**
 * A Web Request from a Node/Express request. The body is `rawBody` when a framework already read
 * the stream (functions-framework), else the stream itself.
 * @param {NodeRequestLike & import("node:stream").Readable} req
 * @param {{ basePath?: string, rawBody?: Buffer | undefined, protocol?: string }} [options]
 * @returns {Request}
 */
export function requestFromNode(req, options = {}) {
  const method = (req.method ?? "GET").toUpperCase();
  const target = req.originalUrl ?? req.url ?? "/";
  const q = target.indexOf("?");
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? "" : target.slice(q + 1);
  const headers = headersFromRaw(req.rawHeaders);
  const forwardedProto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  const protocol = options.protocol ?? forwardedProto ?? (req.socket?.encrypted ? "https" : "http");
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() ?? headers.get("host") ?? "localhost";
  const url = buildUrl({ protocol, host, path: stripBasePath(rawPath, options.basePath ?? ""), query });
  /** @type {RequestInit & { duplex?: "half" }} */
  const init = { method, headers };
  if (!methodHasNoBody(method)) {
    if (options.rawBody !== undefined) {
      init.body = /** @type {BodyInit} */ (/** @type {unknown} */ (options.rawBody));
    } else if (!req.readableEnded) {
      init.body = /** @type {ReadableStream<Uint8Array>} */ (Readable.toWeb(req));
      init.duplex = "half";
    }
  }
  return new Request(url, init);
}

/**
 * @typedef {object} NodeResponseLike
 * @property {number} statusCode
 * @property {(name: string, value: string | string[]) => unknown} setHeader
 * @property {(chunk: Uint8Array) => boolean} write
 * @property {(chunk?: Uint8Array) => unknown} end
 * @property {(event: string, listener: () => void) => unknown} once
 * @property {boolean} [destroyed]
 */

/**
 * Writes a Web Response to a Node/Express response: status, every header (Set-Cookie as several
 * fields), and the body streamed with back-pressure.
 * @param {NodeResponseLike} res
 * @param {Response} response
 * @param {{ head?: boolean }} [options]
 * @returns {Promise<void>}
 */
export async function sendNodeResponse(res, response, options = {}) {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (response.body === null || options.head) {
    await response.body?.cancel();
    res.end();
    return;
  }
  for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (
    /** @type {unknown} */ (response.body)
  )) {
    if (res.destroyed) break;
    if (!res.write(chunk)) {
      await new Promise((resolve) => {
        res.once("drain", () => resolve(undefined));
        res.once("close", () => resolve(undefined));
      });
    }
  }
  res.end();
}
