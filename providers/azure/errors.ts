// Azure SDK errors → ProviderError, at the provider boundary (DESIGN.md §9.5). ARM answers with
// `{ error: { code, message } }`; the SDKs turn that into a RestError with `code` and
// `statusCode`. Throttling (429) and server errors (5xx) are retryable and keep Retry-After;
// credential failures, missing permissions and name conflicts are the user's to fix. An error
// that came out of the pipeline was already retried there under the run's policy
// (pipeline-retry.ts): it leaves marked `spent`, so the engine does not retry it again.

import { ProviderError } from "../../src/errors.js";
import { mappedCall, maybeCall, spentError, tooLongError } from "../_shared/call-retry.js";
import { classifiedError, classifyLast, noCredentials } from "../_shared/classify.js";
import type { Classified } from "../_shared/classify.js";
import { attemptsOf } from "./pipeline-retry.js";

interface RestErrorLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  response?: { headers?: { get(name: string): string | undefined }; request?: unknown };
  /** The pipeline request it failed (a RestError's). */
  request?: unknown;
  errors?: unknown[];
}

export const CREDENTIAL_CHAIN =
  "AZURE_ACCESS_TOKEN, environment (AZURE_CLIENT_ID/AZURE_TENANT_ID with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH), workload identity (AZURE_FEDERATED_TOKEN_FILE), managed identity, Azure CLI (az login), Azure Developer CLI, Azure PowerShell";

const NETWORK = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "REQUEST_SEND_ERROR",
]);
const NOT_FOUND_CODES = new Set([
  "ResourceNotFound",
  "ResourceGroupNotFound",
  "NotFound",
  "ContainerNotFound",
]);

function asRest(e: unknown): RestErrorLike {
  return typeof e === "object" && e !== null ? (e as RestErrorLike) : { message: String(e) };
}

/** True when ARM says the resource (or its resource group) does not exist. */
export function isNotFound(e: unknown): boolean {
  const r = asRest(e);
  return r.statusCode === 404 || NOT_FOUND_CODES.has(r.code ?? "");
}

export function isConflict(e: unknown): boolean {
  return asRest(e).statusCode === 409;
}

function header(r: RestErrorLike, name: string): string | undefined {
  try {
    return r.response?.headers?.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}

function retryAfterOf(r: RestErrorLike): number | undefined {
  const raw = header(r, "retry-after");
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function isCredentialError(r: RestErrorLike): boolean {
  return (
    r.name === "CredentialUnavailableError" ||
    r.name === "AggregateAuthenticationError" ||
    r.name === "AuthenticationRequiredError"
  );
}

function classify(r: RestErrorLike, op: string): Classified {
  const status = r.statusCode;
  const code = r.code ?? r.name ?? "Error";
  if (isCredentialError(r)) {
    return noCredentials(
      "Azure",
      CREDENTIAL_CHAIN,
      "run `az login` or set AZURE_* variables (or AZURE_ACCESS_TOKEN), or plan without the cloud with `apiship plan --offline`",
    );
  }
  if (status === 429) {
    return {
      code: "THROTTLED",
      fault: "cloud",
      retryable: true,
      hint: "ARM is rate-limiting this subscription; apiship backs off and retries",
    };
  }
  if (status === 401) {
    return {
      code: "CREDENTIALS",
      fault: "user",
      retryable: false,
      hint: "the Azure token was rejected; run `az login` again or refresh AZURE_ACCESS_TOKEN",
    };
  }
  if (status === 403) {
    return {
      code: "ACCESS_DENIED",
      fault: "user",
      retryable: false,
      hint: `grant the identity apiship deploys with a role allowing ${op} (e.g. Contributor on the resource group)`,
    };
  }
  return classifyLast({
    cloud: "Azure",
    unavailable: "AZURE_UNAVAILABLE",
    network: NETWORK.has(r.code ?? "") || /socket hang up|ECONNRESET/i.test(r.message ?? ""),
    status,
    errno: r.code,
    code,
    unreachable:
      "cannot reach Azure Resource Manager; check `endpoint`, AZURE_RESOURCE_MANAGER_ENDPOINT and the network",
    op,
  });
}

/** Wraps any error an Azure call threw; ProviderErrors pass through unchanged. */
export function mapAzureError(e: unknown, op: string, target?: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const r = asRest(e);
  const c = classify(r, op);
  const requestId = header(r, "x-ms-request-id") ?? header(r, "x-ms-correlation-request-id");
  const sent = attemptsOf(r.request ?? r.response?.request);
  const retryAfter = retryAfterOf(r) ?? sent?.tooLongS;
  const mapped = classifiedError(op, c, r.message ?? c.code, e, { requestId, retryAfter, target });
  if (!sent) return mapped;
  if (sent.tooLongS !== undefined)
    return spentError(tooLongError(op, mapped, sent.policy.maxWaitMs), sent.count);
  return spentError(mapped, sent.count);
}

/** Runs one Azure call and maps its failure. */
export function az<T>(op: string, target: string, run: () => Promise<T>): Promise<T> {
  return mappedCall(run, (e) => mapAzureError(e, op, target));
}

/** Runs one Azure read or delete; NotFound is `undefined`. */
export function azMaybe<T>(op: string, target: string, run: () => Promise<T>): Promise<T | undefined> {
  return maybeCall(run, isNotFound, (e) => mapAzureError(e, op, target));
}

/** A globally unique name (site, storage account) someone else holds: the user must pick another. */
export function nameTaken(what: string, name: string, target: string, cause: unknown): ProviderError {
  return new ProviderError(`${what} name ${name} is already taken in Azure (names are global)`, {
    code: "NAME_TAKEN",
    fault: "user",
    target,
    cause,
    hint: `apiship names it <app>-<environment>-<target>; rename the manifest's \`name\`, the environment or the target "${target}" so the name becomes free`,
  });
}
