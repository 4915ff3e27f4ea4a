// Application Default Credentials, resolved once per set of clients and awaited here, before any
// Google client library is built. Left to gax, the lookup runs inside each client it builds: a
// missing credential then surfaced once through the call apiship awaited, and again as an
// unhandled rejection with google-auth-library's stack from a lookup nobody awaited, after the
// metadata-server probe had printed its MetadataLookupWarning. Resolved first, a missing
// credential is one mapped CREDENTIALS error, and the clients are handed the resolved auth.

import { ProviderError } from "../../src/errors.js";
import type * as GoogleAuthModuleNs from "google-auth-library";

type GoogleAuthModule = typeof GoogleAuthModuleNs;
export type GoogleAuth = InstanceType<GoogleAuthModule["GoogleAuth"]>;

// A specifier the bundler cannot follow: the library loads from node_modules at run time, only
// here, and the CLI bundle carries no copy of it (scripts/bundle.js).
const GOOGLE_AUTH: string = "google-auth-library";

export const CREDENTIALS_HINT =
  "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service account key or workload identity federation file, or GOOGLE_OAUTH_ACCESS_TOKEN to an access token";

/**
 * Runs `fn` with gcp-metadata's MetadataLookupWarning held back: off Google Cloud the metadata
 * server probe fails by design, and the library says so through process.emitWarning, which a
 * user reads as apiship's own fault. Other warnings pass through.
 */
let holding = 0;
let original: typeof process.emitWarning | undefined;
async function withoutMetadataWarnings<T>(fn: () => Promise<T>): Promise<T> {
  if (holding++ === 0) {
    const emit = process.emitWarning.bind(process);
    original = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
      const name = warning instanceof Error ? warning.name : undefined;
      if (type === "MetadataLookupWarning" || name === "MetadataLookupWarning") return;
      (emit as (...a: unknown[]) => void)(warning, ...rest);
    }) as typeof process.emitWarning;
  }
  try {
    return await fn();
  } finally {
    if (--holding === 0 && original) process.emitWarning = original;
  }
}

/** The resolved Application Default Credentials, or a CREDENTIALS error saying how to get them. */
export async function applicationDefault(target: string, scopes: string[]): Promise<GoogleAuth> {
  const { GoogleAuth } = (await import(GOOGLE_AUTH)) as GoogleAuthModule;
  const auth = new GoogleAuth({ scopes });
  try {
    await withoutMetadataWarnings(() => auth.getClient());
  } catch (e) {
    throw new ProviderError(
      `no Google Cloud credentials for target ${target} (${String((e as Error).message ?? e).split("\n")[0]})`,
      { code: "CREDENTIALS", fault: "user", target, cause: e, hint: CREDENTIALS_HINT },
    );
  }
  return auth;
}

/** An access token from the resolved credentials. */
export async function accessToken(auth: GoogleAuth, target: string): Promise<string> {
  const token = await withoutMetadataWarnings(() => auth.getAccessToken()).catch((e: unknown) => {
    throw new ProviderError(`Google Cloud credentials gave no access token: ${(e as Error).message}`, {
      code: "CREDENTIALS",
      fault: "user",
      target,
      cause: e,
      hint: CREDENTIALS_HINT,
    });
  });
  if (!token)
    throw new ProviderError("Application Default Credentials gave no access token", {
      code: "CREDENTIALS",
      fault: "user",
      target,
      hint: CREDENTIALS_HINT,
    });
  return token;
}

/** Who Application Default Credentials are, and where they came from (`apiship doctor`). */
export interface AdcIdentity {
  principal: string;
  detail: string;
}

interface AdcJson {
  type?: string;
  client_email?: string;
  audience?: string;
}

const ADC_KINDS: Record<string, string> = {
  authorized_user: "a gcloud user login (its email is not in the credentials file)",
  service_account: "a service account key",
  external_account: "workload identity federation",
  impersonated_service_account: "an impersonated service account",
  gce_metadata: "an attached service account",
};

/**
 * Describes resolved ADC: an access token is asked for first, which proves they still work (a
 * revoked login or a deleted key fails here, as CREDENTIALS), then the service account's email
 * where there is one (a key, impersonation, federation through a service account, the metadata
 * server's account), else the kind of credential.
 */
export async function describeAdc(
  auth: GoogleAuth,
  target: string,
  env: Record<string, string | undefined>,
): Promise<AdcIdentity> {
  await accessToken(auth, target);
  const json = (auth as unknown as { jsonContent?: AdcJson | null }).jsonContent ?? undefined;
  const creds = await withoutMetadataWarnings(() => auth.getCredentials()).catch(() => undefined);
  const email = creds?.client_email ?? json?.client_email;
  const type = json?.type ?? "gce_metadata";
  const kind = ADC_KINDS[type] ?? type;
  const file = env.GOOGLE_APPLICATION_CREDENTIALS;
  const source = file
    ? `GOOGLE_APPLICATION_CREDENTIALS (${file})`
    : json
      ? "gcloud's application-default credentials file"
      : "the metadata server";
  const audience = type === "external_account" && json?.audience ? `, pool ${json.audience}` : "";
  return { principal: email ?? kind, detail: `${email ? `${kind}, ` : ""}from ${source}${audience}` };
}
