// The conformance suite: every case of cases.ts against every runtime entry, each hosted by its
// platform's own library or documented format (see hosts.ts), plus negative checks proving that a
// bridge which drops a header, mangles a binary body or leaks a platform prefix fails.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveFetch } from "../../providers/_shared/runtime/app.mjs";
import { runtimeEntry } from "../../providers/_shared/runtime/entries.js";
import { CASES, check } from "./cases.js";
import {
  azureHost,
  bundle,
  cloudFunctionsPythonHost,
  digitalOceanHost,
  functionsFrameworkHost,
  HERE,
  herokuNodeHost,
  herokuPythonHost,
  lambdaEvent,
  lambdaNodeHost,
  lambdaPythonHost,
  lambdaWire,
  pythonHas,
  WORK,
  type Host,
} from "./hosts.js";

const hasFlask = pythonHas("flask");

const HOSTS: { host: Host; skip?: string }[] = [
  { host: lambdaNodeHost() },
  { host: functionsFrameworkHost("gcp/cloud-functions") },
  // Firebase Hosting rewrites "/api/**" to the function and forwards the full path.
  { host: functionsFrameworkHost("firebase/functions", "/api") },
  { host: azureHost() },
  { host: digitalOceanHost() },
  { host: herokuNodeHost() },
  { host: lambdaPythonHost() },
  { host: cloudFunctionsPythonHost(), skip: hasFlask ? undefined : "python3-flask is not installed" },
  { host: herokuPythonHost() },
];

for (const { host, skip } of HOSTS) {
  describe.skipIf(skip !== undefined)(host.name, () => {
    beforeAll(() => host.start());
    afterAll(() => host.stop());
    it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      expect(check(c, await host.send(c.request, c))).toEqual([]);
    });
  });
}

describe("the AWS documentation's sample payloads", () => {
  it("the sample response becomes status, headers, body and one Set-Cookie per cookie", async () => {
    const { readFileSync } = await import("node:fs");
    const fixture = JSON.parse(readFileSync(path.join(HERE, "fixtures/aws-function-url.json"), "utf8"));
    const wire = lambdaWire(fixture.response);
    expect(wire.status).toBe(201);
    expect(wire.headers.filter(([n]) => n === "set-cookie")).toHaveLength(2);
    expect(Buffer.from(wire.body).toString()).toBe(fixture.response.body);
  });

  it("an event built from the sample keeps the documented shape", () => {
    const event = lambdaEvent({
      method: "GET",
      target: "/a?x=1&x=2",
      headers: [
        ["x-h", "1"],
        ["x-h", "2"],
      ],
    });
    expect(event).toMatchObject({
      version: "2.0",
      rawPath: "/a",
      rawQueryString: "x=1&x=2",
      queryStringParameters: { x: "1,2" },
      headers: { "x-h": "1,2" },
      isBase64Encoded: false,
    });
  });
});

describe("entry contract", () => {
  it("the Firebase entry exports a 2nd-gen HTTPS function named apiship", async () => {
    const file = await bundle(
      runtimeEntry("firebase/functions", "nodejs"),
      path.join(WORK, "firebase-endpoint"),
    );
    const mod = (await import(pathToFileURL(file).href)) as {
      apiship: { __endpoint?: Record<string, unknown> };
    };
    expect(mod.apiship.__endpoint).toMatchObject({ platform: "gcfv2", httpsTrigger: {} });
  });

  it("resolveFetch takes handler, a default Hono-style app, or a default function, and names what it found otherwise", async () => {
    const req = new Request("https://x.test/");
    const ok = new Response("ok");
    expect(await resolveFetch({ handler: () => ok })(req)).toBe(ok);
    expect(await resolveFetch({ default: { fetch: () => ok } })(req)).toBe(ok);
    expect(await resolveFetch({ default: () => ok })(req)).toBe(ok);
    const { Hono } = await import("hono");
    const app = new Hono().get("/", (c) => c.text("hono"));
    expect(await (await resolveFetch({ default: app })(req)).text()).toBe("hono");
    expect(() => resolveFetch({ main: 1, app: {} })).toThrow(
      /exports "main" \(number\), "app" \(object\); expected a "handler"/,
    );
  });
});

describe("negative checks: the suite catches a broken bridge", () => {
  const broken = lambdaNodeHost(path.join(HERE, "broken/lambda.mjs"), "broken Lambda bridge");
  beforeAll(() => broken.start());
  afterAll(() => {
    delete process.env.APISHIP_BREAK;
  });

  async function failing(fault: string): Promise<string[]> {
    process.env.APISHIP_BREAK = fault;
    const names: string[] = [];
    for (const c of CASES) {
      if (check(c, await broken.send(c.request, c)).length > 0) names.push(c.name);
    }
    return names;
  }

  it("without a fault every case passes (the control)", async () => {
    expect(await failing("none")).toEqual([]);
  });
  it("a dropped request header fails the header case", async () => {
    expect(await failing("header")).toEqual(["repeated request headers, cookies in, several Set-Cookie out"]);
  });
  it("a binary body returned as text fails both binary cases", async () => {
    expect(await failing("binary")).toEqual(["binary upload echoed back", "binary download"]);
  });
  it("a leaked stage prefix fails the prefix case", async () => {
    expect(await failing("prefix")).toEqual(["no platform prefix in the path the app sees"]);
  });
  it("Azure without host.json's empty routePrefix leaks /api", async () => {
    const host = azureHost("api");
    await host.start();
    const c = CASES.find((x) => x.platformPrefix)!;
    expect(check(c, await host.send(c.request, c))).not.toEqual([]);
  });
});
