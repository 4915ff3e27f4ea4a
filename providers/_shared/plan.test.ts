import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { changeReason, requireLocalSecrets, resolvedSecrets } from "./plan.js";

describe("shared plan helpers", () => {
  it("explain a change in a line", () => {
    expect(changeReason("create", [], [])).toBe("not in the cloud");
    expect(changeReason("update", ["memory", "env.A"], [])).toBe("memory, env.A changed");
    expect(changeReason("replace", ["region"], ["region"])).toBe("region cannot change in place");
    expect(changeReason("replace", ["region"], [], "the function")).toBe("replaced with the function");
    expect(changeReason("no-op", [], [])).toBeUndefined();
  });

  it("hand over resolved secrets, and call a missing one a bug", () => {
    expect(resolvedSecrets(["A"], { A: "x", B: "y" }, "web", "the function")).toEqual({ A: "x" });
    expect(() => resolvedSecrets(["A"], {}, "web", "the function")).toThrow(
      /secret A has no value to give the function/,
    );
  });

  it("refuse cloud secret references a platform cannot resolve yet, naming the secret, not its value", () => {
    expect(() => requireLocalSecrets({ A: "env:A", B: "file:./b" }, "aws/lambda")).not.toThrow();
    let caught: unknown;
    try {
      requireLocalSecrets({ DB_URL: "aws-sm:prod/db-url" }, "aws/lambda");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProviderError);
    expect((caught as ProviderError).fault).toBe("user");
    expect((caught as ProviderError).message).toBe(
      "secret DB_URL refers to aws-sm:, which aws/lambda cannot resolve in this version",
    );
  });
});
