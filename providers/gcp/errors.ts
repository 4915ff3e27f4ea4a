// Google API errors → ProviderError, at the provider boundary (DESIGN.md §9.5). gax reports
// REST errors as GoogleError with the gRPC status code of Google's error envelope; what the
// engine may retry (RESOURCE_EXHAUSTED, UNAVAILABLE, ABORTED etag races, DEADLINE_EXCEEDED,
// INTERNAL, dropped connections), what is the user's (permissions, credentials, bad input).

import { ProviderError } from "../../src/errors.js";
import { mappedCall, maybeCall } from "../_shared/call-retry.js";

/** gRPC status codes (google.rpc.Code). */
export const Code = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

interface GoogleErrorLike {
  code?: number | string;
  status?: number;
  message?: string;
  name?: string;
  cause?: unknown;
  response?: { status?: number; headers?: { get?(name: string): string | null } };
}

const HTTP_TO_CODE: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  409: 10,
  429: 8,
  500: 13,
  501: 12,
  503: 14,
  504: 4,
};

const NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

function asErr(e: unknown): GoogleErrorLike {
  return typeof e === "object" && e !== null ? (e as GoogleErrorLike) : { message: String(e) };
}

interface Normalized {
  code: number | undefined;
  message: string;
  retryAfter?: number;
}

/**
 * gax's REST transport hands back what the auth client's fetch threw: with google-auth-library
 * 10 a GaxiosError whose message is Google's JSON error envelope and whose status is the HTTP
 * one; older paths give a GoogleError with the gRPC code. Both come out as (gRPC code, message).
 */
export function normalize(e: unknown): Normalized {
  const err = asErr(e);
  const http = typeof err.status === "number" ? err.status : err.response?.status;
  let code = typeof err.code === "number" ? err.code : undefined;
  let message = err.message ?? String(e);
  if (http !== undefined) {
    code = HTTP_TO_CODE[http] ?? (http >= 500 ? 13 : 2);
    try {
      const body = JSON.parse(message) as { error?: { message?: string; status?: string } };
      const named = body.error?.status as keyof typeof Code | undefined;
      if (named && named in Code) code = Code[named];
      if (body.error?.message) message = body.error.message;
    } catch {
      // not Google's JSON envelope: keep the transport's message
    }
  }
  const out: Normalized = { code, message };
  const ra = Number(err.response?.headers?.get?.("retry-after"));
  if (Number.isFinite(ra) && err.response?.headers?.get?.("retry-after") != null) out.retryAfter = ra;
  return out;
}

function networkCode(e: GoogleErrorLike): string | undefined {
  for (let cur: unknown = e, i = 0; cur && i < 4; i++, cur = asErr(cur).cause) {
    const c = asErr(cur).code;
    if (typeof c === "string" && NETWORK.has(c)) return c;
    if (
      asErr(cur).message === "fetch failed" ||
      /socket hang up|other side closed/i.test(asErr(cur).message ?? "")
    )
      return "ECONNRESET";
  }
  return undefined;
}

export function isNotFound(e: unknown): boolean {
  return normalize(e).code === Code.NOT_FOUND;
}

export function isAlreadyExists(e: unknown): boolean {
  return normalize(e).code === Code.ALREADY_EXISTS;
}

const CREDENTIALS =
  "run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS, or GOOGLE_OAUTH_ACCESS_TOKEN";

function classify(e: { code: number | undefined }): {
  code: string;
  retryable: boolean;
  fault: "user" | "cloud";
  hint: string;
} {
  switch (e.code) {
    case Code.RESOURCE_EXHAUSTED:
      return {
        code: "THROTTLED",
        retryable: true,
        fault: "cloud",
        hint: "Google throttled the request (quota per minute); apiship retries with backoff",
      };
    case Code.UNAVAILABLE:
    case Code.INTERNAL:
    case Code.DEADLINE_EXCEEDED:
    case Code.UNKNOWN:
      return {
        code: "GCP_UNAVAILABLE",
        retryable: true,
        fault: "cloud",
        hint: "a transient Google Cloud error; retrying usually helps",
      };
    case Code.ABORTED:
      return {
        code: "CONFLICT",
        retryable: true,
        fault: "cloud",
        hint: "the resource changed underneath (etag) or another operation runs on it; apiship reads it again and retries",
      };
    case Code.PERMISSION_DENIED:
      return {
        code: "PERMISSION_DENIED",
        retryable: false,
        fault: "user",
        hint: "grant the deploying identity the role the message names (roles/run.admin, roles/cloudfunctions.admin, roles/iam.serviceAccountUser, roles/container.developer), or enable the API",
      };
    case Code.UNAUTHENTICATED:
      return { code: "CREDENTIALS", retryable: false, fault: "user", hint: CREDENTIALS };
    case Code.NOT_FOUND:
      return {
        code: "NOT_FOUND",
        retryable: false,
        fault: "user",
        hint: "check the target's project and region",
      };
    case Code.ALREADY_EXISTS:
      return {
        code: "ALREADY_EXISTS",
        retryable: false,
        fault: "user",
        hint: "a resource of that name exists already",
      };
    case Code.FAILED_PRECONDITION:
      return {
        code: "FAILED_PRECONDITION",
        retryable: false,
        fault: "user",
        hint: "the cloud refused the request in the resource's current state; see the message",
      };
    case Code.INVALID_ARGUMENT:
      return {
        code: "INVALID_ARGUMENT",
        retryable: false,
        fault: "user",
        hint: "the cloud rejected a value of the configuration; see the message",
      };
    default:
      return {
        code: "GCP_ERROR",
        retryable: false,
        fault: "cloud",
        hint: "see the message from Google Cloud",
      };
  }
}

/** Maps any error of a Google API call to a ProviderError; ProviderErrors pass through. */
export function toProviderError(op: string, target: string, e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = asErr(e);
  const net = networkCode(err);
  if (net) {
    return new ProviderError(`${op}: connection failed (${net})`, {
      code: "GCP_UNAVAILABLE",
      retryable: true,
      target,
      cause: e,
      hint: "the connection to Google Cloud dropped; retrying usually helps",
    });
  }
  if (
    /Could not load the default credentials|Could not refresh access token|invalid_grant/i.test(
      err.message ?? "",
    )
  ) {
    return new ProviderError(`${op}: no Google Cloud credentials (${(err.message ?? "").split("\n")[0]})`, {
      code: "CREDENTIALS",
      fault: "user",
      target,
      cause: e,
      hint: CREDENTIALS,
    });
  }
  const n = normalize(e);
  const c = classify(n);
  const opts: ConstructorParameters<typeof ProviderError>[1] = { ...c, target, cause: e };
  if (n.retryAfter !== undefined) opts.retryAfter = n.retryAfter;
  return new ProviderError(`${op}: ${n.message}`, opts);
}

export function gcp<T>(op: string, target: string, call: () => Promise<T>): Promise<T> {
  return mappedCall(call, (e) => toProviderError(op, target, e));
}

/** Like gcp(), but NOT_FOUND is "absent": undefined. */
export function gcpMaybe<T>(op: string, target: string, call: () => Promise<T>): Promise<T | undefined> {
  return maybeCall(call, absent, (e) => toProviderError(op, target, e));
}

/** NOT_FOUND, also when a ProviderError already wraps it (a nested gcp() call mapped it). */
function absent(e: unknown): boolean {
  const cause = e instanceof ProviderError ? e.cause : e;
  return isNotFound(e) || isNotFound(cause);
}
