// client-node errors → ProviderError at the adapter boundary (DESIGN.md §9.5). The SDK throws an
// ApiException (HTTP status, a body that is usually a JSON v1.Status) or, below HTTP, a
// node-fetch FetchError with an errno code.

import { ProviderError } from "../../src/errors.js";

/** What was being done, for the message: "apply Deployment apis/shop-dev-web". */
export interface KubeOp {
  verb: string;
  /** "Deployment apis/shop-dev-web", "Pods in apis". */
  what: string;
  target: string;
  cluster?: string;
}

const TRANSIENT_ERRNO = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
]);

function field(v: unknown, k: string): unknown {
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined;
}

/** The HTTP status of an ApiException, undefined for anything else. */
export function statusOf(e: unknown): number | undefined {
  const code = field(e, "code");
  return typeof code === "number" ? code : undefined;
}

export function isNotFound(e: unknown): boolean {
  return statusOf(e) === 404;
}

/** The v1.Status message of the response body, when there is one. */
function statusMessage(e: unknown): string | undefined {
  let body = field(e, "body");
  if (typeof body === "string") {
    const text = body.trim();
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      return text === "" ? undefined : text.slice(0, 300);
    }
  }
  const m = field(body, "message");
  return typeof m === "string" ? m : undefined;
}

function retryAfterOf(e: unknown): number | undefined {
  const h = field(e, "headers");
  const v = field(h, "retry-after") ?? field(h, "Retry-After");
  const n = typeof v === "string" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function errnoOf(e: unknown): string | undefined {
  const c = field(e, "code") ?? field(field(e, "cause"), "code");
  return typeof c === "string" ? c : undefined;
}

function httpError(e: unknown, status: number, op: KubeOp): ProviderError {
  const base = `${op.verb} ${op.what} failed with HTTP ${status}`;
  const detail = statusMessage(e);
  const message = detail ? `${base}: ${detail}` : base;
  const common = { cause: e, target: op.target };
  if (status === 401 || status === 403) {
    return new ProviderError(`${message} (not allowed to ${op.verb} ${op.what})`, {
      ...common,
      code: status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN",
      fault: "user",
      hint:
        status === 401
          ? "the cluster rejected the credentials: refresh them (token, exec plugin) or check the kubeconfig context"
          : `grant the identity RBAC to ${op.verb} it (check with \`kubectl auth can-i\`)`,
    });
  }
  if (status === 409) {
    return new ProviderError(message, {
      ...common,
      code: "Conflict",
      fault: "user",
      hint: "another field manager or a concurrent change owns it; run the deploy again, or remove the other writer",
    });
  }
  const retryable = status === 429 || status >= 500;
  const opts: ConstructorParameters<typeof ProviderError>[1] = {
    ...common,
    code: status === 429 ? "Throttling" : status === 404 ? "NotFound" : `HTTP_${status}`,
    fault: status >= 500 || status === 429 ? "cloud" : "user",
    retryable,
    hint: retryable
      ? "the API server is busy or failing; apiship retries this"
      : "check the object against the cluster's API (`kubectl explain`)",
  };
  const after = retryAfterOf(e);
  if (after !== undefined) opts.retryAfter = after;
  return new ProviderError(message, opts);
}

/** Maps anything the SDK threw into the closed error set. */
export function mapKubeError(e: unknown, op: KubeOp): ProviderError {
  if (e instanceof ProviderError) return e;
  const status = statusOf(e);
  if (status !== undefined) return httpError(e, status, op);
  const errno = errnoOf(e);
  const where = op.cluster ? ` (${op.cluster})` : "";
  const why = e instanceof Error ? e.message : String(e);
  const retryable = errno !== undefined && TRANSIENT_ERRNO.has(errno);
  return new ProviderError(`${op.verb} ${op.what}: cannot reach the cluster${where}: ${why}`, {
    code: errno ?? "CONNECTION",
    fault: "cloud",
    retryable,
    target: op.target,
    cause: e,
    hint: "check the API server address in the kubeconfig and that it is reachable (VPN, firewall)",
  });
}
