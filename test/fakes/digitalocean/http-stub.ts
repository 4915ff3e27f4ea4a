// A scripted fetch for the DigitalOcean adapters' unit tests: each request must be the next one
// the script expects (method and path), is recorded with its parsed body, query and headers, and
// gets the scripted answer (usually an official example from fixtures/responses/digitalocean).
// The real HTTP client (providers/_shared/http.ts) and DoApi run on top of it.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DoApi } from "../../../providers/digitalocean/api.js";
import type { DoClients } from "../../../providers/digitalocean/clients.js";
import { doError } from "../../../providers/digitalocean/errors.js";
import { createHttpClient } from "../../../providers/_shared/http.js";
import type { Ctx } from "../../../src/core/provider.js";
import type { Stack, TargetSpec } from "../../../src/manifest/types.js";

export interface Expected {
  method: string;
  /** Path (without query) or full URL for another host. */
  path: string | RegExp;
  status?: number;
  /** The answer, or a function of the requests sent so far (to echo what the adapter sent). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Answers every matching request until one does not match (a probe retried until a deadline). */
  repeat?: boolean;
}

export interface Sent {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

/** An official example from fixtures/responses/digitalocean, parsed fresh each time. */
export function example<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(join(process.cwd(), "fixtures/responses/digitalocean", file), "utf8")) as T;
}

export function scripted(script: Expected[]) {
  const sent: Sent[] = [];
  const queue = [...script];
  const fetch = (async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const raw = init?.body;
    const body = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
    sent.push({ method, url, headers: (init?.headers ?? {}) as Record<string, string>, body });
    const where =
      url.origin === "https://api.digitalocean.com" ? url.pathname : `${url.origin}${url.pathname}`;
    const matches = (e: Expected) =>
      e.method === method && (typeof e.path === "string" ? e.path === where : e.path.test(where));
    if (queue[0]?.repeat && !matches(queue[0])) queue.shift();
    const next = queue[0]?.repeat ? queue[0] : queue.shift();
    if (!next) throw new Error(`unexpected request ${method} ${where}`);
    if (!matches(next))
      throw new Error(`expected ${next.method} ${String(next.path)}, got ${method} ${where}`);
    const status = next.status ?? 200;
    const answer: unknown =
      typeof next.body === "function" ? (next.body as (s: Sent[]) => unknown)(sent) : next.body;
    return new Response(answer === undefined || status === 204 ? null : JSON.stringify(answer), {
      status,
      headers: { "content-type": "application/json", ...next.headers },
    });
  }) as typeof globalThis.fetch;
  const http = (baseUrl: string) =>
    createHttpClient({
      baseUrl,
      token: "do-token",
      fetch,
      mapError: doError("web"),
      sleep: async () => {},
      maxAttempts: 3,
    });
  const clients: DoClients = {
    api: new DoApi(http("https://api.digitalocean.com"), (b) =>
      createHttpClient({ baseUrl: b, fetch, mapError: doError("web"), sleep: async () => {} }),
    ),
    endpoint: "https://api.digitalocean.com",
    target: "web",
    timing: { pollMs: 1, deployTimeoutMs: 5000, dropletTimeoutMs: 5000, dropletHttpPort: 80 },
    fetch,
  };
  return {
    clients,
    sent,
    /** Requests the script still expected (a repeating entry at the end counts as done). */
    left: () => queue.filter((e) => !e.repeat).length,
  };
}

export function ctxOf(
  clients: DoClients,
  stack: Stack,
  target: TargetSpec,
  steps: string[] = [],
): Ctx<DoClients> {
  return {
    clients,
    stack,
    target,
    progress: { step: (s) => steps.push(`step ${s}`), done: (s) => steps.push(`done ${s}`) },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  };
}
