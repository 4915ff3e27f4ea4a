// Smoke tests from the contract (issue 23 item 3): with `health.smoke: openapi`, once a new
// release passes its health check, each GET operation operations.ts selects is called on the
// release's endpoint, one after the other, through the health check's own HTTP client (the same
// APISHIP_CONNECT_TO dialling), each within health.timeout; response.ts judges the answer. Any
// failed call fails the health check, and targets.ts rolls the release back as for any failure.

import { resolve } from "node:path";
import { ProviderError } from "../errors.js";
import type { Stack } from "../manifest/types.js";
import type { LoadedDocument } from "../openapi/document.js";
import { loadDereferenced } from "../openapi/document.js";
import type { Selection, SmokeOperation } from "../openapi/operations.js";
import { SMOKE_BUDGET, selectOperations } from "../openapi/operations.js";
import type { SchemaValidator } from "../openapi/response.js";
import { judge, schemaValidator } from "../openapi/response.js";
import { connectTargetFor } from "./connect-to.js";
import type { ConnectRule } from "./connect-to.js";
import { healthUrl, httpGet } from "./health.js";
import type { SmokeCall, SmokeReport } from "./types.js";

/** Bodies are read up to this size; a longer one is checked for its status and type only. */
export const SMOKE_BODY_BYTES = 1024 * 1024;

export interface SmokeSetup {
  /** service.openapi as the manifest names it. */
  document: string;
  loaded: LoadedDocument;
  selection: Selection;
  validator: SchemaValidator;
}

/**
 * Reads the stack's document once per run, before any target deploys: a document that cannot be
 * read stops the deploy before it changes anything (a ManifestError), not after a release.
 */
export async function prepareSmoke(stack: Stack, baseDir: string): Promise<SmokeSetup | undefined> {
  const document = stack.service.openapi;
  if (stack.service.health.smoke !== "openapi" || document === undefined) return undefined;
  const loaded = await loadDereferenced(resolve(baseDir, document));
  const selection = selectOperations(loaded.dereferenced, SMOKE_BUDGET);
  const validator = await schemaValidator(loaded.dereferenced, loaded.version);
  return { document, loaded, selection, validator };
}

export interface SmokeOptions {
  timeoutMs: number;
  /** The run's soft stop: no call starts after it. */
  signal: AbortSignal;
  connectTo?: readonly ConnectRule[];
  onCall?: (call: SmokeCall) => void;
}

function reason(e: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no response within ${timeoutMs} ms`;
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && code !== "ABORT_ERR") return code;
  return e instanceof Error ? e.message : String(e);
}

async function call(
  endpoint: string,
  op: SmokeOperation,
  setup: SmokeSetup,
  o: SmokeOptions,
): Promise<SmokeCall> {
  const url = healthUrl(endpoint, op.target);
  const base = {
    method: op.method,
    path: op.path,
    ...(op.operationId ? { operationId: op.operationId } : {}),
    url,
  };
  const started = performance.now();
  const timeout = AbortSignal.timeout(o.timeoutMs);
  try {
    const target = new URL(url);
    const headers = {
      accept: "application/json, */*;q=0.5",
      "user-agent": "apiship-smoke-test",
      ...op.headers,
    };
    const answer = await httpGet(
      target,
      connectTargetFor(target, o.connectTo ?? []),
      AbortSignal.any([o.signal, timeout]),
      {
        maxBytes: SMOKE_BODY_BYTES,
        headers,
      },
    );
    const latencyMs = Math.round(performance.now() - started);
    const type = answer.headers["content-type"];
    const contentType = Array.isArray(type) ? type[0] : type;
    const verdict = judge(
      op.responses,
      {
        status: answer.status,
        ...(contentType ? { contentType } : {}),
        body: answer.body,
        truncated: answer.truncated,
      },
      setup.validator,
    );
    return { ...base, status: answer.status, latencyMs, ...verdict };
  } catch (e) {
    const latencyMs = Math.round(performance.now() - started);
    const documented = Object.keys(op.responses);
    return { ...base, ok: false, documented, latencyMs, error: reason(e, timeout.aborted, o.timeoutMs) };
  }
}

/** Calls every selected operation on `endpoint`; never throws. */
export async function runSmoke(endpoint: string, setup: SmokeSetup, o: SmokeOptions): Promise<SmokeReport> {
  const calls: SmokeCall[] = [];
  for (const op of setup.selection.operations) {
    if (o.signal.aborted) break;
    const c = await call(endpoint, op, setup, o);
    calls.push(c);
    o.onCall?.(c);
  }
  // Stopped part-way (Ctrl-C), the release is not known to be good.
  const complete = calls.length === setup.selection.operations.length;
  return {
    ok: complete && calls.every((c) => c.ok),
    document: setup.document,
    calls,
    skipped: setup.selection.skipped,
    budget: SMOKE_BUDGET,
  };
}

/** "GET /pets/{id} (getPet)". */
export function operationName(c: { method: string; path: string; operationId?: string }): string {
  return `${c.method} ${c.path}${c.operationId ? ` (${c.operationId})` : ""}`;
}

/** The failed health check a failed smoke test is: it names the operation, the status and the first error. */
export function smokeFailure(report: SmokeReport, target: string, env: string): ProviderError {
  const failed = report.calls.filter((c) => !c.ok);
  const first = failed[0];
  const got = first?.status !== undefined ? String(first.status) : "no response";
  const more =
    failed.length > 1 ? ` (and ${failed.length - 1} more of ${report.calls.length} operations)` : "";
  const what = first
    ? `${operationName(first)} → ${got}: ${first.error ?? "failed"}${more}`
    : "no operation passed";
  return new ProviderError(`health check of ${target} failed: smoke test of ${report.document}: ${what}`, {
    code: "HEALTH_CHECK_FAILED",
    target,
    hint: `the release does not answer as ${report.document} documents; fix the service or the document (apiship logs --env ${env} --target ${target} --since 15m shows what it printed)`,
  });
}
