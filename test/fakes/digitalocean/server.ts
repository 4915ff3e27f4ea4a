// A stateful fake of the DigitalOcean API on 127.0.0.1 (DESIGN.md §8), reached the way a user
// points apiship at another endpoint: the target's `endpoint` option. It checks that clients
// send JSON bodies that the official OpenAPI accepts (validate.ts: required
// fields, enums, types, patterns), answers like the control plane (server-side defaults,
// deployments and Droplets that take reads to settle, unique names, rate-limit headers), and
// also serves the Functions API host, each app's live URL and each Droplet's HTTP address.

import type { FakeRequest, FakeResponse, FaultKnobs, RunningFake } from "../_shared/server.js";
import { startFake } from "../_shared/server.js";
import { ACCOUNT_ROUTES } from "./account.js";
import { APP_ROUTES, err, serveLive, serveRunLog } from "./apps.js";
import type { Handler } from "./apps.js";
import { Responders, dropletAnswer, dropletRoutes } from "./droplets.js";
import { FUNCTION_ROUTES, serveHost } from "./functions.js";
import { validateRequest } from "./validate.js";
import { DoWorld } from "./world.js";
import type { DoWorldOptions } from "./world.js";

export { DoWorld } from "./world.js";

export interface DoFakeOptions {
  world?: DoWorldOptions;
  knobs?: FaultKnobs;
  logFile?: string;
}

export interface DoFake extends RunningFake {
  world: DoWorld;
  /** Port every Droplet's and reserved IP's HTTP responder listens on (APISHIP_DO_DROPLET_HTTP_PORT). */
  dropletHttpPort: number;
  /** Bodies the OpenAPI rejected, for tests that assert none were sent. */
  rejected: { method: string; path: string; errors: string[] }[];
  /** API requests (DigitalOcean API and Functions host) with a mutating method. */
  mutations(): FakeRequest[];
  /** API requests of any method (not the live URLs or Droplet addresses). */
  apiCalls(): FakeRequest[];
}

const rateHeaders = () => ({
  "ratelimit-limit": "5000",
  "ratelimit-remaining": "4999",
  "ratelimit-reset": String(Math.floor(Date.now() / 1000)),
});

const throttled = (): FakeResponse => ({
  status: 429,
  headers: { ...rateHeaders(), "ratelimit-remaining": "0" },
  body: { id: "too_many_requests", message: "API rate limit exceeded." },
});

const isApi = (p: string) => p.startsWith("/v2/") || p.startsWith("/api/v1/namespaces/");

async function route(
  w: DoWorld,
  routes: [string, RegExp, Handler][],
  req: FakeRequest,
  rejected: DoFake["rejected"],
): Promise<FakeResponse> {
  const live = serveLive(w, req) ?? (req.path.startsWith("/api/v1/web/") ? serveHost(w, req) : undefined);
  if (live) return live;
  const runLog = serveRunLog(w, req);
  if (runLog) return runLog;
  if (req.path.startsWith("/__logs/")) return { status: 200, body: "fake build log\n" };
  if (req.body.length > 0 && !/^application\/json/.test(req.headers["content-type"] ?? ""))
    return err(415, "unsupported_media_type", "content-type must be application/json");
  const v = validateRequest(req.method, req.path, req.json);
  if (v.errors.length > 0) {
    rejected.push({ method: req.method, path: req.path, errors: v.errors });
    return err(422, "unprocessable_entity", v.errors.join("; "));
  }
  const host = serveHost(w, req);
  if (host) return host;
  for (const [method, re, h] of routes) {
    const m = method === req.method ? re.exec(req.path) : null;
    if (m) {
      const r = await h(w, req, m);
      return { ...r, headers: { ...rateHeaders(), ...r.headers } };
    }
  }
  return err(404, "not_found", `no route ${req.method} ${req.path}`);
}

export async function startDoFake(opts: DoFakeOptions = {}): Promise<DoFake> {
  const world = new DoWorld(opts.world);
  const responders = new Responders((ip) => dropletAnswer(world, ip));
  await responders.start();
  const routes = [...ACCOUNT_ROUTES, ...APP_ROUTES, ...FUNCTION_ROUTES, ...dropletRoutes(responders)];
  const rejected: DoFake["rejected"] = [];
  const fake = await startFake({
    name: "digitalocean",
    handler: (req) => route(world, routes, req, rejected),
    throttleResponse: throttled,
    errorResponse: () => ({
      status: 500,
      body: { id: "server_error", message: "Unexpected server-side error" },
    }),
    ...(opts.knobs ? { knobs: opts.knobs } : {}),
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  });
  world.url = fake.url;
  return {
    ...fake,
    world,
    dropletHttpPort: responders.port,
    rejected,
    mutations: () => fake.requests.filter((r) => isApi(r.path) && r.method !== "GET"),
    apiCalls: () => fake.requests.filter((r) => isApi(r.path)),
    close: async () => {
      await responders.close();
      await fake.close();
    },
  };
}
