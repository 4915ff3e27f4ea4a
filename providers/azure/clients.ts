// The ONLY place Azure SDK clients are built (DESIGN.md §9.3). Each ARM SDK costs 230-490 ms to
// import, so every one is imported here, lazily, on first use: loading the azure provider
// (validate, schema, an offline plan) loads none, and App Service never loads Storage or AKS.
//
// Endpoint: the target's `endpoint` option, else AZURE_RESOURCE_MANAGER_ENDPOINT, else the public
// cloud. Credentials: AZURE_ACCESS_TOKEN (a bearer token for emulators, tests and CI that mint
// their own) when set, else DefaultAzureCredential (environment, workload identity, managed
// identity, Azure CLI). Over a plain-http endpoint (an emulator or a test fake) the SDK's bearer
// policy refuses to send any token, so there, and only there, it is replaced by one that sends
// AZURE_ACCESS_TOKEN or a fixed placeholder; DefaultAzureCredential is then never built, so a
// test never reaches for the Azure CLI or instance metadata.
//
// Retries: the pipeline's default retry policy is replaced by the run's (pipeline-retry.ts), so
// every ARM call is retried in that one layer under the run's budget and backoff. Calls outside
// ARM (Kudu/OneDeploy, slot probes) go through `fetch`, which dials by APISHIP_CONNECT_TO.

import type { ContainerServiceClient } from "@azure/arm-containerservice";
import type { ResourceManagementClient } from "@azure/arm-resources";
import type { StorageManagementClient } from "@azure/arm-storage";
import type { WebSiteManagementClient } from "@azure/arm-appservice";
import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient, Pipeline } from "@azure/core-rest-pipeline";
import { parseConnectTo } from "../../src/apply/connect-to.js";
import type { ConnectRule } from "../../src/apply/connect-to.js";
import type { CallRetryPolicy, ProviderConfig } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { callPolicy } from "../_shared/call-retry.js";
import { useRunRetries } from "./pipeline-retry.js";

export const PUBLIC_ARM = "https://management.azure.com";
/** What an http endpoint gets as bearer when AZURE_ACCESS_TOKEN is unset: emulators ignore it. */
export const EMULATOR_TOKEN = "apiship-emulator-token";
const BEARER_POLICY = "bearerTokenAuthenticationPolicy";

export interface AzureClients {
  /** Target name, for error messages. */
  target: string;
  subscription: string;
  /** ARM base URL without a trailing slash. */
  endpoint: string;
  /** True over plain http: an emulator, whose sites are served over http too. */
  insecure: boolean;
  web: WebSiteManagementClient;
  resources: ResourceManagementClient;
  storage(): Promise<StorageManagementClient>;
  containers(): Promise<ContainerServiceClient>;
  /** A bearer token for calls outside ARM (the Kudu/OneDeploy endpoint of a function app). */
  token(): Promise<string>;
  /** Pause between LRO polls (APISHIP_AZURE_POLL_MS; tests shorten it). */
  pollIntervalMs: number;
  /** The run's per-call retry policy: the ARM pipeline's, and the data plane's. */
  retry: CallRetryPolicy;
  /** APISHIP_CONNECT_TO rules, for calls to the sites' own hosts (slot probes, Kudu). */
  connectTo: readonly ConnectRule[];
  /** fetch for those hosts, dialing by `connectTo`. */
  fetch: typeof globalThis.fetch;
}

/** What tests may swap: the SDKs' transport (mocked-SDK unit tests drive them through it). */
export interface ClientOverrides {
  httpClient?: HttpClient;
}

interface TargetOptions {
  subscription?: unknown;
  endpoint?: unknown;
}

export function armEndpoint(cfg: ProviderConfig): string {
  const o = cfg.target.options as TargetOptions;
  const raw =
    typeof o.endpoint === "string" ? o.endpoint : cfg.env.AZURE_RESOURCE_MANAGER_ENDPOINT || PUBLIC_ARM;
  return raw.replace(/\/+$/, "");
}

function staticCredential(token: string): TokenCredential {
  return { getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

async function credentialFor(cfg: ProviderConfig, insecure: boolean): Promise<TokenCredential> {
  const token = cfg.env.AZURE_ACCESS_TOKEN;
  if (token) return staticCredential(token);
  if (insecure) return staticCredential(EMULATOR_TOKEN);
  const { DefaultAzureCredential } = await import("@azure/identity");
  // The run's environment (CI, tests) is authoritative over process.env for the env credential.
  const env = cfg.env;
  return new DefaultAzureCredential({
    ...(env.AZURE_TENANT_ID ? { tenantId: env.AZURE_TENANT_ID } : {}),
    ...(env.AZURE_CLIENT_ID ? { managedIdentityClientId: env.AZURE_CLIENT_ID } : {}),
  });
}

/** Over http: a policy that sends the static bearer the SDK's own policy would refuse to send. */
function plainBearer(pipeline: Pipeline, token: string): void {
  pipeline.removePolicy({ name: BEARER_POLICY });
  pipeline.addPolicy({
    name: "apishipPlainHttpBearer",
    sendRequest: (request, next) => {
      request.headers.set("authorization", `Bearer ${token}`);
      return next(request);
    },
  });
}

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 && raw !== undefined && raw !== "" ? n : fallback;
}

function subscriptionOf(cfg: ProviderConfig): string {
  const o = cfg.target.options as TargetOptions;
  const s = typeof o.subscription === "string" ? o.subscription : cfg.env.AZURE_SUBSCRIPTION_ID;
  if (!s) {
    throw new ProviderError(`target ${cfg.target.name}: no Azure subscription`, {
      code: "CONFIG",
      fault: "user",
      target: cfg.target.name,
      hint: "set `subscription` on the target (a GUID; `az account show --query id`)",
    });
  }
  return s;
}

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

export async function createAzureClients(
  cfg: ProviderConfig,
  overrides: ClientOverrides = {},
): Promise<AzureClients> {
  const endpoint = armEndpoint(cfg);
  const insecure = endpoint.startsWith("http://");
  const subscription = subscriptionOf(cfg);
  const credential = await credentialFor(cfg, insecure);
  const retry = callPolicy(cfg);
  const connectTo = parseConnectTo(cfg.env.APISHIP_CONNECT_TO);
  // Tokens are for the cloud the endpoint belongs to (a sovereign cloud's ARM is its own audience).
  const scope = endpoint === PUBLIC_ARM || insecure ? `${PUBLIC_ARM}/.default` : `${endpoint}/.default`;
  const options = {
    endpoint,
    credentials: { scopes: [scope] },
    allowInsecureConnection: insecure,
    // Replaced below by the run's policy; set from it too, so no other budget can apply.
    retryOptions: {
      maxRetries: Math.max(0, retry.maxAttempts - 1),
      retryDelayInMs: retry.baseMs,
      maxRetryDelayInMs: retry.capMs,
    },
    ...(overrides.httpClient ? { httpClient: overrides.httpClient } : {}),
  };
  const bearer = cfg.env.AZURE_ACCESS_TOKEN || EMULATOR_TOKEN;
  const [web, res, { dialFetch }] = await Promise.all([
    import("@azure/arm-appservice"),
    import("@azure/arm-resources"),
    import("../_shared/dial.js"),
  ]);
  const fix = <T extends { pipeline: Pipeline }>(client: T): T => {
    if (insecure) plainBearer(client.pipeline, bearer);
    useRunRetries(client.pipeline, retry);
    return client;
  };
  const storage = memo(async () => {
    const m = await import("@azure/arm-storage");
    return fix(new m.StorageManagementClient(credential, subscription, options));
  });
  const containers = memo(async () => {
    const m = await import("@azure/arm-containerservice");
    return fix(new m.ContainerServiceClient(credential, subscription, options));
  });
  return {
    target: cfg.target.name,
    subscription,
    endpoint,
    insecure,
    web: fix(new web.WebSiteManagementClient(credential, subscription, options)),
    resources: fix(new res.ResourceManagementClient(credential, subscription, options)),
    storage,
    containers,
    token: async () => {
      if (insecure) return bearer;
      const t = await credential.getToken(scope);
      return t?.token ?? "";
    },
    pollIntervalMs: positive(cfg.env.APISHIP_AZURE_POLL_MS, 2000),
    retry,
    connectTo,
    fetch: dialFetch(connectTo, cfg.env),
  };
}

/** YAML (an AKS kubeconfig), parsed with the loader the manifest uses, loaded on first use. */
export async function parseYaml(text: string): Promise<unknown> {
  const m = await import("yaml");
  // The CLI bundle may hand the CommonJS build over as `default`.
  const parse =
    typeof m.parse === "function" ? m.parse : (m as unknown as { default: typeof m }).default.parse;
  return parse(text) as unknown;
}
