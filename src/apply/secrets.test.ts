import { describe, expect, it } from "vitest";
import { redactDeep, redactor } from "./secrets.js";

describe("redactor", () => {
  const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
  const redact = redactor(["hunter2-secret", 'p"a\\ss', pem, "abc"]);

  it("scrubs a value as given, escaped in JSON, base64, URL-encoded, and each line of a multi-line one", () => {
    expect(redact("token hunter2-secret refused")).toBe("token (sensitive) refused");
    expect(redact(JSON.stringify({ env: { PW: 'p"a\\ss' } }))).not.toContain('p\\"a\\\\ss');
    expect(redact(`data: ${Buffer.from("hunter2-secret").toString("base64")}`)).toBe("data: (sensitive)");
    expect(redact("u=hunter2-secret%21")).not.toContain("hunter2");
    expect(redact("…ASC\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC…")).not.toContain(
      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
    );
  });

  it("leaves values too short to scrub safely, and text without secrets, alone", () => {
    expect(redact("abc def")).toBe("abc def");
    expect(redactor([])("anything")).toBe("anything");
  });

  it("learns more values while a run goes on", () => {
    const r = redactor(["first-secret"]);
    expect(r("older-secret")).toBe("older-secret");
    r.add(["older-secret"]);
    expect(r("first-secret older-secret")).toBe("(sensitive) (sensitive)");
  });

  it("scrubs every string of a JSON value", () => {
    expect(redactDeep({ a: ["x hunter2-secret"], b: 1 }, redact)).toEqual({ a: ["x (sensitive)"], b: 1 });
  });
});
