// A stubbed HTTP layer for the Heroku adapter's unit tests: a `fetch` that answers from a
// queue of scripted responses (built from the schema's examples in fixtures/responses/heroku)
// and records every request, and a Ctx wired to it with progress recorded. No sockets.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Ctx } from "../../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../../src/manifest/types.js";
import { HerokuApi } from "../../../providers/heroku/api.js";
import type { HerokuClients } from "../../../providers/heroku/clients.js";
import { heroku } from "../../../providers/heroku/heroku.js";
import type { HerokuOptions } from "../../../providers/heroku/plan.js";
import { createTransport } from "../../../providers/heroku/transport.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../../fixtures/responses/heroku");

/** A response body from the schema's examples, with fields overridden. */
export function fixture<T = Record<string, unknown>>(name: string, over: Record<string, unknown> = {}): T {
  const base = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as unknown;
  if (Array.isArray(base)) return [{ ...(base[0] as object), ...over }] as T;
  return { ...(base as object), ...over } as T;
}

export interface Sent {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface Scripted {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Stub {
  sent: Sent[];
  /** Queue answers for `METHOD /path` (consumed in order; the last one repeats). */
  on(route: string, ...answers: Scripted[]): Stub;
  fetch: typeof fetch;
  waits: number[];
}

export function stubFetch(): Stub {
  const routes = new Map<string, Scripted[]>();
  const sent: Sent[] = [];
  const waits: number[] = [];
  const fetchStub = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    const raw = init?.body;
    const body = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
    sent.push({ method, url: url.toString(), path: url.pathname, headers, body });
    const queue = routes.get(`${method} ${url.pathname}`);
    const answer = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? {
      status: 404,
      body: { id: "not_found", message: `stub has no ${method} ${url.pathname}` },
    };
    const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
    return new Response(text, {
      status: answer.status ?? 200,
      headers: { "content-type": "application/json", ...answer.headers },
    });
  }) as typeof fetch;
  const stub: Stub = {
    sent,
    waits,
    fetch: fetchStub,
    on(route, ...answers) {
      routes.set(route, answers);
      return stub;
    },
  };
  return stub;
}

export const ENDPOINT = "https://api.heroku.test";
export const KEY = "unit-test-key-7f2c";

export function clientsFor(stub: Stub): HerokuClients {
  const send = createTransport({
    endpoint: ENDPOINT,
    apiKey: KEY,
    fetch: stub.fetch,
    sleep: (ms) => {
      stub.waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
  });
  return {
    api: new HerokuApi(send, "web"),
    endpoint: ENDPOINT,
    credentials: "HEROKU_API_KEY",
    timing: { pollMs: 1, buildTimeoutMs: 5000, releaseTimeoutMs: 5000 },
  };
}

export const IMAGE_ID = `sha256:${"0123456789ab".repeat(5)}0123`;
export const APP = "shop-dev-web";

export const service: ServiceSpec = {
  kind: "container",
  container: { image: `registry.heroku.com/${APP}/web@${IMAGE_ID}`, port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { memory: 512 },
  scaling: { min: 1, max: 1 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 2, intervalMs: 10 },
  access: "public",
  timeoutMs: 30_000,
};

export interface UnitWorld {
  stub: Stub;
  steps: string[];
  ctx: Ctx<HerokuClients>;
  target: TargetSpec & { options: HerokuOptions };
  stack: Stack;
}

export function unitWorld(options: Record<string, unknown> = {}, svc: ServiceSpec = service): UnitWorld {
  const stub = stubFetch();
  const opts = heroku.options.parse(options) as HerokuOptions;
  const target = {
    name: "web",
    provider: "heroku",
    platform: "heroku",
    options: opts,
  } as unknown as TargetSpec & {
    options: HerokuOptions;
  };
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service: svc, targets: [target] };
  const steps: string[] = [];
  const ctx: Ctx<HerokuClients> = {
    clients: clientsFor(stub),
    stack,
    target,
    progress: { step: (s) => steps.push(`step ${s}`), done: (s) => steps.push(`done ${s}`) },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  };
  return { stub, steps, ctx, target, stack };
}
