// A stateful fake of the Heroku Platform API on 127.0.0.1 (DESIGN.md §8), reached the way a
// user points apiship at another endpoint: the target's `endpoint` option. It checks what
// clients must send (Accept: application/vnd.heroku+json; version=3, request bodies against
// the official JSON schema: required fields, types, enums, patterns), keeps app names globally
// unique, throttles like Heroku (a token bucket; every answer carries RateLimit-Remaining, an
// empty bucket answers 429 rate_limit), and also plays the apps' router (/__router/<app>/...)
// so a deploy's health check reaches the "dynos".

import type { FakeRequest, FakeResponse, FaultKnobs, RunningFake } from "../_shared/server.js";
import { startFake } from "../_shared/server.js";
import { ACCOUNT_ROUTES } from "./account.js";
import { APP_ROUTES, err } from "./apps.js";
import type { Handler } from "./apps.js";
import { BUILD_ROUTES, handleBlob } from "./builds.js";
import { LOG_ROUTES, handleLogplex } from "./logs.js";
import { validateRequest } from "./validate.js";
import { HerokuWorld } from "./world.js";
import type { WorldOptions } from "./world.js";

export { HerokuWorld } from "./world.js";

export interface RateLimit {
  /** Requests the bucket holds (Heroku: 4500). */
  capacity: number;
  /** Tokens added per second (Heroku: 75 a minute). */
  perSecond: number;
}

export interface HerokuFakeOptions {
  world?: WorldOptions;
  knobs?: FaultKnobs;
  rateLimit?: RateLimit;
  logFile?: string;
}

export interface HerokuFake extends RunningFake {
  world: HerokuWorld;
  rateLimit: RateLimit;
  /** Bodies the schema rejected, for tests that assert none were sent. */
  rejected: { method: string; path: string; errors: string[] }[];
  /** Requests to the Platform API (not the router or blob store) with a mutating method. */
  mutations(): FakeRequest[];
}

const ROUTES: [string, RegExp, Handler][] = [
  ...ACCOUNT_ROUTES,
  ...APP_ROUTES,
  ...BUILD_ROUTES,
  ...LOG_ROUTES,
];
// Version 3, or a variant of it ("version=3.docker-releases", "version=3.sdk").
const ACCEPT = /^application\/vnd\.heroku\+json; version=3(?:\.([\w-]+))?$/;
const rateLimited = (): FakeResponse => ({
  status: 429,
  headers: { "ratelimit-remaining": "0", "retry-after": "0" },
  body: {
    id: "rate_limit",
    message: "Your account reached the API rate limit\nPlease wait a few minutes before making new requests",
  },
});

function router(w: HerokuWorld, req: FakeRequest): FakeResponse | undefined {
  const m = /^\/__router\/([^/]+)(\/.*)?$/.exec(req.path);
  if (!m) return undefined;
  const fa = w.apps.get(m[1] as string);
  if (!fa) return { status: 404, body: "There's nothing here, yet." };
  const dynos = w.dynosOf(fa);
  // Heroku's router error codes: H14 no web dynos, H10 app crashed, H20 boot timeout.
  if (dynos.length === 0)
    return { status: 503, headers: { "x-heroku-error": "H14" }, body: "Application error" };
  if (dynos.every((d) => d.state === "crashed"))
    return { status: 503, headers: { "x-heroku-error": "H10" }, body: "Application error" };
  if (!dynos.some((d) => d.state === "up"))
    return { status: 503, headers: { "x-heroku-error": "H20" }, body: "Application error" };
  const image = w.current(fa)?.image;
  if (image !== undefined && w.erroringImages.has(image))
    return { status: 500, headers: { "content-type": "text/plain" }, body: "Internal Server Error" };
  return { status: 200, headers: { "content-type": "text/plain" }, body: "ok" };
}

class Bucket {
  private tokens: number;
  private at = Date.now();
  constructor(private readonly limit: RateLimit) {
    this.tokens = limit.capacity;
  }
  take(): { ok: boolean; remaining: number; resetSeconds: number } {
    const t = Date.now();
    this.tokens = Math.min(this.limit.capacity, this.tokens + ((t - this.at) / 1000) * this.limit.perSecond);
    this.at = t;
    if (this.tokens < 1) {
      return { ok: false, remaining: 0, resetSeconds: Math.ceil((1 - this.tokens) / this.limit.perSecond) };
    }
    this.tokens -= 1;
    return { ok: true, remaining: Math.floor(this.tokens), resetSeconds: 0 };
  }
}

function api(w: HerokuWorld, req: FakeRequest, rejected: HerokuFake["rejected"]): FakeResponse {
  const accept = ACCEPT.exec(req.headers.accept ?? "");
  if (!accept) return err(400, "bad_request", "Please specify a version along with Heroku's API MIME type.");
  if (req.body.length > 0 && req.json === undefined)
    return err(400, "bad_request", "Invalid JSON in the request body.");
  const v = validateRequest(req.method, req.path, req.json, accept[1]);
  if (v.errors.length > 0) {
    rejected.push({ method: req.method, path: req.path, errors: v.errors });
    return err(422, "invalid_params", v.errors.join("; "));
  }
  for (const [method, re, handler] of ROUTES) {
    const m = re.exec(req.path);
    if (m && method === req.method) return handler(w, req, [...m]);
  }
  return err(404, "not_found", `The requested API endpoint was not found: ${req.method} ${req.path}`);
}

export async function startHerokuFake(opts: HerokuFakeOptions = {}): Promise<HerokuFake> {
  const world = new HerokuWorld(opts.world);
  const rateLimit: RateLimit = opts.rateLimit ?? { capacity: 4500, perSecond: 75 / 60 };
  let bucket = new Bucket(rateLimit);
  let limitSeen = { ...rateLimit };
  const rejected: HerokuFake["rejected"] = [];
  const running = await startFake({
    name: "heroku",
    knobs: opts.knobs,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    throttleResponse: rateLimited,
    errorResponse: () => ({
      status: 503,
      body: { id: "unavailable", message: "Service Unavailable (injected)" },
    }),
    handler: (req) => {
      const direct = router(world, req) ?? handleBlob(world, req) ?? handleLogplex(world, req);
      if (direct) return direct;
      // A test may change the limit on a running fake.
      if (limitSeen.capacity !== rateLimit.capacity || limitSeen.perSecond !== rateLimit.perSecond) {
        bucket = new Bucket(rateLimit);
        limitSeen = { ...rateLimit };
      }
      const t = bucket.take();
      if (!t.ok) {
        const r = rateLimited();
        return { ...r, headers: { "ratelimit-remaining": "0", "ratelimit-reset": String(t.resetSeconds) } };
      }
      const res = api(world, req, rejected);
      return { ...res, headers: { ...res.headers, "ratelimit-remaining": String(t.remaining) } };
    },
  });
  world.baseUrl = running.url;
  const isApi = (r: FakeRequest) => !/^\/__(router|blobs|logplex)\//.test(r.path);
  return Object.assign(running, {
    world,
    rateLimit,
    rejected,
    // A log session changes nothing: it is a read that needs a POST.
    mutations: () =>
      running.requests.filter((r) => isApi(r) && r.method !== "GET" && !r.path.endsWith("/log-sessions")),
  });
}
