// Long-running operations of the Google APIs: polled with apiship's backoff and the run's
// AbortSignal (gax's own operation.promise() takes neither), and a failed one turned into an
// error that keeps what the API reported (Cloud Functions: the build stages and their log URLs).

import { ProviderError } from "../../src/errors.js";
import { poll } from "../_shared/poll.js";
import { gcp } from "./errors.js";

/** A finished long-running operation's error, as the API reported it. */
export interface OperationFailure {
  code: number;
  message: string;
  /** Operation metadata (Functions: stages with the build log's URL). */
  metadata?: Record<string, unknown>;
}

interface LroLike {
  name?: string | null;
}
export interface CheckedOp<T> {
  done?: boolean | null;
  result?: T | null;
  error?: { code?: number | null; message?: string | null } | null;
  metadata?: unknown;
}

/** Polls a long-running operation to its end with our backoff and the run's signal. */
export async function finish<T>(
  what: string,
  target: string,
  op: LroLike,
  check: (name: string) => Promise<CheckedOp<T>>,
  intervalMs: number,
  signal: AbortSignal,
): Promise<T> {
  const name = op.name ?? "";
  const last = await poll(
    () => gcp(`${what} (operation)`, target, () => check(name)),
    (o) => o.done === true,
    {
      what: `${what} to finish`,
      intervalMs,
      maxIntervalMs: Math.max(intervalMs, 5000),
      timeoutMs: 1_800_000,
      signal,
    },
  );
  if (last.error && (last.error.code ?? 0) !== 0) {
    const failure: OperationFailure = { code: last.error.code ?? 2, message: last.error.message ?? "" };
    if (last.metadata && typeof last.metadata === "object")
      failure.metadata = last.metadata as Record<string, unknown>;
    throw operationError(what, target, failure);
  }
  return last.result as T;
}

export function operationError(what: string, target: string, f: OperationFailure): ProviderError {
  return new ProviderError(`${what} failed: ${f.message}`, {
    code: "OPERATION_FAILED",
    fault: "user",
    target,
    cause: f,
    hint: "the cloud refused the new configuration; fix what the message names and deploy again",
  });
}
