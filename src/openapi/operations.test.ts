import { describe, expect, it } from "vitest";
import { selectOperations } from "./operations.js";
import type { JsonRecord } from "./values.js";

const ok = { "200": { description: "ok" } };

function doc(paths: JsonRecord, extra: JsonRecord = {}): JsonRecord {
  return { openapi: "3.1.0", info: { title: "t", version: "1" }, paths, ...extra };
}

describe("selectOperations", () => {
  it("calls only GET: a mutating method is never chosen, even without parameters", () => {
    const paths: JsonRecord = { "/things": {} };
    for (const m of ["get", "put", "post", "delete", "options", "head", "patch", "trace"])
      (paths["/things"] as JsonRecord)[m] = { operationId: `${m}Things`, responses: ok };
    const { operations, skipped } = selectOperations(doc(paths));
    expect(operations.map((o) => [o.method, o.operationId])).toEqual([["GET", "getThings"]]);
    expect(skipped).toEqual([]);
  });

  it("fills required parameters from examples (path, query, header, cookie) and sends no optional one", () => {
    const { operations } = selectOperations(
      doc({
        "/pets/{petId}/toys/{toy}": {
          parameters: [
            { name: "petId", in: "path", required: true, schema: { type: "integer", example: 7 } },
          ],
          get: {
            operationId: "toy",
            parameters: [
              {
                name: "toy",
                in: "path",
                required: true,
                examples: { a: { summary: "no value" }, b: { value: "red ball" } },
              },
              { name: "tags", in: "query", required: true, example: ["a", "b"] },
              { name: "sort", in: "query", schema: { type: "string", example: "name" } },
              {
                name: "X-Tenant",
                in: "header",
                required: true,
                schema: { type: "string", examples: ["acme"] },
              },
              { name: "session", in: "cookie", required: true, content: { "text/plain": { example: "s1" } } },
            ],
            responses: ok,
          },
        },
      }),
    );
    expect(operations).toHaveLength(1);
    expect(operations[0]?.target).toBe("/pets/7/toys/red%20ball?tags=a&tags=b");
    expect(operations[0]?.headers).toEqual({ "x-tenant": "acme", cookie: "session=s1" });
  });

  it("an operation-level parameter overrides the path-level one of the same name", () => {
    const { operations } = selectOperations(
      doc({
        "/p/{id}": {
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          get: { parameters: [{ name: "id", in: "path", required: true, example: "x1" }], responses: ok },
        },
      }),
    );
    expect(operations[0]?.target).toBe("/p/x1");
  });

  it("leaves out, with the reason, a required parameter without example, a required body, and credentials", () => {
    const { operations, skipped } = selectOperations(
      doc(
        {
          "/a/{id}": {
            get: {
              operationId: "a",
              security: [],
              parameters: [{ name: "id", in: "path", required: true }],
              responses: ok,
            },
          },
          "/b": {
            get: {
              operationId: "b",
              security: [],
              requestBody: { required: true, content: {} },
              responses: ok,
            },
          },
          "/c": { get: { operationId: "c", responses: ok } },
          "/d": { get: { operationId: "d", security: [], responses: ok } },
          "/e": { get: { operationId: "e", security: [{ key: [] }, {}], responses: ok } },
        },
        {
          security: [{ key: [] }],
          components: { securitySchemes: { key: { type: "apiKey", in: "header", name: "k" } } },
        },
      ),
    );
    expect(operations.map((o) => o.operationId)).toEqual(["d", "e"]);
    expect(skipped.map((s) => [s.operationId, s.reason])).toEqual([
      ["a", "required path parameter id has no example to send"],
      ["b", "it requires a request body"],
      ["c", "it requires credentials (security)"],
    ]);
  });

  it("stops at the budget, in document order, and names the operations over it", () => {
    const paths: JsonRecord = {};
    for (let i = 0; i < 5; i++) paths[`/r${i}`] = { get: { operationId: `r${i}`, responses: ok } };
    const { operations, skipped } = selectOperations(doc(paths), 3);
    expect(operations.map((o) => o.operationId)).toEqual(["r0", "r1", "r2"]);
    expect(skipped).toEqual([
      { method: "GET", path: "/r3", operationId: "r3", reason: "over the budget of 3 calls" },
      { method: "GET", path: "/r4", operationId: "r4", reason: "over the budget of 3 calls" },
    ]);
  });

  it("puts the first server's base path in front of every path", () => {
    const { operations } = selectOperations(
      doc(
        { "/pets": { get: { responses: ok } } },
        { servers: [{ url: "https://api.example.com/{v}/", variables: { v: { default: "v2" } } }] },
      ),
    );
    expect(operations[0]?.target).toBe("/v2/pets");
  });
});
