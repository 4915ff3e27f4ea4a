// A stateful fake of Google Cloud's control planes on 127.0.0.1: Cloud Run Admin v2, Cloud
// Functions v2 (with the signed-URL upload, and one page of each list), Cloud Logging's
// entries.list (logging.ts) and the GKE cluster read
// of container v1, spoken over REST exactly as gax's fallback transport sends it (numeric enums,
// `:verb` suffixes, update masks in the query, operations polled by
// GET /v2/{name=projects/*/locations/*/operations/*}).
//
//   const fake = await startGcpFake();            // { url, world, requests, knobs, close }
//   target options: { endpoint: fake.url }        // or CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN=...
//   env: { GOOGLE_OAUTH_ACCESS_TOKEN: "test" }     // static token: no ADC lookup
//
// knobs: the shared fault knobs (latencyMs, errorRate, throttleRate → 429 RESOURCE_EXHAUSTED,
// hangRate, dropRate, random) plus opPolls, failImage and failBuild (world.ts). Every request is
// in `requests` and, with APISHIP_FAKE_LOG=FILE, written as NDJSON.

import { startFake } from "../_shared/server.js";
import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { EnumCodec } from "./enums.js";
import { FunctionsApi } from "./functions.js";
import { getPolicy, setPolicy } from "./iam.js";
import { listEntries } from "./logging.js";
import { RunApi } from "./run.js";
import type { GcpKnobs, Json, Operation } from "./world.js";
import { GcpFault, GcpWorld, errorResponse } from "./world.js";

export { GcpWorld, GcpFault } from "./world.js";
export type { GcpKnobs, Json, Operation } from "./world.js";

export interface GcpFakeOptions {
  knobs?: GcpKnobs;
  logFile?: string;
  /**
   * The host signed upload URLs name, as Google's name storage.googleapis.com: set, the client
   * reaches the fake only through APISHIP_CONNECT_TO. Default: the fake's own address.
   */
  uploadHost?: string;
}

export interface GcpFake {
  url: string;
  port: number;
  world: GcpWorld;
  requests: FakeRequest[];
  /** Live: change them between calls. */
  knobs: GcpKnobs;
  close(): Promise<void>;
}

const P = "projects/[^/]+/locations/[^/]+";
const codec = new EnumCodec(["@google-cloud/run", "@google-cloud/functions", "@google-cloud/container"]);

interface Ctx {
  req: FakeRequest;
  run: RunApi;
  fns: FunctionsApi;
  world: GcpWorld;
  m: RegExpMatchArray;
}
type Route = [method: string, path: RegExp, type: string, handle: (c: Ctx) => Json | Operation];

const body = (c: Ctx, type: string): Json => (codec.names(type, c.req.json ?? {}) as Json) ?? {};
const mask = (c: Ctx): string[] | undefined => c.req.query.get("updateMask")?.split(",").filter(Boolean);
const RUN_SVC = "google.cloud.run.v2.Service";
const FN = "google.cloud.functions.v2.Function";

/**
 * A list read of one collection under `parent`, pageSize and pageToken as the APIs take them
 * (run-v2.json services.list, cloudfunctions-v2.json functions.list): sorted by name, the token
 * an opaque offset, the next one only while more remain.
 */
function listed(c: Ctx, all: Map<string, Json>, collection: string, key: string): Json {
  const prefix = `${c.m[1] ?? ""}/${collection}/`;
  const names = [...all.keys()].filter((n) => n.startsWith(prefix)).sort();
  const size = Number(c.req.query.get("pageSize") ?? 0) || 100;
  const token = c.req.query.get("pageToken");
  const from = token ? Number(Buffer.from(token, "base64url").toString("utf8")) : 0;
  if (!Number.isInteger(from) || from < 0) throw new GcpFault("INVALID_ARGUMENT", "Invalid page token.");
  const page = names.slice(from, from + size).map((n) => scrub(structuredClone(all.get(n) ?? {})));
  const out: Json = { [key]: page };
  if (from + size < names.length) out.nextPageToken = Buffer.from(String(from + size)).toString("base64url");
  return out;
}

const ROUTES: Route[] = [
  [
    "GET",
    new RegExp(`^/v2/(${P}/operations/[^/]+)$`),
    "google.longrunning.Operation",
    (c) => {
      const op = c.world.poll(c.m[1] ?? "");
      if (!op) throw new GcpFault("NOT_FOUND", `Operation ${c.m[1]} not found`);
      return op;
    },
  ],
  // Cloud Run Admin v2
  [
    "POST",
    new RegExp(`^/v2/(${P})/services$`),
    RUN_SVC,
    (c) => c.run.create(c.m[1] ?? "", c.req.query.get("serviceId"), body(c, RUN_SVC)),
  ],
  [
    "GET",
    new RegExp(`^/v2/(${P}/services/[^/:]+):getIamPolicy$`),
    "google.iam.v1.Policy",
    (c) => getPolicy(c.world, c.m[1] ?? ""),
  ],
  [
    "POST",
    new RegExp(`^/v2/(${P}/services/[^/:]+):setIamPolicy$`),
    "google.iam.v1.Policy",
    (c) => setPolicy(c.world, c.m[1] ?? "", (c.req.json as Json) ?? {}),
  ],
  [
    "GET",
    new RegExp(`^/v2/(${P}/services/[^/:]+)/revisions$`),
    "google.cloud.run.v2.ListRevisionsResponse",
    (c) => c.run.listRevisions(c.m[1] ?? ""),
  ],
  [
    "GET",
    new RegExp(`^/v2/(${P}/services/[^/:]+/revisions/[^/:]+)$`),
    "google.cloud.run.v2.Revision",
    (c) => c.run.revision(c.m[1] ?? ""),
  ],
  ["GET", new RegExp(`^/v2/(${P}/services/[^/:]+)$`), RUN_SVC, (c) => c.run.get(c.m[1] ?? "")],
  [
    "PATCH",
    new RegExp(`^/v2/(${P}/services/[^/:]+)$`),
    RUN_SVC,
    (c) => c.run.update(c.m[1] ?? "", body(c, RUN_SVC), mask(c), c.req.query.get("allowMissing") === "true"),
  ],
  [
    "DELETE",
    new RegExp(`^/v2/(${P}/services/[^/:]+)$`),
    RUN_SVC,
    (c) => c.run.delete(c.m[1] ?? "", c.req.query.get("etag")),
  ],
  [
    "GET",
    new RegExp(`^/v2/(${P})/services$`),
    "google.cloud.run.v2.ListServicesResponse",
    (c) => listed(c, c.world.services, "services", "services"),
  ],
  // Cloud Functions v2
  [
    "GET",
    new RegExp(`^/v2/(${P})/functions$`),
    "google.cloud.functions.v2.ListFunctionsResponse",
    (c) => ({ ...listed(c, c.world.functions, "functions", "functions"), unreachable: [] }),
  ],
  [
    "POST",
    new RegExp(`^/v2/(${P})/functions:generateUploadUrl$`),
    "google.cloud.functions.v2.GenerateUploadUrlResponse",
    (c) => c.fns.generateUploadUrl(c.m[1] ?? ""),
  ],
  [
    "POST",
    new RegExp(`^/v2/(${P})/functions$`),
    FN,
    (c) => c.fns.create(c.m[1] ?? "", c.req.query.get("functionId"), body(c, FN)),
  ],
  ["GET", new RegExp(`^/v2/(${P}/functions/[^/:]+)$`), FN, (c) => c.fns.get(c.m[1] ?? "")],
  [
    "PATCH",
    new RegExp(`^/v2/(${P}/functions/[^/:]+)$`),
    FN,
    (c) => c.fns.update(c.m[1] ?? "", body(c, FN), mask(c)),
  ],
  ["DELETE", new RegExp(`^/v2/(${P}/functions/[^/:]+)$`), FN, (c) => c.fns.delete(c.m[1] ?? "")],
  // GKE (container v1): the cluster read apiship needs.
  [
    "GET",
    new RegExp(`^/v1/(${P}/clusters/[^/:]+)$`),
    "google.container.v1.Cluster",
    (c) => {
      const cl = c.world.clusters.get(c.m[1] ?? "");
      if (!cl) throw new GcpFault("NOT_FOUND", `Not found: ${c.m[1]}.`);
      return {
        name: cl.name,
        location: cl.location,
        endpoint: cl.endpoint,
        masterAuth: { clusterCaCertificate: cl.caCertificate },
        status: cl.status,
        selfLink: `https://container.googleapis.com/v1/${c.m[1]}`,
        currentMasterVersion: "1.30.5-gke.1014001",
      };
    },
  ],
];

function opJson(op: Operation): Json {
  const out: Json = {
    name: op.name,
    metadata: { "@type": `type.googleapis.com/${op.metadataType}`, ...op.metadata },
    done: op.done,
  };
  if (op.error) out.error = op.error;
  else if (op.done && op.response)
    out.response = { "@type": `type.googleapis.com/${op.responseType}`, ...op.response };
  return out;
}

function encode(type: string, value: Json, numeric: boolean): Json {
  const fix = (v: Json, t: string) => (numeric ? (codec.numbers(t, v) as Json) : v);
  if (type !== "google.longrunning.Operation") return fix(value, type);
  const out = { ...value };
  for (const k of ["metadata", "response"]) {
    const any = out[k] as Json | undefined;
    if (any && typeof any["@type"] === "string")
      out[k] = fix(any, String(any["@type"]).split("/").pop() ?? "");
  }
  return out;
}

/** Internal bookkeeping the real API does not return. */
function scrub(v: Json): Json {
  const { templateHash: _t, ...rest } = v;
  if (Array.isArray(rest.revisions)) rest.revisions = (rest.revisions as Json[]).map(scrub);
  return rest;
}

function handler(world: GcpWorld, run: RunApi, fns: FunctionsApi) {
  return (req: FakeRequest): FakeResponse => {
    const up = /^\/upload\/([^/]+)$/.exec(req.path);
    try {
      if (up && req.method === "PUT") {
        fns.upload(up[1] ?? "", req.headers["content-type"], req.body);
        return { status: 200, body: "" };
      }
      if (req.path === "/v2/entries:list" && req.method === "POST")
        return { status: 200, body: listEntries(world, (req.json as Json | undefined) ?? {}) };
      const project = /^\/v\d+\/projects\/([^/]+)\//.exec(req.path)?.[1];
      if (project !== undefined && world.knownProjects && !world.knownProjects.has(project))
        return errorResponse(
          "PERMISSION_DENIED",
          `Permission denied on resource project ${project} (or it may not exist).`,
        );
      for (const [method, re, type, handle] of ROUTES) {
        const m = re.exec(req.path);
        if (!m || method !== req.method) continue;
        const result = handle({ req, run, fns, world, m });
        const isOp = "finish" in result && "pollsLeft" in result;
        const json = isOp ? opJson(result as Operation) : scrub(result as Json);
        const numeric = (req.query.get("$alt") ?? "").includes("enum-encoding=int");
        return { status: 200, body: encode(isOp ? "google.longrunning.Operation" : type, json, numeric) };
      }
      return errorResponse(
        "NOT_FOUND",
        `The requested URL ${req.method} ${req.path} was not found on this server.`,
      );
    } catch (e) {
      if (e instanceof GcpFault) return errorResponse(e.status, e.message);
      throw e;
    }
  };
}

export async function startGcpFake(opts: GcpFakeOptions = {}): Promise<GcpFake> {
  const knobs: GcpKnobs = { ...opts.knobs };
  const world = new GcpWorld(knobs);
  const run = new RunApi(world);
  const fns = new FunctionsApi(world, run);
  const fake = await startFake({
    name: "gcp",
    handler: handler(world, run, fns),
    knobs,
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
    throttleResponse: () =>
      errorResponse(
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per region'.",
        { "retry-after": "0" },
      ),
    errorResponse: () => errorResponse("INTERNAL", "Internal error encountered (injected)."),
  });
  // startFake copies the knobs it is given; the world must read the live object the caller edits.
  Object.assign(fake.knobs, knobs);
  (world as { knobs: GcpKnobs }).knobs = fake.knobs;
  fns.baseUrl = opts.uploadHost ? `http://${opts.uploadHost}:${fake.port}` : fake.url;
  return {
    url: fake.url,
    port: fake.port,
    world,
    requests: fake.requests,
    knobs: fake.knobs,
    close: fake.close,
  };
}

/** A request that changes something (everything but reads; the signed-URL upload counts). */
export function isMutating(r: FakeRequest): boolean {
  return r.method !== "GET" && r.path !== "/v2/entries:list";
}
