import { describe, expect, it } from "vitest";
import type { DeployResult } from "../apply/types.js";
import { UsageError } from "../errors.js";
import { confirm, worstExit } from "./engine.js";
import { renderRun } from "./run-view.js";

describe("worstExit", () => {
  it("ranks interrupt over error over partial over ok", () => {
    expect(worstExit([0, 3, 1, 130])).toBe(130);
    expect(worstExit([3, 0, 1])).toBe(1);
    expect(worstExit([0, 3])).toBe(3);
    expect(worstExit([0, 0])).toBe(0);
    expect(worstExit([])).toBe(0);
  });
});

describe("confirm", () => {
  it("goes ahead with --yes without asking", async () => {
    await expect(confirm("Deploy?", { yes: true, action: "deploy" })).resolves.toBe(true);
  });

  it("refuses with a hint when nobody can answer (CI)", async () => {
    const before = process.env.CI;
    process.env.CI = "true";
    try {
      const p = confirm("Deploy?", { yes: false, action: "deploy" });
      await expect(p).rejects.toBeInstanceOf(UsageError);
      await expect(p).rejects.toThrow(/refusing to deploy without confirmation/);
    } finally {
      if (before === undefined) delete process.env.CI;
      else process.env.CI = before;
    }
  });
});

describe("renderRun", () => {
  const partial: DeployResult = {
    stack: "shop/dev",
    targets: [
      {
        target: "web",
        platform: "test/service",
        status: "deployed",
        attempts: 1,
        endpoint: "http://e/",
        release: "2",
      },
      {
        target: "api",
        platform: "test/service",
        status: "failed",
        attempts: 1,
        error: { code: "InjectedFailure", message: "create service failed", hint: "remove failOn" },
      },
    ],
    release: { id: 4, result: "partial", summary: [], createdAt: "2026-01-01T00:00:00Z", who: "me@host" },
    interrupted: false,
    exitCode: 3,
    warnings: ["took over a lock"],
  };

  it("shows one row per target, each failure with its hint, and what the exit code means", () => {
    const text = renderRun("deploy", partial);
    expect(text).toMatch(/^ {2}web +deployed +http:\/\/e\/ +release 2$/m);
    expect(text).toMatch(/^ {2}api: create service failed$/m);
    expect(text).toMatch(/^ {4}hint: remove failOn$/m);
    expect(text).toMatch(/warning: took over a lock/);
    expect(text).toMatch(/^Result: partial: .* \(exit 3\)\. Release #4: partial\.$/m);
  });

  it("after the live view, leaves out its statuses and warnings: endpoints, reasons and the result, once", () => {
    const text = renderRun("deploy", partial, { live: true });
    expect(text).toMatch(/^ {2}web +http:\/\/e\/ +release 2$/m);
    expect(text).not.toMatch(/deployed|^ {2}api +failed/m);
    expect(text.split("create service failed")).toHaveLength(2);
    expect(text).toMatch(/^ {4}hint: remove failOn$/m);
    expect(text).not.toMatch(/took over a lock/);
    expect(text.match(/^Result: /gm)).toHaveLength(1);
  });
});
