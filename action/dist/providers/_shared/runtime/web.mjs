// Conversions between Web-standard Request/Response and the shapes platforms hand over, shared by
// every Node.js entry. Plain ESM with JSDoc types: esbuild bundles it into each entry.
/* global TextDecoder -- Web globals of Node.js 20 */
import { Buffer } from "node:buffer";

/**
 * The path prefix a platform adds in front of the app's own paths (a Firebase Hosting rewrite
 * source, an Azure route prefix left in place), from APISHIP_BASE_PATH: "" when unset or "/".
 * @param {string | undefined} [value]
 * @returns {string}
 */
export function basePathFromEnv(value = process.env.APISHIP_BASE_PATH) {
  const trimmed = (value ?? "").trim().replace(/\/+$/, "");
  if (trimmed === "") return "";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/**
 * Removes a base path from a raw (still percent-encoded) path, only at a segment boundary:
 * "/api/items" → "/items", "/api" → "/", "/apis" stays.
 * @param {string} rawPath
 * @param {string} basePath
 * @returns {string}
 */
export function stripBasePath(rawPath, basePath) {
  const path = rawPath === "" ? "/" : rawPath.startsWith("/") ? rawPath : `/${rawPath}`;
  if (basePath === "") return path;
  if (path === basePath) return "/";
  if (path.startsWith(`${basePath}/`)) return path.slice(basePath.length);
  return path;
}

/**
 * Builds an absolute URL from parts without re-encoding the path or the query: what the client
 * sent (%20, %2F) is what the app sees.
 * @param {{ protocol?: string, host?: string, path: string, query?: string }} parts
 * @returns {string}
 */
export function buildUrl({ protocol = "https", host = "localhost", path, query = "" }) {
  const q = query === "" ? "" : query.startsWith("?") ? query : `?${query}`;
  return `${protocol}://${host}${path}${q}`;
}

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|ld\+json|problem\+json|problem\+xml|x-ndjson)\b)|[+/](json|xml)\b/i;

/**
 * Whether a content type names text (so a platform's JSON string body may carry it as is).
 * @param {string | null | undefined} contentType
 * @returns {boolean}
 */
export function isTextContentType(contentType) {
  if (!contentType) return false;
  const essence = contentType.split(";")[0]?.trim() ?? "";
  return TEXT_TYPES.test(essence);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes bytes as UTF-8, or undefined when they are not valid UTF-8.
 * @param {Uint8Array} bytes
 * @returns {string | undefined}
 */
export function utf8OrUndefined(bytes) {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A response body as a string for a JSON envelope: text for a text content type that decodes as
 * UTF-8, base64 for everything else (binary bodies must survive the platform's JSON).
 * @param {Uint8Array} bytes
 * @param {string | null} contentType
 * @param {{ textWhenUntyped?: boolean }} [options]
 * @returns {{ body: string, base64: boolean }}
 */
export function encodeBody(bytes, contentType, options = {}) {
  if (bytes.byteLength === 0) return { body: "", base64: false };
  if (isTextContentType(contentType) || (options.textWhenUntyped && !contentType)) {
    const text = utf8OrUndefined(bytes);
    if (text !== undefined) return { body: text, base64: false };
  }
  return {
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
    base64: true,
  };
}

/**
 * Whether a method carries no request body in the Request constructor's eyes.
 * @param {string} method
 * @returns {boolean}
 */
export function methodHasNoBody(method) {
  const m = method.toUpperCase();
  return m === "GET" || m === "HEAD";
}

/**
 * Reads a Response body into bytes (none for 204/304 or HEAD).
 * @param {Response} response
 * @returns {Promise<Uint8Array>}
 */
export async function responseBytes(response) {
  if (response.body === null) return new Uint8Array(0);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * A Response's headers with Set-Cookie taken apart: single-valued headers (repeated values
 * comma-joined, as Headers does) and the list of Set-Cookie values.
 * @param {Headers} headers
 * @returns {{ headers: Record<string, string>, cookies: string[] }}
 */
export function splitHeaders(headers) {
  /** @type {Record<string, string>} */
  const single = {};
  for (const [name, value] of headers) {
    if (name === "set-cookie") continue;
    single[name] = value;
  }
  return { headers: single, cookies: headers.getSetCookie() };
}

/** @typedef {{ name: string, value: string, domain?: string, path?: string, expires?: Date, maxAge?: number, secure?: boolean, httpOnly?: boolean, sameSite?: "Strict" | "Lax" | "None" }} ParsedCookie */

/**
 * Parses one Set-Cookie header value into its parts (for platforms that take cookies as objects).
 * @param {string} setCookie
 * @returns {ParsedCookie}
 */
export function parseSetCookie(setCookie) {
  const [pair = "", ...attributes] = setCookie.split(";");
  const eq = pair.indexOf("=");
  /** @type {ParsedCookie} */
  const cookie =
    eq === -1
      ? { name: "", value: pair.trim() }
      : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
  for (const attribute of attributes) {
    const at = attribute.indexOf("=");
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at === -1 ? "" : attribute.slice(at + 1).trim();
    if (key === "domain") cookie.domain = value;
    else if (key === "path") cookie.path = value;
    else if (key === "expires") {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) cookie.expires = date;
    } else if (key === "max-age") {
      const seconds = Number(value);
      if (Number.isFinite(seconds)) cookie.maxAge = seconds;
    } else if (key === "secure") cookie.secure = true;
    else if (key === "httponly") cookie.httpOnly = true;
    else if (key === "samesite") {
      const v = value.toLowerCase();
      if (v === "strict") cookie.sameSite = "Strict";
      else if (v === "lax") cookie.sameSite = "Lax";
      else if (v === "none") cookie.sameSite = "None";
    }
  }
  return cookie;
}
