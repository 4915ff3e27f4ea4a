// Firebase Hosting REST errors → ProviderError at the adapter boundary (DESIGN.md §9.5). Google
// APIs answer {"error": {"code": 409, "message": "...", "status": "ALREADY_EXISTS"}}; the
// status is the stable part. Request bodies never reach a message.

import { ProviderError } from "../../src/errors.js";
import type { HttpError } from "../_shared/http.js";

export interface GoogleErrorBody {
  code: number;
  message: string;
  status: string;
}

export function googleError(body: unknown): GoogleErrorBody | undefined {
  const e = (body as { error?: Partial<GoogleErrorBody> } | undefined)?.error;
  if (typeof e !== "object" || e === null || typeof e.message !== "string") return undefined;
  return { code: Number(e.code ?? 0), message: e.message, status: String(e.status ?? "") };
}

type Opts = ConstructorParameters<typeof ProviderError>[1] & object;

function classify(httpStatus: number, status: string): Pick<Opts, "code" | "fault" | "retryable" | "hint"> {
  if (httpStatus === 401 || status === "UNAUTHENTICATED")
    return {
      code: "UNAUTHENTICATED",
      fault: "user",
      hint: "the Google credentials were rejected: run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS",
    };
  if (httpStatus === 403 || status === "PERMISSION_DENIED")
    return {
      code: "PERMISSION_DENIED",
      fault: "user",
      hint: "the account needs the Firebase Hosting Admin role (roles/firebasehosting.admin) on the project, and the Firebase Hosting API enabled",
    };
  if (httpStatus === 404 || status === "NOT_FOUND")
    return { code: "NotFound", fault: "user", hint: "check the project and site ids" };
  if (httpStatus === 409 || status === "ALREADY_EXISTS" || status === "ABORTED")
    return { code: "Conflict", fault: "user", hint: "see the reason above" };
  if (httpStatus === 429 || status === "RESOURCE_EXHAUSTED")
    return {
      code: "Throttling",
      fault: "cloud",
      retryable: true,
      hint: "the project reached a Firebase Hosting quota; apiship waits and retries",
    };
  if (httpStatus === 0)
    return {
      code: "NETWORK",
      fault: "cloud",
      retryable: true,
      hint: "check the network, or the target's `endpoint` when it points at an emulator",
    };
  if (httpStatus >= 500)
    return {
      code: `HTTP_${httpStatus}`,
      fault: "cloud",
      retryable: true,
      hint: "Firebase Hosting is failing; see status.firebase.google.com",
    };
  return {
    code: status || `HTTP_${httpStatus}`,
    fault: "user",
    hint: "check the request against the Firebase Hosting REST reference",
  };
}

/** mapError of the Hosting HTTP client. */
export function hostingError(e: HttpError, target: string): ProviderError {
  const g = googleError(e.body);
  const detail = g
    ? `: ${g.message}${g.status ? ` (${g.status})` : ""}`
    : e.status === 0
      ? `: ${e.message}`
      : "";
  const opts: Opts = { ...classify(e.status, g?.status ?? ""), target, cause: e };
  if (e.requestId !== undefined) opts.requestId = e.requestId;
  if (e.retryAfter !== undefined) opts.retryAfter = e.retryAfter;
  return new ProviderError(
    `Firebase Hosting ${e.method} ${e.path} failed${e.status ? ` with HTTP ${e.status}` : ""}${detail}`,
    opts,
  );
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ProviderError && e.code === "NotFound";
}

export function isConflict(e: unknown): boolean {
  return e instanceof ProviderError && e.code === "Conflict";
}

/** A site id Hosting refuses because it exists: ids are global across every Firebase project. */
export function siteTaken(site: string, target: string, cause: unknown): ProviderError {
  return new ProviderError(`the Firebase Hosting site id ${site} is taken by another project`, {
    code: "Conflict",
    fault: "user",
    target,
    cause,
    hint: `Hosting site ids are global (they are the ${site}.web.app host): set \`hosting.site\` on target ${target} to a free id (lowercase letters, digits and '-', at most 30), or to a site your project already has`,
  });
}
