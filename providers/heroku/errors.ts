// Platform API errors → ProviderError at the adapter boundary (DESIGN.md §9.5). Every error body
// of the API is {"id": "not_found", "message": "...", "url"?}; the id is the stable part.
// Request bodies never reach a message: a config-vars PATCH carries secret values.

import { ProviderError } from "../../src/errors.js";
import type { HerokuErrorBody } from "./types.js";

/** What was being done, for the message: "create app shop-dev-web". */
export interface HerokuOp {
  what: string;
  target: string;
}

export function errorBody(data: unknown): HerokuErrorBody | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.id !== "string" || typeof d.message !== "string") return undefined;
  return { id: d.id, message: d.message, ...(typeof d.url === "string" ? { url: d.url } : {}) };
}

type Opts = ConstructorParameters<typeof ProviderError>[1] & object;

function classify(status: number, id: string): Pick<Opts, "code" | "fault" | "retryable" | "hint"> {
  if (status === 401)
    return {
      code: "UNAUTHENTICATED",
      fault: "user",
      hint: "the API key was rejected: set HEROKU_API_KEY (`heroku auth:token`) or log in again (`heroku login`)",
    };
  if (status === 403)
    return {
      code: "FORBIDDEN",
      fault: "user",
      hint: "the account behind the API key may not do this; check the app's collaborators or team role",
    };
  if (status === 404)
    return { code: "NotFound", fault: "user", hint: "it is not in the account; check the name" };
  if (status === 409 || status === 422)
    return {
      code: id === "invalid_params" ? "INVALID_PARAMS" : "Conflict",
      fault: "user",
      hint: "see the reason above",
    };
  if (status === 429)
    return {
      code: "Throttling",
      fault: "cloud",
      retryable: true,
      hint: "the account reached the API rate limit (4500 requests, refilled at 75 a minute); apiship waits and retries",
    };
  if (status >= 500)
    return {
      code: `HTTP_${status}`,
      fault: "cloud",
      retryable: true,
      hint: "Heroku's API is failing; see status.heroku.com",
    };
  return {
    code: `HTTP_${status}`,
    fault: "user",
    hint: "check the request against the Platform API reference",
  };
}

export function httpError(
  status: number,
  data: unknown,
  op: HerokuOp,
  requestId?: string,
  retryAfter?: number,
): ProviderError {
  const body = errorBody(data);
  const detail = body ? `: ${body.message.split("\n")[0]} (${body.id})` : "";
  const c = classify(status, body?.id ?? "");
  const opts: Opts = { ...c, target: op.target };
  if (requestId !== undefined) opts.requestId = requestId;
  if (retryAfter !== undefined) opts.retryAfter = retryAfter;
  return new ProviderError(`${op.what} failed with HTTP ${status}${detail}`, opts);
}

const TRANSIENT = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

function codeOf(e: unknown): string | undefined {
  const cause = e instanceof Error ? (e.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

/** fetch threw: no HTTP answer at all (connection refused, reset, DNS, timeout). */
export function networkError(e: unknown, op: HerokuOp, endpoint: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const code = codeOf(e) ?? (e instanceof Error && e.name === "TimeoutError" ? "ETIMEDOUT" : "CONNECTION");
  const why = e instanceof Error ? e.message : String(e);
  return new ProviderError(`${op.what}: cannot reach the Heroku API at ${endpoint}: ${why}`, {
    code,
    fault: "cloud",
    retryable: TRANSIENT.has(code),
    target: op.target,
    cause: e,
    hint: "check the network, or the target's `endpoint` when it points at an emulator",
  });
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ProviderError && e.code === "NotFound";
}

/** An app name Heroku refuses because it is taken: names are global across every account. */
export function nameTaken(app: string, target: string, cause?: unknown): ProviderError {
  return new ProviderError(`the Heroku app name ${app} is taken by another account`, {
    code: "Conflict",
    fault: "user",
    target,
    cause,
    hint: `Heroku app names are global: set \`app:\` on target ${target} to a free name (3-30 lowercase letters, digits or '-', starting with a letter)`,
  });
}
