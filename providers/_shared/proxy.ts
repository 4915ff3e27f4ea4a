// HTTPS_PROXY / HTTP_PROXY / NO_PROXY for the calls apiship makes itself (issue 22): the shared
// dialer (dial.ts, used by the Azure and GCP clients) and the AWS SDK's request handler take an
// agent from here. The global fetch (DigitalOcean, Heroku, Firebase Hosting, health checks) is
// routed by undici's EnvHttpProxyAgent, installed by the CLI (src/cli/proxy.ts), with the same
// variables. NO_PROXY is matched here as curl and undici match it, by hand rather than with
// proxy-from-env: that package reads process.env only, and providers get their env passed in.

import type { Agent } from "node:http";
import { createRequire } from "node:module";
import type * as HttpProxy from "http-proxy-agent";
import type * as HttpsProxy from "https-proxy-agent";

type Env = Record<string, string | undefined>;

const pick = (env: Env, name: string) => env[name.toLowerCase()] ?? env[name.toUpperCase()];

/** True when NO_PROXY exempts `url`: `*`, a host, a domain suffix (.example.com or example.com), host:port. */
export function noProxy(url: URL, env: Env): boolean {
  const list = (pick(env, "no_proxy") ?? "").split(/[\s,]+/).filter(Boolean);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return list.some((raw) => {
    if (raw === "*") return true;
    const [name = "", p] = raw
      .toLowerCase()
      .replace(/^\*?\./, ".")
      .split(/:(?=\d+$)/);
    if (p !== undefined && p !== port) return false;
    const bare = name.replace(/^\./, "");
    return host === bare || host.endsWith(`.${bare}`);
  });
}

/** The proxy URL for `url`, or undefined: HTTPS_PROXY for https, HTTP_PROXY for http, unless NO_PROXY. */
export function proxyFor(url: URL, env: Env): string | undefined {
  const proxy = url.protocol === "https:" ? pick(env, "https_proxy") : pick(env, "http_proxy");
  if (!proxy || noProxy(url, env)) return undefined;
  return proxy;
}

// Loaded only when a proxy is set, and synchronously, because SDK clients take their agents
// when they are constructed.
const require = createRequire(import.meta.url);

/** A Node agent that goes through the proxy for `url` (CONNECT for https), or undefined. */
export function proxyAgentFor(url: URL, env: Env): Agent | undefined {
  const proxy = proxyFor(url, env);
  if (!proxy) return undefined;
  if (url.protocol === "https:") {
    const { HttpsProxyAgent } = require("https-proxy-agent") as typeof HttpsProxy;
    return new HttpsProxyAgent(proxy);
  }
  const { HttpProxyAgent } = require("http-proxy-agent") as typeof HttpProxy;
  return new HttpProxyAgent(proxy);
}

/** Whether any proxy variable is set at all (the cheap check before loading anything). */
export const proxyConfigured = (env: Env) => Boolean(pick(env, "https_proxy") ?? pick(env, "http_proxy"));
