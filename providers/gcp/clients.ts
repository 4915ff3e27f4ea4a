// The ONLY place Google Cloud clients are built (DESIGN.md §9.3). Each client library costs
// 400-560 ms to load, so each loads on first use, inside a function, and only the ones a
// platform calls: Cloud Run needs `run`, Cloud Functions `functions` and `run` (IAM and traffic
// of its underlying service), GKE `container`.
//
// Transport: gax's REST fallback (`fallback: true`), everywhere, so the code that runs against
// Google is the code the tests run against the fake: JSON over HTTP/1.1, numeric enums.
// Endpoint: the target's `endpoint` option, else CLOUDSDK_API_ENDPOINT_OVERRIDES_<API> (RUN,
// CLOUDFUNCTIONS, CONTAINER; gcloud's variables), else Google's. Credentials: a static token from
// GOOGLE_OAUTH_ACCESS_TOKEN when set; a plain-http endpoint (an emulator) without one gets a
// dummy token; otherwise Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
// workload identity federation, gcloud's application-default login, the metadata server).

import type { protos as RunProtos } from "@google-cloud/run";
import type * as FnProtos from "@google-cloud/functions/build/protos/protos.js";
import type { protos as GkeProtos } from "@google-cloud/container";
import type { ClientOptions } from "google-gax";
import type { ProviderConfig } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { parseConnectTo } from "../../src/apply/connect-to.js";
import { callPolicy, retryCall } from "../_shared/call-retry.js";
import { dialFetch } from "../_shared/dial.js";
import { poll } from "../_shared/poll.js";
import { CREDENTIALS_HINT, accessToken, applicationDefault, describeAdc } from "./adc.js";
import type { AdcIdentity, GoogleAuth } from "./adc.js";
import { gcp, gcpMaybe, toProviderError } from "./errors.js";
import { finish } from "./operations.js";
import type { CheckedOp } from "./operations.js";

export type { OperationFailure } from "./operations.js";

export type RunService = RunProtos.google.cloud.run.v2.IService;
export type RunRevision = RunProtos.google.cloud.run.v2.IRevision;
export type IamPolicy = RunProtos.google.iam.v1.IPolicy;
export type CloudFunction = FnProtos.google.cloud.functions.v2.IFunction;
export type Cluster = GkeProtos.google.container.v1.ICluster;
export type StorageSource = FnProtos.google.cloud.functions.v2.IStorageSource;

export type GcpApi = "RUN" | "CLOUDFUNCTIONS" | "CONTAINER" | "LOGGING";

/** Cloud Run Admin v2, as the adapters use it: long-running writes come back finished. */
export interface RunApi {
  getService(name: string): Promise<RunService | undefined>;
  createService(
    parent: string,
    serviceId: string,
    service: RunService,
    signal: AbortSignal,
  ): Promise<RunService>;
  updateService(service: RunService, updateMask: string[], signal: AbortSignal): Promise<RunService>;
  deleteService(name: string, signal: AbortSignal): Promise<void>;
  getRevision(name: string): Promise<RunRevision | undefined>;
  /** One page of one service under `parent` (`apiship doctor`: the region answers). */
  listServices?(parent: string): Promise<RunService[]>;
  getIamPolicy(resource: string): Promise<IamPolicy>;
  setIamPolicy(resource: string, policy: IamPolicy): Promise<IamPolicy>;
}

export interface FunctionsApi {
  getFunction(name: string): Promise<CloudFunction | undefined>;
  generateUploadUrl(parent: string): Promise<{ uploadUrl: string; storageSource: StorageSource }>;
  createFunction(
    parent: string,
    functionId: string,
    fn: CloudFunction,
    signal: AbortSignal,
  ): Promise<CloudFunction>;
  updateFunction(fn: CloudFunction, updateMask: string[], signal: AbortSignal): Promise<CloudFunction>;
  deleteFunction(name: string, signal: AbortSignal): Promise<void>;
  /** One page of one function under `parent` (`apiship doctor`: the region answers). */
  listFunctions?(parent: string): Promise<CloudFunction[]>;
  /** PUT of the zip to the signed URL generateUploadUrl gave. */
  upload(url: string, zip: Buffer, signal: AbortSignal): Promise<void>;
}

export interface ContainerApi {
  getCluster(name: string): Promise<Cluster | undefined>;
  /** An OAuth access token of the same credentials, for the cluster's API server. */
  accessToken(): Promise<string>;
}

/** Cloud Logging v2 entries.list (one page); logging.ts builds the request and pages. */
export interface LoggingApi {
  listEntries(request: ListEntriesRequest, signal: AbortSignal): Promise<ListEntriesResponse>;
}

export interface ListEntriesRequest {
  resourceNames: string[];
  filter: string;
  orderBy: "timestamp asc" | "timestamp desc";
  pageSize: number;
  pageToken?: string;
}

/** The parts of google.logging.v2.LogEntry apiship shows. */
export interface CloudLogEntry {
  logName?: string;
  resource?: { type?: string; labels?: Record<string, string> };
  timestamp?: string;
  insertId?: string;
  severity?: string;
  textPayload?: string;
  jsonPayload?: Record<string, unknown>;
  httpRequest?: { requestMethod?: string; requestUrl?: string; status?: number; latency?: string };
  labels?: Record<string, string>;
}

export interface ListEntriesResponse {
  entries?: CloudLogEntry[];
  nextPageToken?: string;
}

export interface GcpClients {
  /** Target name, for error messages. */
  target: string;
  run(): Promise<RunApi>;
  functions(): Promise<FunctionsApi>;
  container(): Promise<ContainerApi>;
  /** Cloud Logging (`apiship logs`); optional so adapters' unit mocks need not stub it. */
  logging?(): Promise<LoggingApi>;
  /**
   * Who the credentials are (`apiship doctor`): a static token or an emulator's says so; ADC
   * are asked for a token first, which proves they work (adc.ts describeAdc). `api` is the API
   * whose endpoint decides whether this is an emulator.
   */
  identity?(api: GcpApi): Promise<AdcIdentity>;
  /** First pause of an operation poll (APISHIP_GCP_POLL_MS; tests shorten it). */
  pollIntervalMs: number;
}

const DEFAULT_HOST: Record<GcpApi, string> = {
  RUN: "run.googleapis.com",
  CLOUDFUNCTIONS: "cloudfunctions.googleapis.com",
  CONTAINER: "container.googleapis.com",
  LOGGING: "logging.googleapis.com",
};
const SCOPES = ["https://www.googleapis.com/auth/cloud-platform"];

/** The endpoint an API's client talks to, or undefined for Google's. */
export function endpointFor(api: GcpApi, cfg: ProviderConfig): string | undefined {
  const o = cfg.target.options as { endpoint?: unknown };
  if (typeof o.endpoint === "string") return o.endpoint;
  return cfg.env[`CLOUDSDK_API_ENDPOINT_OVERRIDES_${api}`] || undefined;
}

/**
 * gax client options for one API: REST transport, endpoint, credentials. `adc` resolves
 * Application Default Credentials (adc.ts) when no static token applies; without it gax is
 * left the scopes to look them up itself.
 */
export async function clientOptions(
  api: GcpApi,
  cfg: ProviderConfig,
  adc?: () => Promise<GoogleAuth>,
): Promise<ClientOptions> {
  const out: ClientOptions & Record<string, unknown> = { fallback: true };
  const endpoint = endpointFor(api, cfg);
  if (endpoint !== undefined) {
    const u = new URL(endpoint);
    const plainHttp = u.protocol === "http:";
    out.apiEndpoint = u.hostname;
    out.port = Number(u.port) || (plainHttp ? 80 : 443);
    out.protocol = plainHttp ? "http" : "https";
  } else out.apiEndpoint = DEFAULT_HOST[api];
  const token = staticToken(cfg, api);
  // A static token: nothing looks for ADC, a metadata server or gcloud.
  if (token !== undefined) out.authClient = staticTokenAuth(token) as unknown as ClientOptions["authClient"];
  else if (adc) out.auth = (await adc()) as unknown as ClientOptions["auth"];
  else out.scopes = SCOPES;
  return out;
}

/** GOOGLE_OAUTH_ACCESS_TOKEN, or a dummy token for a plain-http endpoint (an emulator). */
function staticToken(cfg: ProviderConfig, api: GcpApi): string | undefined {
  const endpoint = endpointFor(api, cfg);
  const plainHttp = endpoint !== undefined && new URL(endpoint).protocol === "http:";
  return cfg.env.GOOGLE_OAUTH_ACCESS_TOKEN || (plainHttp ? "emulator" : undefined);
}

/**
 * The part of an auth client gax's REST transport uses (getRequestHeaders, fetch) plus
 * getAccessToken for GKE, over one fixed bearer token. Written here rather than taken from
 * google-auth-library so the CLI bundle carries no copy of that library (gax brings its own,
 * from node_modules, for ADC).
 */
export function staticTokenAuth(token: string) {
  const headers = () => new Headers({ authorization: `Bearer ${token}` });
  return {
    universeDomain: "googleapis.com",
    getRequestHeaders: async () => headers(),
    getAccessToken: async () => ({ token }),
    fetch: (url: string | URL, init: NonNullable<Parameters<typeof fetch>[1]> = {}) => {
      const h = new Headers(init.headers);
      h.set("authorization", `Bearer ${token}`);
      // gaxios-only options (agent, responseType) mean nothing to fetch.
      const {
        agent: _a,
        responseType: _r,
        ...rest
      } = init as RequestInit & { agent?: unknown; responseType?: unknown };
      return fetch(url, { ...rest, headers: h });
    },
  };
}

export function pollInterval(env: ProviderConfig["env"]): number {
  const n = Number(env.APISHIP_GCP_POLL_MS);
  return Number.isFinite(n) && n >= 0 && env.APISHIP_GCP_POLL_MS !== undefined ? n : 1000;
}

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () =>
    (p ??= make().catch((e: unknown) => {
      p = undefined;
      throw e;
    }));
}

/**
 * gax's own retries are turned off per call (`{ retry: null }`): each call is retried here
 * instead, in the one layer every cloud shares (call-retry.ts), under the run's policy. A create
 * is sent again only after a throttle, which the server did not process.
 */
export const NO_GAX_RETRY = { retry: null };
/** A list call that reads the page asked for and no further (gax pages through all by default). */
const ONE_PAGE = { ...NO_GAX_RETRY, autoPaginate: false };

interface CallOptions<T> {
  idempotent?: boolean;
  /** For a create: what it would have made, looked for before sending it again (call-retry.ts). */
  recover?: () => Promise<T | undefined>;
}

interface Caller {
  <T>(op: string, fn: () => Promise<T>, o?: CallOptions<T>): Promise<T>;
  /** NOT_FOUND is "absent": undefined. */
  maybe<T>(op: string, fn: () => Promise<T>): Promise<T | undefined>;
}

function caller(cfg: ProviderConfig, signal?: AbortSignal): Caller {
  const policy = callPolicy(cfg);
  const t = cfg.target.name;
  const map = (op: string) => (e: unknown) => (e instanceof ProviderError ? e : toProviderError(op, t, e));
  const opts = <T>(op: string, o: CallOptions<T> = {}) => ({
    map: map(op),
    idempotent: o.idempotent ?? true,
    ...(o.recover ? { recover: o.recover } : {}),
    ...(signal ? { signal } : {}),
  });
  const must = <T>(op: string, fn: () => Promise<T>, o?: CallOptions<T>) =>
    retryCall(policy, op, () => gcp(op, t, fn), opts(op, o));
  const maybe = <T>(op: string, fn: () => Promise<T>) =>
    retryCall(policy, op, () => gcpMaybe(op, t, fn), opts<T | undefined>(op));
  return Object.assign(must, { maybe });
}

/**
 * The resource as it stands after its operation: an operation's `response` is a raw protobuf
 * message (numeric enums, no defaults), a GET gives the same shape every read gives.
 */
/** Waits until the resource a recovered create started is done being made. */
async function settled<T>(
  what: string,
  name: string,
  get: (name: string) => Promise<T | undefined>,
  done: (v: T) => boolean,
  intervalMs: number,
  signal: AbortSignal,
): Promise<void> {
  await poll(
    () => get(name),
    (v) => v === undefined || done(v),
    {
      what: `${what} ${name.split("/").pop() ?? name} to be created`,
      intervalMs: Math.max(1, intervalMs),
      signal,
    },
  );
}

async function reread<T>(call: Caller, op: string, get: () => Promise<[T, ...unknown[]]>): Promise<T> {
  return (await call(op, get))[0];
}

async function makeRun(cfg: ProviderConfig, intervalMs: number, adc: Adc): Promise<RunApi> {
  const opts = await clientOptions("RUN", cfg, adc);
  const { ServicesClient, RevisionsClient } = await import("@google-cloud/run");
  const c = new ServicesClient(opts);
  const rev = new RevisionsClient(opts);
  const t = cfg.target.name;
  const call = caller(cfg);
  const o = NO_GAX_RETRY;
  const check = (n: string) => c.checkUpdateServiceProgress(n) as unknown as Promise<CheckedOp<RunService>>;
  const getService = (name: string) =>
    call.maybe("GetService", async () => (await c.getService({ name }, o))[0]);
  return {
    getService,
    createService: async (parent, serviceId, service, signal) => {
      const name = `${parent}/services/${serviceId}`;
      // After a 5xx the create may have started: a service by that name means it did (null: no
      // operation to follow), and it is waited for instead of being created twice.
      const op = await call(
        "CreateService",
        async () => (await c.createService({ parent, serviceId, service }, o))[0],
        { idempotent: false, recover: async () => ((await getService(name)) ? null : undefined) },
      );
      if (op) await finish("CreateService", t, op, check, intervalMs, signal);
      else await settled("service", name, getService, (s) => s.reconciling !== true, intervalMs, signal);
      return reread(call, "GetService", () => c.getService({ name }, o));
    },
    updateService: async (service, paths, signal) => {
      const [op] = await call("UpdateService", () => c.updateService({ service, updateMask: { paths } }, o));
      await finish("UpdateService", t, op, check, intervalMs, signal);
      return reread(call, "GetService", () => c.getService({ name: service.name ?? "" }, o));
    },
    deleteService: async (name, signal) => {
      const op = await call.maybe("DeleteService", async () => (await c.deleteService({ name }, o))[0]);
      if (op)
        await gcpMaybe("DeleteService", t, () => finish("DeleteService", t, op, check, intervalMs, signal));
    },
    getRevision: (name) => call.maybe("GetRevision", async () => (await rev.getRevision({ name }, o))[0]),
    listServices: (parent) =>
      call("ListServices", async () => (await c.listServices({ parent, pageSize: 1 }, ONE_PAGE))[0]),
    getIamPolicy: (resource) => call("GetIamPolicy", async () => (await c.getIamPolicy({ resource }, o))[0]),
    setIamPolicy: (resource, policy) =>
      call("SetIamPolicy", async () => (await c.setIamPolicy({ resource, policy }, o))[0]),
  };
}

async function makeFunctions(cfg: ProviderConfig, intervalMs: number, adc: Adc): Promise<FunctionsApi> {
  const opts = await clientOptions("CLOUDFUNCTIONS", cfg, adc);
  const { v2 } = await import("@google-cloud/functions");
  const c = new v2.FunctionServiceClient(opts);
  const t = cfg.target.name;
  const call = caller(cfg);
  const o = NO_GAX_RETRY;
  // The signed upload URL is a host Google names: APISHIP_CONNECT_TO may point it at an emulator.
  const dial = dialFetch(parseConnectTo(cfg.env.APISHIP_CONNECT_TO), cfg.env);
  const check = (n: string) =>
    c.checkUpdateFunctionProgress(n) as unknown as Promise<CheckedOp<CloudFunction>>;
  const getFunction = (name: string) =>
    call.maybe("GetFunction", async () => (await c.getFunction({ name }, o))[0]);
  return {
    getFunction,
    generateUploadUrl: async (parent) => {
      const [r] = await call("GenerateUploadUrl", () => c.generateUploadUrl({ parent }, o));
      return { uploadUrl: r.uploadUrl ?? "", storageSource: r.storageSource ?? {} };
    },
    createFunction: async (parent, functionId, fn, signal) => {
      const name = `${parent}/functions/${functionId}`;
      // As createService: a function by that name after a 5xx is the create having started.
      const op = await call(
        "CreateFunction",
        async () => (await c.createFunction({ parent, functionId, function: fn }, o))[0],
        { idempotent: false, recover: async () => ((await getFunction(name)) ? null : undefined) },
      );
      if (op) await finish("CreateFunction", t, op, check, intervalMs, signal);
      else
        await settled(
          "function",
          name,
          getFunction,
          (f) => String(f.state ?? "") !== "DEPLOYING",
          intervalMs,
          signal,
        );
      return reread(call, "GetFunction", () => c.getFunction({ name }, o));
    },
    updateFunction: async (fn, paths, signal) => {
      const [op] = await call("UpdateFunction", () =>
        c.updateFunction({ function: fn, updateMask: { paths } }, o),
      );
      await finish("UpdateFunction", t, op, check, intervalMs, signal);
      return reread(call, "GetFunction", () => c.getFunction({ name: fn.name ?? "" }, o));
    },
    deleteFunction: async (name, signal) => {
      const op = await call.maybe("DeleteFunction", async () => (await c.deleteFunction({ name }, o))[0]);
      if (op)
        await gcpMaybe("DeleteFunction", t, () => finish("DeleteFunction", t, op, check, intervalMs, signal));
    },
    listFunctions: (parent) =>
      call("ListFunctions", async () => (await c.listFunctions({ parent, pageSize: 1 }, ONE_PAGE))[0]),
    upload: (url, zip, signal) => call("UploadSource", () => uploadZip(url, zip, t, signal, dial)),
  };
}

/** The signed URL is the credential: no Authorization header, and the content type it was signed for. */
async function uploadZip(
  url: string,
  zip: Buffer,
  target: string,
  signal: AbortSignal,
  send: typeof fetch,
): Promise<void> {
  const res = await gcp("UploadSource", target, () =>
    send(url, { method: "PUT", body: zip, headers: { "content-type": "application/zip" }, signal }),
  );
  if (!res.ok) {
    const text = (await res.text()).slice(0, 300);
    throw new ProviderError(`uploading the function source failed: HTTP ${res.status} ${text}`, {
      code: res.status === 429 || res.status >= 500 ? "GCP_UNAVAILABLE" : "UPLOAD_FAILED",
      retryable: res.status === 429 || res.status >= 500,
      target,
      hint: "the signed upload URL expires after 30 minutes; deploying again asks for a new one",
    });
  }
}

async function makeContainer(cfg: ProviderConfig, adc: Adc): Promise<ContainerApi> {
  const opts = await clientOptions("CONTAINER", cfg, adc);
  const { ClusterManagerClient } = await import("@google-cloud/container");
  const c = new ClusterManagerClient(opts);
  const t = cfg.target.name;
  const call = caller(cfg);
  return {
    getCluster: (name) =>
      call.maybe("GetCluster", async () => (await c.getCluster({ name }, NO_GAX_RETRY))[0]),
    accessToken: async () => {
      // A static token (GOOGLE_OAUTH_ACCESS_TOKEN, an emulator's) is the cluster's token too.
      const fixed = staticToken(cfg, "CONTAINER");
      return fixed ?? accessToken(await adc(), t);
    },
  };
}

/**
 * Cloud Logging has no client library among apiship's dependencies (@google-cloud/logging would
 * add megabytes for one call): entries.list is one JSON POST, sent with the same endpoint
 * override and credentials as the other APIs, errors read through errors.ts like gax's.
 */
async function makeLogging(cfg: ProviderConfig, adc: Adc): Promise<LoggingApi> {
  const base = (endpointFor("LOGGING", cfg) ?? `https://${DEFAULT_HOST.LOGGING}`).replace(/\/+$/, "");
  const t = cfg.target.name;
  const call = caller(cfg);
  const token = async () => staticToken(cfg, "LOGGING") ?? accessToken(await adc(), t);
  return {
    listEntries: (request, signal) =>
      call("ListLogEntries", async () => {
        const res = await fetch(`${base}/v2/entries:list`, {
          method: "POST",
          headers: { authorization: `Bearer ${await token()}`, "content-type": "application/json" },
          body: JSON.stringify(request),
          signal,
        });
        const text = await res.text();
        // The shape normalize() reads: the HTTP status and Google's JSON error envelope.
        if (!res.ok) throw Object.assign(new Error(text), { status: res.status, response: res });
        return JSON.parse(text) as ListEntriesResponse;
      }),
  };
}

export { CREDENTIALS_HINT };

async function identityOf(cfg: ProviderConfig, api: GcpApi, adc: Adc): Promise<AdcIdentity> {
  if (cfg.env.GOOGLE_OAUTH_ACCESS_TOKEN)
    return {
      principal: "the access token in GOOGLE_OAUTH_ACCESS_TOKEN",
      detail: "its holder is not looked up",
    };
  if (staticToken(cfg, api) !== undefined)
    return {
      principal: "an emulator's placeholder token",
      detail: `plain-http endpoint ${endpointFor(api, cfg) ?? ""}`,
    };
  return describeAdc(await adc(), cfg.target.name, cfg.env);
}

type Adc = () => Promise<GoogleAuth>;

/** createClients of every gcp platform: nothing loads until a platform asks for its API. */
export function createGcpClients(cfg: ProviderConfig): GcpClients {
  const intervalMs = pollInterval(cfg.env);
  // One lookup of Application Default Credentials for all of the target's APIs, awaited before
  // any client is built (adc.ts); a failed one is tried again by the next call.
  const adc = memo(() => applicationDefault(cfg.target.name, SCOPES));
  return {
    target: cfg.target.name,
    pollIntervalMs: intervalMs,
    run: memo(() => makeRun(cfg, intervalMs, adc)),
    functions: memo(() => makeFunctions(cfg, intervalMs, adc)),
    container: memo(() => makeContainer(cfg, adc)),
    logging: memo(() => makeLogging(cfg, adc)),
    identity: (api) => identityOf(cfg, api, adc),
  };
}
