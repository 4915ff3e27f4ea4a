import { describe, expect, it } from "vitest";
import {
  ApishipError,
  LockError,
  ManifestError,
  ProviderError,
  toApishipError,
  InternalError,
} from "./errors.js";

describe("the closed error set", () => {
  it("recognises errors by brand and class kind, so a plugin's (or a minified) copy still matches", () => {
    // A second copy of the classes, as a plugin bundling its own apiship would have, minified:
    // its class is named "e", and only the declared kind says what it is.
    const brand: unique symbol = Symbol.for("apiship.error") as never;
    class ProviderErrorCopy extends Error {
      static readonly kind = "ProviderError";
      readonly [brand] = true;
    }
    Object.defineProperty(ProviderErrorCopy, "name", { value: "e" });
    const foreign = new ProviderErrorCopy("throttled");
    expect(foreign instanceof ProviderError).toBe(true);
    // A class merely named like ours is not one of ours.
    class Named extends Error {
      readonly [brand] = true;
    }
    Object.defineProperty(Named, "name", { value: "ProviderError" });
    expect(new Named("x") instanceof ProviderError).toBe(false);
    expect(new ProviderError("x").name).toBe("ProviderError");
    expect(foreign instanceof ApishipError).toBe(false);
    expect(new Error("plain") instanceof ApishipError).toBe(false);
    expect(new ProviderError("x") instanceof ApishipError).toBe(true);
    expect(new ProviderError("x") instanceof LockError).toBe(false);
  });

  it("wraps anything else as an internal error with a hint, and keeps members as they are", () => {
    const e = new ManifestError("bad", []);
    expect(toApishipError(e)).toBe(e);
    const wrapped = toApishipError(new TypeError("boom"));
    expect(wrapped).toBeInstanceOf(InternalError);
    expect(wrapped.hint).toContain("bug in apiship");
    expect(wrapped.exitCode).toBe(1);
  });

  it("serializes code, message, hint and fault for the --json envelope", () => {
    const e = new ProviderError("denied", {
      code: "ACCESS_DENIED",
      fault: "user",
      hint: "grant lambda:CreateFunction",
    });
    expect(e.toJSON()).toMatchObject({
      code: "ACCESS_DENIED",
      message: "denied",
      hint: "grant lambda:CreateFunction",
      fault: "user",
      retryable: false,
    });
  });
});
