import { describe, expect, it } from "vitest";
import type { OpenApiVersion } from "./document.js";
import { judge, schemaValidator } from "./response.js";
import type { Answer } from "./response.js";
import type { JsonRecord } from "./values.js";

const answer = (status: number, body: unknown, contentType = "application/json; charset=utf-8"): Answer => ({
  status,
  contentType,
  body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  truncated: false,
});

const json = (schema: unknown) => ({ description: "ok", content: { "application/json": { schema } } });

async function judged(
  version: OpenApiVersion,
  responses: JsonRecord,
  a: Answer,
  components: JsonRecord = {},
) {
  const doc = { openapi: version === "3.0" ? "3.0.3" : "3.1.0", components };
  return judge(responses, a, await schemaValidator(doc, version));
}

describe("judge: status and content type", () => {
  it("passes a documented 2xx, a 2XX range and default; fails any other status, naming the documented ones", async () => {
    expect((await judged("3.1", { "200": { description: "ok" } }, answer(200, {}))).ok).toBe(true);
    expect((await judged("3.1", { "2XX": { description: "ok" } }, answer(201, {}))).ok).toBe(true);
    expect((await judged("3.1", { default: { description: "ok" } }, answer(202, {}))).ok).toBe(true);
    const undocumented = await judged(
      "3.1",
      { "200": { description: "ok" }, "404": { description: "no" } },
      answer(204, ""),
    );
    expect(undocumented).toMatchObject({ ok: false, documented: ["200", "404"] });
    expect(undocumented.error).toBe("204 is not a documented success (documented: 200)");
    // A documented error is still an error: the release must answer the call it documents as working.
    const notFound = await judged(
      "3.1",
      { "200": { description: "ok" }, "404": { description: "no" } },
      answer(404, {}),
    );
    expect(notFound.ok).toBe(false);
  });

  it("fails a content type the response does not document; takes type/* and */*", async () => {
    const r = await judged("3.1", { "200": json({ type: "object" }) }, answer(200, "<html>", "text/html"));
    expect(r.error).toBe("content type text/html, but the 200 response documents application/json");
    const wild = { "200": { description: "ok", content: { "text/*": {} } } };
    expect((await judged("3.1", wild, answer(200, "hi", "text/plain"))).ok).toBe(true);
  });

  it("fails a body that is not JSON, and does not check a body cut at the size limit", async () => {
    expect((await judged("3.1", { "200": json({ type: "object" }) }, answer(200, "{oops"))).error).toBe(
      "the body is not JSON",
    );
    const cut = { ...answer(200, "{oops"), truncated: true };
    const r = await judged("3.1", { "200": json({ type: "object" }) }, cut);
    expect(r.ok).toBe(true);
    expect(r.note).toMatch(/size limit/);
  });
});

describe("judge: the body against the response schema", () => {
  const Pet = {
    type: "object",
    required: ["id", "name"],
    properties: {
      id: { type: "integer" },
      name: { type: "string" },
      tag: { type: "string", nullable: true },
    },
  };

  it("3.1 (JSON Schema 2020-12): reports the first error with its place in the body", async () => {
    const schema = {
      type: "array",
      items: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] },
    };
    expect((await judged("3.1", { "200": json(schema) }, answer(200, [{ id: 1 }]))).ok).toBe(true);
    const r = await judged("3.1", { "200": json(schema) }, answer(200, [{ id: 1 }, { id: "2" }]));
    expect(r).toMatchObject({ ok: false });
    expect(r.error).toBe("the body does not match the response schema: body/1/id must be integer");
    const types = await judged("3.1", { "200": json({ type: ["string", "null"] }) }, answer(200, null));
    expect(types.ok).toBe(true);
  });

  it("3.0: nullable allows null where it is set, and only there", async () => {
    const good = await judged("3.0", { "200": json(Pet) }, answer(200, { id: 1, name: "Tom", tag: null }));
    expect(good.ok, good.error).toBe(true);
    const bad = await judged("3.0", { "200": json(Pet) }, answer(200, { id: 1, name: null }));
    expect(bad.error).toBe("the body does not match the response schema: body/name must be string");
  });

  it("3.0: boolean exclusiveMinimum/exclusiveMaximum bound the number as 3.0 means", async () => {
    const schema = {
      type: "number",
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 10,
      exclusiveMaximum: false,
    };
    expect((await judged("3.0", { "200": json(schema) }, answer(200, 0))).ok).toBe(false);
    expect((await judged("3.0", { "200": json(schema) }, answer(200, 10))).ok).toBe(true);
  });

  it("circular references (left by dereferencing) resolve against the components", async () => {
    const Node = {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string" },
        children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
      },
    };
    const components = { schemas: { Node } };
    const tree = { name: "a", children: [{ name: "b", children: [{ name: 3 }] }] };
    const r = await judged(
      "3.1",
      { "200": json({ $ref: "#/components/schemas/Node" }) },
      answer(200, tree),
      components,
    );
    expect(r.error).toBe(
      "the body does not match the response schema: body/children/0/children/0/name must be string",
    );
  });
});
