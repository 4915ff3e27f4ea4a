// A portable function on Lambda (issue 19): the package is the generated entry bundled with the
// user's fetch handler (no node_modules, no source folder as it is), Lambda is told to run the
// entry, and the bundle, unpacked from the very zip Lambda received, answers AWS's documented
// function URL event. Against the AWS fake.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { NAME, SECRET_VALUE, adapter, lambdaWorld, planFor } from "../../test/fakes/aws/harness.js";
import { echoHandlerSource, unpack } from "../../test/support/portable.js";
import { zipEntries } from "../../test/support/zip.js";

describe("aws/lambda with function.interface: portable", () => {
  it("ships the bundled entry, runs it as the handler, and the bundle answers a function URL event", async () => {
    const w = await lambdaWorld();
    try {
      const source = echoHandlerSource("lambda");
      const service = {
        ...w.service,
        function: {
          runtime: "nodejs22",
          handler: "src/index.handler",
          source,
          interface: "portable" as const,
        },
      };
      const planned = await planFor(w, service);
      const fnChange = planned.changes.find((c) => c.type === "function");
      expect(fnChange?.after).toMatchObject({ handler: "apiship-lambda.handler" });
      const result = await adapter.apply(await w.ctx(), { ...planned, secrets: { API_KEY: SECRET_VALUE } });
      expect(result.state.function?.handler).toBe("apiship-lambda.handler");
      // The package, built again, is the one Lambda holds (its CodeSha256).
      const artifact = await adapter.build!(await w.ctx(), service);
      const bytes = readFileSync(artifact.path);
      expect(createHash("sha256").update(bytes).digest("base64")).toBe(
        w.fake.world.functions.get(NAME)?.codeSha256,
      );
      const zip = zipEntries(bytes);
      expect([...zip.keys()].sort()).toEqual(["apiship-lambda.mjs", "package.json"]);
      expect(JSON.parse(zip.get("package.json")?.toString() ?? "{}")).toMatchObject({
        type: "module",
        main: "apiship-lambda.mjs",
      });
      // Run what Lambda received, with the documented event.
      const dir = unpack(zip, "lambda");
      const mod = (await import(pathToFileURL(join(dir, "apiship-lambda.mjs")).href)) as {
        handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
      };
      const sample = JSON.parse(
        readFileSync(
          join(import.meta.dirname, "../../test/conformance/fixtures/aws-function-url.json"),
          "utf8",
        ),
      ) as { request: Record<string, unknown> & { requestContext: { http: Record<string, unknown> } } };
      const event = {
        ...sample.request,
        rawPath: "/greet",
        rawQueryString: "name=a&name=b",
        body: undefined,
        isBase64Encoded: false,
        requestContext: {
          ...sample.request.requestContext,
          // The sample's placeholders, filled in as a real URL has them.
          domainName: "abcdefg.lambda-url.us-east-1.on.aws",
          domainPrefix: "abcdefg",
          http: { ...sample.request.requestContext.http, method: "GET", path: "/greet" },
        },
      };
      const res = await mod.handler(event, {});
      expect(res.statusCode).toBe(201);
      expect(JSON.parse(res.body)).toEqual({ hello: ["a", "b"], path: "/greet" });
      // Unchanged source: the same package, no change planned.
      const again = await planFor(w, service, w.target, result.state);
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
