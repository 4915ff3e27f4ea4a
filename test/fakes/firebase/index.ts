// A stateful fake of the Firebase Hosting REST API (v1beta1) on 127.0.0.1, plus the Hosting
// "CDN" that serves each site's live release at <url>/__hosting/<site>/... (a site's defaultUrl
// in the fake) by matching its rewrites, so a deploy's health check reaches the function.
//
//   const gcp = await startGcpFake();
//   const fb = await startFirebaseFake({ gcp });   // one endpoint for both APIs:
//   target options: { endpoint: fb.url }           // Hosting here, anything else proxied to gcp
//   or CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING=<fb.url> for Hosting alone
//   env: { GOOGLE_OAUTH_ACCESS_TOKEN: "test" }      // static token: no ADC lookup
//
// knobs: the shared fault knobs (throttleRate → 429 RESOURCE_EXHAUSTED with Retry-After: 0,
// errorRate, latencyMs, hangRate, dropRate, random) and failSiteCreate. `world.addSite` puts a
// site in another project (a taken id). `crash` makes the CDN answer 500 for a service id.

import { startFake } from "../_shared/server.js";
import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { HostingApi } from "./hosting.js";
import type { HostingKnobs, Json } from "./world.js";
import { HostingFault, HostingWorld, errorResponse } from "./world.js";

export { HostingWorld, HostingFault } from "./world.js";
export type { HostingKnobs, Json } from "./world.js";

/** The part of the GCP fake the Hosting fake needs: where to proxy, and which services exist. */
export interface GcpPeer {
  url: string;
  world: { services: Map<string, Json> };
}

export interface FirebaseFakeOptions {
  knobs?: HostingKnobs;
  logFile?: string;
  /** Proxy every non-Hosting request to this GCP fake, and route rewrites to its Run services. */
  gcp?: GcpPeer;
}

export interface FirebaseFake {
  url: string;
  world: HostingWorld;
  /** Hosting API requests received (CDN and proxied requests excluded). */
  requests: FakeRequest[];
  knobs: HostingKnobs;
  /** Service ids whose requests the CDN answers with a 500, as a crashing function would. */
  crash: Set<string>;
  /** Mutating Hosting API calls so far. */
  mutations(): FakeRequest[];
  close(): Promise<void>;
}

type Route = [
  method: string,
  path: RegExp,
  handle: (api: HostingApi, m: RegExpMatchArray, r: FakeRequest) => Json,
];
const S = "([^/:]+)";
const q = (r: FakeRequest, k: string) => r.query.get(k);

const ROUTES: Route[] = [
  [
    "GET",
    new RegExp(`^/v1beta1/projects/${S}/sites$`),
    (a, m, r) => a.listSites(m[1] ?? "", q(r, "pageSize"), q(r, "pageToken")),
  ],
  [
    "POST",
    new RegExp(`^/v1beta1/projects/${S}/sites$`),
    (a, m, r) => a.createSite(m[1] ?? "", q(r, "siteId"), r.json),
  ],
  ["GET", new RegExp(`^/v1beta1/projects/${S}/sites/${S}$`), (a, m) => a.getSite(m[1] ?? "", m[2] ?? "")],
  [
    "DELETE",
    new RegExp(`^/v1beta1/projects/${S}/sites/${S}$`),
    (a, m) => a.deleteSite(m[1] ?? "", m[2] ?? ""),
  ],
  ["POST", new RegExp(`^/v1beta1/sites/${S}/versions$`), (a, m, r) => a.createVersion(m[1] ?? "", r.json)],
  ["GET", new RegExp(`^/v1beta1/(sites/${S}/versions/${S})$`), (a, m) => a.getVersion(m[1] ?? "")],
  [
    "PATCH",
    new RegExp(`^/v1beta1/(sites/${S}/versions/${S})$`),
    (a, m, r) => a.patchVersion(m[1] ?? "", r.json, q(r, "updateMask")),
  ],
  [
    "POST",
    new RegExp(`^/v1beta1/(sites/${S}/versions/${S}):populateFiles$`),
    (a, m, r) => a.populateFiles(m[1] ?? "", r.json),
  ],
  [
    "POST",
    new RegExp(`^/v1beta1/sites/${S}/releases$`),
    (a, m, r) => a.createRelease(m[1] ?? "", q(r, "versionName"), r.json),
  ],
  [
    "GET",
    new RegExp(`^/v1beta1/sites/${S}/releases$`),
    (a, m, r) => a.listReleases(m[1] ?? "", q(r, "pageSize"), q(r, "pageToken")),
  ],
];

/** Hosting's glob: ** crosses "/", * and ? do not. */
export function globMatches(glob: string, path: string): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*\*|\*|\?/g, (t) => (t === "**" ? ".*" : t === "*" ? "[^/]*" : "[^/]"));
  return new RegExp(`^${re}$`).test(path);
}

function cdn(
  world: HostingWorld,
  peer: GcpPeer | undefined,
  crash: Set<string>,
  site: string,
  path: string,
): FakeResponse {
  const rec = world.sites.get(site);
  const live = world.live(site);
  if (!rec || !live) return { status: 404, body: "Site Not Found" };
  const config = (live.version as Json).config as { rewrites?: Json[] } | undefined;
  const rule = config?.rewrites?.find((r) => typeof r.glob === "string" && globMatches(r.glob, path));
  const run = rule?.run as { serviceId: string; region?: string } | undefined;
  if (!run) return { status: 404, body: "Page Not Found" };
  const service = `projects/${rec.project}/locations/${run.region ?? "us-central1"}/services/${run.serviceId}`;
  if (peer && !peer.world.services.has(service))
    return { status: 502, body: `Cloud Run service ${service} not found` };
  if (crash.has(run.serviceId)) return { status: 500, body: "Error: could not handle the request" };
  return { status: 200, body: { ok: true, service, path } };
}

async function proxy(peer: GcpPeer, req: FakeRequest): Promise<FakeResponse> {
  const url = new URL(req.path, peer.url);
  for (const [k, v] of req.query) url.searchParams.append(k, v);
  const headers = { ...req.headers };
  delete headers.host;
  delete headers["content-length"];
  const res = await fetch(url, {
    method: req.method,
    headers,
    ...(req.body.length > 0 ? { body: new Uint8Array(req.body) } : {}),
  });
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!["content-length", "transfer-encoding", "connection"].includes(k)) out[k] = v;
  });
  return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
}

export async function startFirebaseFake(opts: FirebaseFakeOptions = {}): Promise<FirebaseFake> {
  const knobs: HostingKnobs = { ...opts.knobs };
  const world = new HostingWorld(knobs);
  const api = new HostingApi(world);
  const crash = new Set<string>();
  const requests: FakeRequest[] = [];
  const handler = async (req: FakeRequest): Promise<FakeResponse> => {
    const site = /^\/__hosting\/([^/]+)(\/.*)?$/.exec(req.path);
    if (site) return cdn(world, opts.gcp, crash, site[1] ?? "", site[2] ?? "/");
    const upload = /^\/upload\/(sites\/[^/]+\/versions\/[^/]+)\/files\/([0-9a-f]{64})$/.exec(req.path);
    const hosting = upload || req.path.startsWith("/v1beta1/");
    if (!hosting && opts.gcp) return proxy(opts.gcp, req);
    requests.push(req);
    try {
      if (upload && req.method === "POST") {
        api.upload(upload[1] ?? "", upload[2] ?? "", req.body);
        return { status: 200, body: "" };
      }
      for (const [method, re, handle] of ROUTES) {
        const m = re.exec(req.path);
        if (m && method === req.method) return { status: 200, body: handle(api, m, req) };
      }
      return errorResponse(
        "NOT_FOUND",
        `The requested URL ${req.method} ${req.path} was not found on this server.`,
      );
    } catch (e) {
      if (e instanceof HostingFault) return errorResponse(e.status, e.message);
      throw e;
    }
  };
  const fake = await startFake({
    name: "firebase",
    handler,
    knobs,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    throttleResponse: () =>
      errorResponse(
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute'.",
        { "retry-after": "0" },
      ),
    errorResponse: () => errorResponse("INTERNAL", "Internal error encountered (injected)."),
  });
  // startFake copies the knobs; the world must read the live object the caller edits.
  world.knobs = fake.knobs;
  world.baseUrl = fake.url;
  return {
    url: fake.url,
    world,
    requests,
    knobs: fake.knobs,
    crash,
    mutations: () => requests.filter((r) => r.method !== "GET"),
    close: fake.close,
  };
}
