// What the SDK providers' errors.ts (aws, azure) share when they classify an error: the shape a
// classify() returns, and the rules that come last, once the provider's own (credentials,
// throttling, permissions, its own codes) did not match; and the ProviderError made of it.

import { ProviderError } from "../../src/errors.js";

/** What classify() decided: a ProviderError's fields, and a message that replaces the SDK's. */
export interface Classified {
  code: string;
  fault: "user" | "cloud";
  retryable: boolean;
  hint: string;
  message?: string;
}

/** The credential chain found nothing: the SDK's message is replaced by where it looked. */
export function noCredentials(cloud: string, chain: string, hint: string): Classified {
  return {
    code: "CREDENTIALS",
    fault: "user",
    retryable: false,
    message: `no ${cloud} credentials found; tried: ${chain}`,
    hint,
  };
}

/** What the last rules need to know of the error; the provider decides what counts as what. */
export interface LastRules {
  /** "AWS", "Azure": for the hints. */
  cloud: string;
  /** The code of a server error: "AWS_UNAVAILABLE". */
  unavailable: string;
  /** The connection dropped or timed out. */
  network: boolean;
  /** The cloud said the failure is its own, whatever the status (AWS's `$fault: "server"`). */
  serverFault?: boolean;
  status: number | undefined;
  /** The errno of a failure below HTTP ("ECONNREFUSED"). */
  errno: string | undefined;
  /** The cloud's own name for the error, kept as the code when no rule matches. */
  code: string;
  /** The hint when the endpoint refuses or does not resolve: where it is configured. */
  unreachable: string;
  op: string;
}

/**
 * A dropped connection or a server error is transient and retried; an endpoint that refuses or
 * does not resolve is the user's (a wrong `endpoint`); anything else keeps the cloud's own code,
 * the user's when the cloud answered 4xx.
 */
export function classifyLast(r: LastRules): Classified {
  if (r.network || r.serverFault === true || (r.status !== undefined && r.status >= 500)) {
    return {
      code: r.network ? "NETWORK" : r.unavailable,
      fault: "cloud",
      retryable: true,
      hint: `a transient ${r.cloud} or network failure; apiship retries`,
    };
  }
  if (r.errno === "ECONNREFUSED" || r.errno === "ENOTFOUND") {
    return { code: "NETWORK", fault: "user", retryable: false, hint: r.unreachable };
  }
  return {
    code: r.code,
    fault: r.status !== undefined && r.status < 500 ? "user" : "cloud",
    retryable: false,
    hint: `see the ${r.cloud} documentation of ${r.op} for ${r.code}`,
  };
}

/** What the cloud's answer told beyond the classification, kept on the ProviderError. */
export interface AnswerDetails {
  requestId?: string | undefined;
  /** Seconds of Retry-After. */
  retryAfter?: number | undefined;
  target?: string | undefined;
  /** Attempts the SDK's own retry already made. */
  spent?: number | undefined;
}

/** The ProviderError "<op>: <message>": classify()'s message, else the SDK's. */
export function classifiedError(
  op: string,
  c: Classified,
  sdkMessage: string,
  cause: unknown,
  d: AnswerDetails,
): ProviderError {
  return new ProviderError(`${op}: ${c.message ?? sdkMessage}`, {
    code: c.code,
    fault: c.fault,
    retryable: c.retryable,
    hint: c.hint,
    cause,
    ...(d.requestId !== undefined ? { requestId: d.requestId } : {}),
    ...(d.retryAfter !== undefined ? { retryAfter: d.retryAfter } : {}),
    ...(d.target !== undefined ? { target: d.target } : {}),
    ...(d.spent !== undefined ? { spent: d.spent } : {}),
  });
}
