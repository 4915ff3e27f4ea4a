// HTTPS_PROXY / HTTP_PROXY / NO_PROXY through a real forward proxy on 127.0.0.1 that counts what
// passes: apiship's dialer, the AWS SDK's handler, and the global fetch once the CLI installed
// undici's EnvHttpProxyAgent.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installProxy } from "../../src/cli/proxy.js";
import { startCountingProxy } from "../../test/support/counting-proxy.js";
import type { CountingProxy } from "../../test/support/counting-proxy.js";
import { baseConfig } from "../aws/clients.js";
import { dialFetch } from "./dial.js";
import { noProxy, proxyFor } from "./proxy.js";

let proxy: CountingProxy;
const origin = createServer((req, res) => {
  if (req.url?.includes("Action=GetCallerIdentity") || req.method === "POST") {
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(
      "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
    );
    return;
  }
  res.end(`hello ${req.url}`);
});
let base = "";

beforeAll(async () => {
  proxy = await startCountingProxy();
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await proxy.close();
  origin.close();
});

describe("proxy variables", () => {
  it("pick HTTPS_PROXY for https and HTTP_PROXY for http, lower case first, unless NO_PROXY matches", () => {
    const env = {
      HTTPS_PROXY: "http://p:1",
      http_proxy: "http://p:2",
      NO_PROXY: ".internal.example, localhost:8080",
    };
    expect(proxyFor(new URL("https://lambda.us-east-1.amazonaws.com"), env)).toBe("http://p:1");
    expect(proxyFor(new URL("http://api.example.com"), env)).toBe("http://p:2");
    expect(proxyFor(new URL("https://a.internal.example"), env)).toBeUndefined();
    expect(noProxy(new URL("https://internal.example"), env)).toBe(true);
    expect(noProxy(new URL("http://localhost:8080"), env)).toBe(true);
    expect(noProxy(new URL("http://localhost:9090"), env)).toBe(false);
    expect(noProxy(new URL("http://anything"), { NO_PROXY: "*" })).toBe(true);
    expect(proxyFor(new URL("https://x.example"), {})).toBeUndefined();
  });

  it("send apiship's dialer through the proxy, and straight past it for a NO_PROXY host", async () => {
    const before = proxy.seen.length;
    const res = await dialFetch([], { HTTP_PROXY: proxy.url })(`${base}/via`);
    expect(await res.text()).toBe("hello /via");
    expect(proxy.seen.slice(before)).toEqual([`GET ${base}/via`]);
    const direct = await dialFetch([], { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" })(`${base}/direct`);
    expect(await direct.text()).toBe("hello /direct");
    expect(proxy.seen.slice(before)).toHaveLength(1);
  });

  it("send the AWS SDK through the proxy (its own handler ignores the variables)", async () => {
    const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
    const cfg = {
      target: {
        name: "t",
        provider: "aws",
        platform: "lambda",
        options: { region: "us-east-1", endpoint: base },
      },
      env: { HTTP_PROXY: proxy.url, AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" },
    };
    const before = proxy.seen.length;
    const out = await new STSClient(baseConfig("STS", cfg)).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe("123456789012");
    expect(proxy.seen.slice(before).some((s) => s.startsWith(`POST ${base}/`))).toBe(true);
    expect(
      baseConfig("STS", { ...cfg, env: { ...cfg.env, HTTP_PROXY: undefined } }).requestHandler,
    ).toBeUndefined();
  });

  it("route the global fetch through the proxy once the CLI installed it", async () => {
    expect(await installProxy({})).toBe(false);
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = proxy.url;
    try {
      expect(await installProxy(process.env)).toBe(true);
      const before = proxy.seen.length;
      expect(await (await fetch(`${base}/global`)).text()).toBe("hello /global");
      // undici tunnels even plain HTTP through CONNECT.
      expect(proxy.seen.slice(before)).toEqual([`CONNECT ${base.replace("http://", "")}`]);
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
      const { Agent, setGlobalDispatcher } = await import("undici");
      setGlobalDispatcher(new Agent());
    }
  });
});
