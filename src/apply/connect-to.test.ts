import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { connectTargetFor, parseConnectTo } from "./connect-to.js";

const at = (url: string, spec: string) => connectTargetFor(new URL(url), parseConnectTo(spec));

describe("APISHIP_CONNECT_TO (curl --connect-to syntax)", () => {
  it("redirects a matching host and port, keeping what the rule leaves empty", () => {
    expect(at("http://api.internal/healthz", "api.internal:80:127.0.0.1:8080")).toEqual({
      host: "127.0.0.1",
      port: 8080,
    });
    expect(at("https://api.internal/healthz", "api.internal::127.0.0.1:")).toEqual({
      host: "127.0.0.1",
      port: 443,
    });
    expect(at("http://x.elb.localhost.localstack.cloud/h", "::localhost:4566")).toEqual({
      host: "localhost",
      port: 4566,
    });
  });

  it("takes the first rule that matches, and none when no rule does", () => {
    const spec = "a.example:80:127.0.0.1:1, :80:127.0.0.1:2";
    expect(at("http://a.example/", spec)?.port).toBe(1);
    expect(at("http://b.example/", spec)?.port).toBe(2);
    expect(at("http://b.example:8080/", spec)).toBeUndefined();
    expect(at("http://b.example/", "")).toBeUndefined();
  });

  it("reads bracketed IPv6 addresses on either side", () => {
    expect(at("http://[::1]:9000/", "[::1]:9000:[::1]:9001")).toEqual({ host: "::1", port: 9001 });
  });

  it("refuses a malformed rule with a hint", () => {
    expect(() => parseConnectTo("api.internal:80:127.0.0.1")).toThrow(UsageError);
    expect(() => parseConnectTo("a:http:b:80")).toThrow(/HOST1:PORT1:HOST2:PORT2/);
  });
});
