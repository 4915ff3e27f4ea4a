// Shared by the firebase unit tests (providers/firebase/*.test.ts): a scripted fetch that answers each
// request with the next canned response and records what was sent, a Hosting client on it, and
// a Ctx. Every body sent is checked against the discovery document's schema for its method.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Ctx } from "../../../src/core/provider.js";
import type { ServiceSpec, Stack } from "../../../src/manifest/types.js";
import { createHttpClient } from "../../../providers/_shared/http.js";
import type { HostingClients } from "../../../providers/firebase/clients.js";
import { hostingError } from "../../../providers/firebase/errors.js";
import { HostingApi } from "../../../providers/firebase/hosting-api.js";
import { quietCtx } from "../../support/quiet-ctx.js";

export const FIXTURES = join(import.meta.dirname, "../../../fixtures/responses/firebase");
export const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as Record<string, unknown>;

export interface Sent {
  method: string;
  /** Path and query, e.g. "/v1beta1/sites/s/releases?pageSize=1". */
  url: string;
  body: unknown;
  auth: string | null;
}

export interface Canned {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function scriptedFetch(responses: Canned[]): {
  fetch: typeof globalThis.fetch;
  sent: Sent[];
  left: () => number;
} {
  const sent: Sent[] = [];
  const queue = [...responses];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(input));
    const h = new Headers(init?.headers);
    const text = typeof init?.body === "string" ? init.body : undefined;
    sent.push({
      method: init?.method ?? "GET",
      url: decodeURIComponent(u.pathname + u.search),
      body: text === undefined ? undefined : (JSON.parse(text) as unknown),
      auth: h.get("authorization"),
    });
    const next = queue.shift();
    if (!next) throw new Error(`unexpected request ${init?.method} ${u.pathname}`);
    return new Response(next.body === undefined ? "" : JSON.stringify(next.body), {
      status: next.status ?? 200,
      headers: { "content-type": "application/json", ...next.headers },
    });
  }) as typeof globalThis.fetch;
  return { fetch, sent, left: () => queue.length };
}

export function hostingClients(fetch: typeof globalThis.fetch): HostingClients {
  const http = createHttpClient({
    baseUrl: "https://firebasehosting.googleapis.com",
    token: "test-token",
    fetch,
    sleep: async () => {},
    mapError: (e) => hostingError(e, "api"),
  });
  return { api: new HostingApi(http), endpoint: http.baseUrl, credentials: "GOOGLE_OAUTH_ACCESS_TOKEN" };
}

export const service: ServiceSpec = {
  kind: "function",
  function: { runtime: "nodejs22", handler: "index.handler", source: "./src", interface: "native" },
  env: { LOG_LEVEL: "info" },
  secrets: {},
  resources: { cpu: 1, memory: 512 },
  scaling: { min: 0, max: 10 },
  health: { path: "/healthz", status: 200, timeoutMs: 5000, attempts: 2, intervalMs: 50 },
  access: "public",
  timeoutMs: 30_000,
} as unknown as ServiceSpec;

export const OPTIONS = { project: "acme-web", region: "europe-west1", hosting: { path: "/api/**" } };

export function ctxOf<C>(clients: C, options: Record<string, unknown> = OPTIONS): Ctx<C> {
  const target = { name: "api", provider: "firebase", platform: "functions", options };
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
  return quietCtx(clients, stack, target);
}
