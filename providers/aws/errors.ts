// AWS SDK errors → ProviderError, at the provider boundary (DESIGN.md §9.5). Decides what the
// executor may retry (throttling, 5xx, dropped connections, a conflicting update in progress),
// what is the user's to fix (missing permission, credentials, an unsupported runtime), and keeps
// the request id and Retry-After for the report.

import { ProviderError } from "../../src/errors.js";
import { mappedCall, maybeCall } from "../_shared/call-retry.js";
import { classifiedError, classifyLast, noCredentials } from "../_shared/classify.js";
import type { Classified } from "../_shared/classify.js";

/** Set on an SDK error by the retry middleware (call-retry.ts): the attempts the call used. */
export const ATTEMPTS = "$apishipAttempts";

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
  $response?: { headers?: Record<string, string | undefined> };
  retryAfterSeconds?: string;
  [ATTEMPTS]?: number;
}

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
  "ProvisionedThroughputExceededException",
]);
const NETWORK = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "ECONNABORTED", "EAI_AGAIN"]);
const TIMEOUTS = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const NOT_FOUND = new Set([
  "ResourceNotFoundException",
  "NoSuchEntity",
  "NoSuchEntityException",
  "NotFound",
  "NoSuchBucket",
  "NoSuchKey",
  "ProvisionedConcurrencyConfigNotFoundException",
  // ECS, ELBv2 (modeled names and their awsQuery codes), EC2, Application Auto Scaling.
  "ClusterNotFoundException",
  "ServiceNotFoundException",
  "ServiceNotActiveException",
  "LoadBalancerNotFoundException",
  "LoadBalancerNotFound",
  "TargetGroupNotFoundException",
  "TargetGroupNotFound",
  "ListenerNotFoundException",
  "ListenerNotFound",
  "RuleNotFoundException",
  "RuleNotFound",
  "InvalidGroup.NotFound",
  "ObjectNotFoundException",
]);

export const CREDENTIAL_CHAIN =
  "environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), shared config and credentials files (AWS_PROFILE or the target's `profile`), SSO, web identity (AWS_WEB_IDENTITY_TOKEN_FILE), container and instance metadata (IMDS)";

function asSdk(e: unknown): SdkErrorLike {
  return typeof e === "object" && e !== null ? (e as SdkErrorLike) : { message: String(e) };
}

function errorName(e: SdkErrorLike): string {
  return e.name ?? e.Code ?? e.code ?? "Error";
}

/** True when the error says the resource does not exist (success for destroy, "absent" for read). */
export function isNotFound(e: unknown): boolean {
  const s = asSdk(e);
  return NOT_FOUND.has(errorName(s)) || s.$metadata?.httpStatusCode === 404;
}

export function isAlreadyExists(e: unknown): boolean {
  const n = errorName(asSdk(e));
  return (
    n === "EntityAlreadyExists" ||
    n === "EntityAlreadyExistsException" ||
    n === "ResourceConflictException" ||
    n === "ResourceAlreadyExistsException" ||
    n === "InvalidGroup.Duplicate" ||
    n === "InvalidPermission.Duplicate"
  );
}

function retryAfterOf(s: SdkErrorLike): number | undefined {
  const raw = s.retryAfterSeconds ?? s.$response?.headers?.["retry-after"];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The IAM action an AccessDenied message names ("... not authorized to perform: lambda:CreateFunction ..."). */
export function missingAction(message: string): string | undefined {
  return /not authorized to perform:? ([A-Za-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1];
}

/** What AWS answers when it does not accept the credentials themselves (not a missing permission). */
const REJECTED_CREDENTIALS = new Set([
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidAccessKeyId",
]);

function isCredentialsError(s: SdkErrorLike): boolean {
  return (
    errorName(s) === "CredentialsProviderError" ||
    /could not load credentials|credential is missing|Unable to locate credentials/i.test(s.message ?? "")
  );
}

function classify(s: SdkErrorLike, op: string): Classified {
  const name = errorName(s);
  const status = s.$metadata?.httpStatusCode;
  const msg = s.message ?? name;
  if (isCredentialsError(s)) {
    return noCredentials(
      "AWS",
      CREDENTIAL_CHAIN,
      "configure credentials (aws configure, aws sso login, or AWS_* variables), or plan without the cloud with `apiship plan --offline`",
    );
  }
  if (REJECTED_CREDENTIALS.has(name)) {
    return {
      code: "CREDENTIALS",
      fault: "user",
      retryable: false,
      hint: "AWS rejected the credentials (wrong, revoked or expired keys, or an ended session): refresh them (aws sso login, aws configure) or check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN",
    };
  }
  if (THROTTLING.has(name)) {
    return {
      code: "THROTTLED",
      fault: "cloud",
      retryable: true,
      hint: "AWS is rate-limiting this account; apiship backs off and retries",
    };
  }
  if (name === "ResourceConflictException") {
    return {
      code: "CONFLICT",
      fault: "cloud",
      retryable: true,
      hint: "another update of this function is still in progress; apiship waits for it to settle and retries",
    };
  }
  if (/^AccessDenied(Exception)?$/.test(name) || name === "UnauthorizedOperation") {
    const action = missingAction(msg);
    return {
      code: "ACCESS_DENIED",
      fault: "user",
      retryable: false,
      hint: action
        ? `allow ${action} for the identity apiship deploys with`
        : `allow the permission ${op} needs for the identity apiship deploys with`,
    };
  }
  if ((name === "InvalidParameterValueException" || name === "ValidationException") && /runtime/i.test(msg)) {
    return {
      code: "UNSUPPORTED_RUNTIME",
      fault: "user",
      retryable: false,
      hint: "this runtime is not available for Lambda in the target's region; choose another `function.runtime` (apiship schema lists them)",
    };
  }
  return classifyLast({
    cloud: "AWS",
    unavailable: "AWS_UNAVAILABLE",
    network: NETWORK.has(s.code ?? "") || TIMEOUTS.has(name) || /socket hang up/i.test(msg),
    serverFault: s.$fault === "server",
    status,
    errno: s.code,
    code: name,
    unreachable: "cannot reach the AWS endpoint; check `endpoint`, AWS_ENDPOINT_URL and the network",
    op,
  });
}

/** Wraps any error an AWS call threw; ProviderErrors pass through unchanged. */
export function mapAwsError(e: unknown, op: string, target?: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const s = asSdk(e);
  const c = classify(s, op);
  return classifiedError(op, c, s.message ?? errorName(s), e, {
    requestId: s.$metadata?.requestId,
    retryAfter: retryAfterOf(s),
    target,
    spent: s[ATTEMPTS],
  });
}

/** Runs one AWS call and maps its failure. */
export function aws<T>(op: string, target: string, run: () => Promise<T>): Promise<T> {
  return mappedCall(run, (e) => mapAwsError(e, op, target));
}

/** Runs one AWS read; a NotFound answer is `undefined`. */
export function awsMaybe<T>(op: string, target: string, run: () => Promise<T>): Promise<T | undefined> {
  return maybeCall(run, isNotFound, (e) => mapAwsError(e, op, target));
}
