// A `fetch` that honours APISHIP_CONNECT_TO (src/apply/connect-to.ts) for every HTTP call
// apiship makes to a host the platform named: Kudu/OneDeploy, staging-slot and Droplet probes,
// upload URLs. It dials the matching rule's address and keeps the URL, the Host header and the
// TLS server name, so an emulator, a port-forward or a private endpoint answers for the real
// name and its certificate is still checked against that name. The global fetch cannot do this
// (it has no way to connect elsewhere than the URL's host), hence node:http/https here, as the
// engine's own health probe does. Without a matching rule it dials the URL's own host.

import type { IncomingMessage, RequestOptions } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { connectTargetFor } from "../../src/apply/connect-to.js";
import type { ConnectRule } from "../../src/apply/connect-to.js";
import { proxyAgentFor } from "./proxy.js";

type Env = Record<string, string | undefined>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const MAX_REDIRECTS = 20;

interface Sent {
  url: URL;
  method: string;
  headers: Headers;
  body: Buffer | undefined;
  signal: AbortSignal | undefined;
}

function decoded(res: IncomingMessage): Readable {
  // fetch decodes what it asked for; a server may compress even unasked, so do the same.
  const enc = (res.headers["content-encoding"] ?? "").toLowerCase();
  if (enc === "gzip" || enc === "x-gzip") return res.pipe(createGunzip());
  if (enc === "deflate") return res.pipe(createInflate());
  if (enc === "br") return res.pipe(createBrotliDecompress());
  return res;
}

function once(rules: readonly ConnectRule[], s: Sent, env: Env): Promise<IncomingMessage> {
  const tls = s.url.protocol === "https:";
  const hostname = s.url.hostname.replace(/^\[(.*)\]$/, "$1");
  const dial = connectTargetFor(s.url, rules);
  // A connect-to rule names where to dial; otherwise HTTPS_PROXY/HTTP_PROXY may (proxy.ts).
  const proxied = dial ? undefined : proxyAgentFor(s.url, env);
  const headers: Record<string, string> = { host: s.url.host };
  s.headers.forEach((v, k) => (headers[k] = v));
  if (s.body) headers["content-length"] = String(s.body.length);
  const options: RequestOptions = {
    method: s.method,
    hostname: dial?.host ?? hostname,
    port: dial?.port ?? (s.url.port || (tls ? 443 : 80)),
    path: `${s.url.pathname}${s.url.search}`,
    headers,
    // One connection per call: a rule's target may differ from call to call.
    agent: proxied ?? false,
    ...(s.signal ? { signal: s.signal } : {}),
  };
  // Certificates are checked against the URL's host, wherever the connection goes.
  if (tls && isIP(hostname) === 0) (options as { servername?: string }).servername = hostname;
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(options, resolve);
    req.on("error", (e) => reject(s.signal?.aborted ? s.signal.reason : e));
    req.end(s.body);
  });
}

function toResponse(url: URL, res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  const status = res.statusCode ?? 0;
  const bodyless = NULL_BODY.has(status);
  if (bodyless) res.resume();
  else headers.delete("content-encoding");
  const body = bodyless ? null : (Readable.toWeb(decoded(res)) as ReadableStream<Uint8Array>);
  const out = new Response(body, { status, statusText: res.statusMessage ?? "", headers });
  Object.defineProperty(out, "url", { value: url.toString() });
  return out;
}

/**
 * A fetch-compatible function that dials by `rules`, else through the proxy `env` names;
 * redirects are followed the same way.
 */
export function dialFetch(rules: readonly ConnectRule[], env: Env = {}): typeof globalThis.fetch {
  return async (input, init) => {
    // Request does fetch's own normalising (method, headers, a string body's content type).
    const request = new Request(input, init);
    const raw = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    let sent: Sent = {
      url: new URL(request.url),
      method: request.method,
      headers: request.headers,
      body: raw,
      signal,
    };
    for (let hop = 0; ; hop++) {
      if (signal?.aborted) throw signal.reason;
      const res = await once(rules, sent, env);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (!REDIRECTS.has(status) || location === undefined || request.redirect === "manual")
        return toResponse(sent.url, res);
      res.resume();
      if (request.redirect === "error" || hop >= MAX_REDIRECTS)
        throw new TypeError(`fetch failed: redirect from ${sent.url.toString()}`);
      // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
      const asGet = status === 303 || ((status === 301 || status === 302) && sent.method === "POST");
      const headers = new Headers(sent.headers);
      if (asGet) ["content-type", "content-length"].forEach((h) => headers.delete(h));
      const next = new URL(location, sent.url);
      // fetch never carries credentials to another origin.
      if (next.origin !== sent.url.origin) headers.delete("authorization");
      sent = {
        url: next,
        method: asGet ? "GET" : sent.method,
        headers,
        body: asGet ? undefined : sent.body,
        signal,
      };
    }
  };
}
