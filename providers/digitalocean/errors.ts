// DigitalOcean API errors → ProviderError at the adapter boundary (DESIGN.md §9.5). Every error
// body is #/components/schemas/error: {"id": "not_found", "message": "...", "request_id"}; the
// id is the stable part. Request bodies never reach a message: an app spec carries secret envs.

import { ProviderError } from "../../src/errors.js";
import { maybeCall } from "../_shared/call-retry.js";
import type { HttpError } from "../_shared/http.js";

type Opts = ConstructorParameters<typeof ProviderError>[1] & object;

function bodyOf(e: HttpError): { id?: string; message?: string; request_id?: string } {
  return typeof e.body === "object" && e.body !== null ? (e.body as Record<string, string>) : {};
}

function classify(status: number): Pick<Opts, "code" | "fault" | "retryable" | "hint"> {
  if (status === 0)
    return {
      code: "NETWORK",
      fault: "cloud",
      retryable: true,
      hint: "check the network, or the target's `endpoint` when it points at an emulator",
    };
  if (status === 401)
    return {
      code: "UNAUTHENTICATED",
      fault: "user",
      hint: "the token was rejected: set DIGITALOCEAN_TOKEN to a personal access token (cloud.digitalocean.com/account/api/tokens)",
    };
  if (status === 403)
    return {
      code: "FORBIDDEN",
      fault: "user",
      hint: "the token lacks the scope this call needs (see its scopes)",
    };
  if (status === 404)
    return { code: "NotFound", fault: "user", hint: "it is not in the account; check the name" };
  if (status === 409 || status === 422)
    return { code: "Conflict", fault: "user", hint: "see the reason above" };
  if (status === 429)
    return {
      code: "Throttling",
      fault: "cloud",
      retryable: true,
      hint: "the token reached DigitalOcean's rate limit (5,000 requests an hour, 250 a minute); run again later",
    };
  if (status >= 500)
    return {
      code: `HTTP_${status}`,
      fault: "cloud",
      retryable: true,
      hint: "DigitalOcean's API is failing; see status.digitalocean.com",
    };
  return {
    code: `HTTP_${status}`,
    fault: "user",
    hint: "check the request against the DigitalOcean API reference",
  };
}

/** mapError hook of the HTTP client: what a user sees of a failed call. */
export function doError(target: string) {
  return (e: HttpError): ProviderError => {
    const b = bodyOf(e);
    const detail = b.message ? `: ${b.message}${b.id ? ` (${b.id})` : ""}` : "";
    const what = e.status === 0 ? e.message : `${e.method} ${e.path} failed with HTTP ${e.status}${detail}`;
    const opts: Opts = { ...classify(e.status), target, cause: e };
    const requestId = b.request_id ?? e.requestId;
    if (requestId !== undefined) opts.requestId = requestId;
    if (e.retryAfter !== undefined) opts.retryAfter = e.retryAfter;
    return new ProviderError(what, opts);
  };
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ProviderError && e.code === "NotFound";
}

/** The value of `call`, or undefined when the resource does not exist. */
export function maybe<T>(call: () => Promise<T>): Promise<T | undefined> {
  return maybeCall(call, isNotFound);
}

/** A manifest that the platform cannot deploy: the user's to fix, found before any call. */
export function configError(message: string, hint: string, target?: string): ProviderError {
  return new ProviderError(message, { code: "CONFIG", fault: "user", hint, ...(target ? { target } : {}) });
}
