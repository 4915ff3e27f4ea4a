// A stateful fake of Azure Resource Manager on one 127.0.0.1 port, reached the way a user
// reaches an emulator or a sovereign cloud: AZURE_RESOURCE_MANAGER_ENDPOINT=<fake.url> or a
// target's `endpoint`. It serves Microsoft.Resources (subscriptions, groups), Microsoft.Web
// (plans, sites, slots, settings, swap), Microsoft.Storage and Microsoft.ContainerService, with
// ARM's long-running operations (202 + Azure-AsyncOperation/Location), globally unique site and
// storage names, and throttling/5xx in ARM's error shape. Sites' own hosts are served under
// /__sites/.

import type { FakeRequest, FakeResponse, FaultKnobs, RunningFake } from "../_shared/server.js";
import { startFake } from "../_shared/server.js";
import { hostKeys } from "./access.js";
import { deleteGroup, getGroup, getSubscription, listResources, putGroup } from "./resources.js";
import { EXTRA_ROUTES } from "./routes-extra.js";
import type { Route } from "./routes-extra.js";
import * as web from "./web.js";
import { armError, key, newWorld, notFound, operationResult, operationStatus } from "./world.js";
import type { Dict, FakeWorld, SiteRecord, WorldOptions } from "./world.js";

export type { FakeWorld } from "./world.js";

export interface AzureFakeOptions {
  knobs?: FaultKnobs;
  world?: WorldOptions;
  logFile?: string;
}

export interface AzureFake extends RunningFake {
  world: FakeWorld;
}

const SUB = "/subscriptions/([^/]+)";
const RG = `${SUB}/resourcegroups/([^/]+)`;
const WEB = `${RG}/providers/microsoft\\.web`;
const SITE = `${WEB}/sites/([^/]+)`;
const SLOT = `${SITE}/slots/([^/]+)`;
const re = (s: string) => new RegExp(`^${s}$`, "i");

function withSite(w: FakeWorld, m: string[], run: (site: SiteRecord) => FakeResponse): FakeResponse {
  const [sub = "", group = "", name = ""] = m;
  const site = w.sites.get(name.toLowerCase());
  if (!site || key(site.subscription, site.group) !== key(sub, group))
    return notFound("Microsoft.Web/sites", name);
  return run(site);
}

function needGroup(w: FakeWorld, sub: string, group: string): FakeResponse | undefined {
  return w.groups.has(key(sub, group))
    ? undefined
    : armError(404, "ResourceGroupNotFound", `Resource group '${group}' could not be found.`);
}

const body = (req: FakeRequest) => (req.json ?? {}) as Dict;
const scope = (m: string[]) => ({ subscription: m[0] ?? "", group: m[1] ?? "" });

const ROUTES: Route[] = [
  [
    "GET",
    re(`${SUB}/providers/microsoft\\.web/operationstatuses/([^/]+)`),
    (w, _r, m) => operationStatus(w, m[1] ?? ""),
  ],
  [
    "GET",
    re(`${SUB}/providers/microsoft\\.web/operationresults/([^/]+)`),
    (w, _r, m) => operationResult(w, m[1] ?? ""),
  ],
  ["POST", re(`${SUB}/providers/microsoft\\.web/checknameavailability`), (w, r) => web.checkName(w, body(r))],
  ["GET", re(SUB), (w, _r, m) => getSubscription(w, m[0] ?? "")],
  ["GET", re(RG), (w, _r, m) => getGroup(w, m[0] ?? "", m[1] ?? "")],
  ["HEAD", re(RG), (w, _r, m) => ({ status: w.groups.has(key(m[0] ?? "", m[1] ?? "")) ? 204 : 404 })],
  ["PUT", re(RG), (w, r, m) => putGroup(w, m[0] ?? "", m[1] ?? "", body(r))],
  ["DELETE", re(RG), (w, _r, m) => deleteGroup(w, m[0] ?? "", m[1] ?? "")],
  ["GET", re(`${RG}/resources`), (w, _r, m) => listResources(w, m[0] ?? "", m[1] ?? "")],
  [
    "GET",
    re(`${WEB}/serverfarms/([^/]+)`),
    (w, _r, m) => {
      const f = w.farms.get(key(m[0] ?? "", m[1] ?? "", m[2] ?? ""));
      return f
        ? { status: 200, body: web.farmBody(f, w) }
        : notFound("Microsoft.Web/serverFarms", m[2] ?? "");
    },
  ],
  [
    "PUT",
    re(`${WEB}/serverfarms/([^/]+)`),
    (w, r, m) => needGroup(w, m[0] ?? "", m[1] ?? "") ?? web.putFarm(w, scope(m), m[2] ?? "", body(r)),
  ],
  ["DELETE", re(`${WEB}/serverfarms/([^/]+)`), (w, _r, m) => web.deleteFarm(w, scope(m), m[2] ?? "")],
  ["GET", re(SITE), (w, _r, m) => withSite(w, m, (s) => ({ status: 200, body: web.siteBody(w, s) ?? {} }))],
  [
    "PUT",
    re(SITE),
    (w, r, m) => needGroup(w, m[0] ?? "", m[1] ?? "") ?? web.putSite(w, scope(m), m[2] ?? "", body(r)),
  ],
  ["PATCH", re(SITE), (w, r, m) => withSite(w, m, (s) => web.patchSite(w, s, body(r)))],
  [
    "DELETE",
    re(SITE),
    (w, _r, m) =>
      withSite(w, m, (s) => {
        w.sites.delete(s.name.toLowerCase());
        return { status: 200 };
      }),
  ],
  ["GET", re(`${SITE}/config/web`), (w, _r, m) => withSite(w, m, (s) => web.configBody(s))],
  ["POST", re(`${SITE}/host/default/listkeys`), (w, _r, m) => withSite(w, m, (s) => hostKeys(s))],
  ["POST", re(`${SITE}/config/appsettings/list`), (w, _r, m) => withSite(w, m, (s) => web.settingsBody(s))],
  [
    "PUT",
    re(`${SITE}/config/appsettings`),
    (w, r, m) => withSite(w, m, (s) => web.settingsBody(s, undefined, body(r))),
  ],
  ["POST", re(`${SITE}/slotsswap`), (w, r, m) => withSite(w, m, (s) => web.swap(w, s, body(r)))],
  [
    "GET",
    re(SLOT),
    (w, _r, m) =>
      withSite(w, m, (s) => {
        const b = web.siteBody(w, s, m[3]);
        return b
          ? { status: 200, body: b }
          : notFound("Microsoft.Web/sites/slots", `${s.name}/${m[3] ?? ""}`);
      }),
  ],
  ["PUT", re(SLOT), (w, r, m) => withSite(w, m, (s) => web.putSlot(w, s, m[3] ?? "", body(r)))],
  ["PATCH", re(SLOT), (w, r, m) => withSite(w, m, (s) => web.patchSite(w, s, body(r), m[3]))],
  [
    "DELETE",
    re(SLOT),
    (w, _r, m) =>
      withSite(w, m, (s) => {
        s.slots.delete(m[3] ?? "");
        return { status: 200 };
      }),
  ],
  ["GET", re(`${SLOT}/config/web`), (w, _r, m) => withSite(w, m, (s) => web.configBody(s, m[3]))],
  [
    "POST",
    re(`${SLOT}/config/appsettings/list`),
    (w, _r, m) => withSite(w, m, (s) => web.settingsBody(s, m[3])),
  ],
  [
    "PUT",
    re(`${SLOT}/config/appsettings`),
    (w, r, m) => withSite(w, m, (s) => web.settingsBody(s, m[3], body(r))),
  ],
  ...EXTRA_ROUTES,
];

const READ_POSTS =
  /\/(checknameavailability|list|listkeys|listclusterusercredential|listclusteradmincredential)$/i;

/** True for a call that changes something (what the benchmark counts as "mutating"). */
export function isMutating(req: FakeRequest): boolean {
  if (req.method === "GET" || req.method === "HEAD") return false;
  return !(req.method === "POST" && READ_POSTS.test(req.path));
}

/** "PUT sites/shop-dev-web" style label of a request, for logs and call counts. */
export function describeRequest(req: FakeRequest): string {
  const p = req.path.replace(/^\/subscriptions\/[^/]+(\/resourcegroups\/[^/]+)?(\/providers\/[^/]+)?/i, "");
  return `${req.method} ${p || "/"}`;
}

/**
 * With `siteDomain`, a request whose Host is a site's, a slot's or their Kudu host, as the
 * /__sites/ or /__scm/ path it stands for; undefined for ARM. Hosts are looked up, not parsed:
 * a site's own name may hold the '-' that joins a slot's.
 */
function hostPath(w: FakeWorld, req: FakeRequest): string | undefined {
  const domain = w.siteDomain;
  const host = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
  if (!domain || !host.endsWith(`.${domain}`)) return undefined;
  const scm = host.replace(/^([^.]+)\.scm\./, "$1.");
  for (const site of w.sites.values()) {
    const slots: [string | undefined, string][] = [
      [undefined, site.hostName],
      ...[...site.slots].map(([n, s]): [string, string] => [n, s.hostName]),
    ];
    for (const [slot, h] of slots) {
      if (h.toLowerCase() === host) return `/__sites/${site.name}${slot ? `--${slot}` : ""}${req.path}`;
      if (h.toLowerCase() === scm && scm !== host && !slot) return `/__scm/${site.name}${req.path}`;
    }
  }
  return "/__sites/-unknown-host";
}

function route(w: FakeWorld, given: FakeRequest): FakeResponse {
  const viaHost = hostPath(w, given);
  // The recorded request keeps what the client sent; only the routing sees the stand-in path.
  const req = viaHost ? { ...given, path: viaHost } : given;
  if (req.path.startsWith("/__sites/")) return web.serveSite(w, req);
  const scm = req.path.startsWith("/__scm/");
  if (!scm && !req.query.get("api-version"))
    return armError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  for (const [method, pattern, handler] of ROUTES) {
    if (method !== req.method) continue;
    const m = pattern.exec(req.path);
    if (m) return handler(w, req, m.slice(1));
  }
  return armError(404, "InvalidResourceType", `The fake has no route for ${req.method} ${req.path}`);
}

export async function startAzureFake(opts: AzureFakeOptions = {}): Promise<AzureFake> {
  const world = newWorld(opts.world);
  const running = await startFake({
    name: "azure",
    handler: (req) => route(world, req),
    ...(opts.knobs ? { knobs: opts.knobs } : {}),
    throttleResponse: () => ({
      status: 429,
      headers: { "retry-after": "0" },
      body: {
        error: {
          code: "TooManyRequests",
          message: "The request is being throttled as the limit has been reached for operation type Write.",
        },
      },
    }),
    errorResponse: () => ({
      status: 500,
      body: {
        error: { code: "InternalServerError", message: "Encountered internal server error (injected)." },
      },
    }),
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  });
  world.baseUrl = running.url;
  return Object.assign(running, { world });
}
