import {
  TooManyRequestsException,
  ResourceConflictException,
  InvalidParameterValueException,
} from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { isNotFound, mapAwsError, missingAction } from "./errors.js";

const meta = { httpStatusCode: 400, requestId: "req-123" };

describe("AWS errors → ProviderError", () => {
  it("makes throttling retryable and keeps Retry-After and the request id", () => {
    const e = mapAwsError(
      new TooManyRequestsException({
        message: "Rate exceeded",
        $metadata: { ...meta, httpStatusCode: 429 },
        retryAfterSeconds: "2",
      }),
      "GetFunction",
      "api",
    );
    expect(e).toMatchObject({
      code: "THROTTLED",
      retryable: true,
      retryAfter: 2,
      requestId: "req-123",
      target: "api",
      fault: "cloud",
    });
    for (const name of ["ThrottlingException", "Throttling", "RequestLimitExceeded"]) {
      expect(mapAwsError(Object.assign(new Error("slow"), { name, $metadata: meta }), "Op").retryable).toBe(
        true,
      );
    }
  });

  it("retries 5xx and dropped connections, not a refused endpoint", () => {
    expect(
      mapAwsError(
        Object.assign(new Error("boom"), {
          name: "ServiceException",
          $fault: "server",
          $metadata: { httpStatusCode: 500 },
        }),
        "Op",
      ).retryable,
    ).toBe(true);
    expect(mapAwsError(Object.assign(new Error("socket"), { code: "ECONNRESET" }), "Op")).toMatchObject({
      code: "NETWORK",
      retryable: true,
    });
    expect(mapAwsError(Object.assign(new Error("t"), { name: "TimeoutError" }), "Op").retryable).toBe(true);
    expect(mapAwsError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }), "Op")).toMatchObject({
      retryable: false,
      fault: "user",
    });
  });

  it("retries a conflicting update with a hint that apiship waits", () => {
    const e = mapAwsError(
      new ResourceConflictException({
        message: "An update is in progress",
        $metadata: { httpStatusCode: 409 },
      }),
      "UpdateFunctionCode",
    );
    expect(e).toMatchObject({ code: "CONFLICT", retryable: true });
    expect(e.hint).toMatch(/in progress/);
  });

  it("names the missing action of an AccessDenied", () => {
    const msg =
      "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:x";
    expect(missingAction(msg)).toBe("lambda:CreateFunction");
    const e = mapAwsError(
      Object.assign(new Error(msg), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }),
      "CreateFunction",
    );
    expect(e).toMatchObject({ code: "ACCESS_DENIED", fault: "user", retryable: false });
    expect(e.hint).toContain("lambda:CreateFunction");
  });

  it("explains missing credentials with the chain tried and suggests --offline", () => {
    const e = mapAwsError(
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
      "GetFunction",
    );
    expect(e.code).toBe("CREDENTIALS");
    expect(e.message).toMatch(/environment.*shared config.*SSO.*web identity.*IMDS/);
    expect(e.hint).toContain("--offline");
  });

  it("turns an unsupported runtime into a user error", () => {
    const e = mapAwsError(
      new InvalidParameterValueException({
        message: "The runtime parameter of nodejs16.x is no longer supported",
        $metadata: meta,
      }),
      "CreateFunction",
    );
    expect(e).toMatchObject({ code: "UNSUPPORTED_RUNTIME", fault: "user", retryable: false });
  });

  it("passes ProviderErrors through and recognises NotFound", () => {
    const p = new ProviderError("x");
    expect(mapAwsError(p, "Op")).toBe(p);
    expect(isNotFound(Object.assign(new Error("no"), { name: "NoSuchEntityException" }))).toBe(true);
    expect(
      isNotFound(Object.assign(new Error("no"), { name: "Other", $metadata: { httpStatusCode: 404 } })),
    ).toBe(true);
    expect(isNotFound(new Error("other"))).toBe(false);
  });
});
