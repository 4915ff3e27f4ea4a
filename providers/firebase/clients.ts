// The ONLY place firebase/functions' clients are built (DESIGN.md §9.3): the function half's
// Google Cloud clients come from the gcp/cloud-functions adapter's own createClients (one
// credential and endpoint story for both), the Hosting half is a fetch client on the REST API
// (hosting-api.ts) with a bearer token from google-auth-library, imported here lazily.
//
// Hosting endpoint: the target's `endpoint` option (shared with Cloud Functions, as in
// gcp/clients.ts), else CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING (gcloud's spelling),
// else the public endpoint.
// Token: GOOGLE_OAUTH_ACCESS_TOKEN when set (a static token, as gcloud's
// --access-token-file or a CI step would give), else "owner" when an endpoint override points
// at an emulator or fake (the Firebase emulators' convention; no credential lookup at all),
// else Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, workload identity
// federation, gcloud's application-default login, the metadata server).

import type { ProviderConfig } from "../../src/core/provider.js";
import type { HostingApi } from "./hosting-api.js";
import type { GoogleAuth } from "../gcp/adc.js";

export const DEFAULT_HOSTING_ENDPOINT = "https://firebasehosting.googleapis.com";
export const HOSTING_ENDPOINT_ENV = "CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING";
const SCOPES = ["https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/firebase"];

export interface HostingClients {
  api: HostingApi;
  endpoint: string;
  /** Where the token comes from, for messages. */
  credentials: "GOOGLE_OAUTH_ACCESS_TOKEN" | "emulator" | "application default credentials";
}

export interface FirebaseClients {
  /** The gcp/cloud-functions adapter's clients, handed back to it for the function. */
  fn: unknown;
  hosting: HostingClients;
}

/** gcloud's override values carry the API version path ("…/v1beta1/"); the client adds it. */
export function hostingEndpoint(env: ProviderConfig["env"], option: string | undefined): string {
  const raw = option || env[HOSTING_ENDPOINT_ENV] || DEFAULT_HOSTING_ENDPOINT;
  return raw.replace(/\/+$/, "").replace(/\/v1beta1$/, "");
}

function tokenSource(
  env: ProviderConfig["env"],
  overridden: boolean,
  target: string,
): { token: () => Promise<string>; from: HostingClients["credentials"] } {
  const fixed = env.GOOGLE_OAUTH_ACCESS_TOKEN;
  if (fixed) return { token: () => Promise.resolve(fixed), from: "GOOGLE_OAUTH_ACCESS_TOKEN" };
  if (overridden) return { token: () => Promise.resolve("owner"), from: "emulator" };
  // Resolved once, with the metadata probe's warnings held back (gcp/adc.ts).
  let auth: Promise<GoogleAuth> | undefined;
  const adc = async (): Promise<string> => {
    const { accessToken, applicationDefault } = await import("../gcp/adc.js");
    auth ??= applicationDefault(target, SCOPES).catch((e: unknown) => {
      auth = undefined;
      throw e;
    });
    return accessToken(await auth, target);
  };
  return { token: adc, from: "application default credentials" };
}

/** The Hosting half's client. */
export async function createHostingClients(cfg: ProviderConfig): Promise<HostingClients> {
  const opts = cfg.target.options as { endpoint?: unknown };
  const option = typeof opts.endpoint === "string" ? opts.endpoint : undefined;
  const endpoint = hostingEndpoint(cfg.env, option);
  const { token, from } = tokenSource(cfg.env, endpoint !== DEFAULT_HOSTING_ENDPOINT, cfg.target.name);
  const [{ createHttpClient }, { HostingApi: Api }, { hostingError }] = await Promise.all([
    import("../_shared/http.js"),
    import("./hosting-api.js"),
    import("./errors.js"),
  ]);
  const headers: Record<string, string> = { "x-goog-api-client": "apiship" };
  // The quota project a user credential bills API calls to, as gcloud's billing/quota_project.
  if (cfg.env.GOOGLE_CLOUD_QUOTA_PROJECT) headers["x-goog-user-project"] = cfg.env.GOOGLE_CLOUD_QUOTA_PROJECT;
  const http = createHttpClient({
    baseUrl: endpoint,
    headers,
    token,
    mapError: (e) => hostingError(e, cfg.target.name),
    ...(cfg.retry ? { retry: cfg.retry } : {}),
    ...(cfg.env.APISHIP_FIREBASE_RETRY_MS ? { baseDelayMs: Number(cfg.env.APISHIP_FIREBASE_RETRY_MS) } : {}),
  });
  return { api: new Api(http), endpoint, credentials: from };
}
