import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkOpenApi } from "./check.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apiship-openapi-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** Line numbers are written beside each line so the expectations can be read against them. */
const BAD_YAML = (version: string) =>
  [
    `openapi: ${version}`, // 1
    "info: { title: pets, version: '1' }", // 2
    "paths:", // 3
    "  /pets:", // 4
    "    get:", // 5
    "      operationId: listPets", // 6
    "      responses:", // 7
    "        '200': { description: ok }", // 8
    "      summry: typo", // 9
    "  /pets/{id}:", // 10
    "    get:", // 11
    "      parameters:", // 12
    "        - name: id", // 13
    "          in: path", // 14
    "          required: true", // 15
    "      responses:", // 16
    "        '200': { description: ok }", // 17
    "",
  ].join("\n");

const where = (d: { line?: number; column?: number }) => `${d.line}:${d.column}`;

describe("checkOpenApi: errors at file:line:column", () => {
  it.each(["3.0.3", "3.1.0"])(
    "YAML %s: an unknown key at its key, a missing schema at its parameter",
    async (v) => {
      const file = await write(`bad-${v}.yaml`, BAD_YAML(v));
      const r = await checkOpenApi(file);
      expect(r.version).toBe(v.slice(0, 3));
      const errors = r.diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((d) => d.file)).toEqual(errors.map(() => file));
      const typo = errors.find((d) => /summry/.test(d.message));
      expect(typo && where(typo)).toBe("9:7");
      expect(typo?.path).toBe("paths./pets.get.summry");
      const param = errors.find((d) => d.path === "paths./pets/{id}.get.parameters.0");
      expect(param && where(param), JSON.stringify(errors)).toBe("13:11");
      expect(param?.message).toMatch(/schema/);
    },
  );

  it("JSON: the same document as JSON is located in the JSON text", async () => {
    const doc = {
      openapi: "3.1.0",
      info: { title: "pets", version: "1" },
      paths: { "/pets": { get: { responses: { "200": { description: "ok" } }, summry: "typo" } } },
    };
    const text = JSON.stringify(doc, null, 2);
    const file = await write("bad.json", text);
    const r = await checkOpenApi(file);
    const typo = r.diagnostics.find((d) => /summry/.test(d.message));
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes('"summry"')) + 1;
    expect(typo && where(typo)).toBe(`${line}:${(lines[line - 1] ?? "").indexOf('"summry"') + 1}`);
  });

  it("a reference to nothing is reported at the $ref", async () => {
    const file = await write(
      "ref.yaml",
      [
        "openapi: 3.0.3", // 1
        "info: { title: pets, version: '1' }", // 2
        "paths:", // 3
        "  /pets:", // 4
        "    get:", // 5
        "      responses:", // 6
        "        '200':", // 7
        "          description: ok", // 8
        "          content:", // 9
        "            application/json:", // 10
        "              schema: { $ref: '#/components/schemas/Pett' }", // 11
        "components: { schemas: { Pet: { type: object } } }", // 12
      ].join("\n"),
    );
    const [d, ...more] = (await checkOpenApi(file)).diagnostics;
    expect(more).toEqual([]);
    expect(d?.message).toMatch(/Pett/);
    expect(d && where(d)).toBe("11:31");
  });

  it("the specification's own rules: a duplicated operationId at its second use, a missing path parameter at its operation", async () => {
    const file = await write(
      "rules.yaml",
      [
        "openapi: 3.1.0", // 1
        "info: { title: pets, version: '1' }", // 2
        "paths:", // 3
        "  /pets:", // 4
        "    get: { operationId: list, responses: { '200': { description: ok } } }", // 5
        "  /cats:", // 6
        "    get:", // 7
        "      operationId: list", // 8
        "      responses: { '200': { description: ok } }", // 9
        "  /dogs/{id}:", // 10
        "    get:", // 11
        "      responses: { '200': { description: ok } }", // 12
      ].join("\n"),
    );
    const ds = (await checkOpenApi(file)).diagnostics;
    const dup = ds.find((d) => /duplicated/.test(d.message));
    expect(dup && where(dup)).toBe("8:20");
    const param = ds.find((d) => /path parameter/.test(d.message));
    expect(param && where(param)).toBe("11:5");
  });

  it("syntax errors and duplicate keys are located by the YAML parser", async () => {
    const file = await write(
      "dup.yaml",
      "openapi: 3.1.0\ninfo: { title: a, version: '1' }\npaths: {}\npaths: {}\n",
    );
    const [d] = (await checkOpenApi(file)).diagnostics;
    expect(d?.code).toBe("openapi-syntax");
    expect(d?.line).toBe(4);
  });

  it("refuses Swagger 2.0 and an unknown version, naming the field", async () => {
    const swagger = await write(
      "swagger.yaml",
      "swagger: '2.0'\ninfo: { title: a, version: '1' }\npaths: {}\n",
    );
    const [s] = (await checkOpenApi(swagger)).diagnostics;
    expect(s).toMatchObject({ code: "openapi-version", line: 1, column: 10 });
    expect(s?.message).toMatch(/Swagger 2\.0/);
    const v32 = await write("v32.yaml", "info: { title: a, version: '1' }\nopenapi: 3.2.0\npaths: {}\n");
    const [t] = (await checkOpenApi(v32)).diagnostics;
    expect(t).toMatchObject({ code: "openapi-version", line: 2, column: 10 });
  });

  it("a missing file has no place in itself (the manifest's loader places it)", async () => {
    const [d] = (await checkOpenApi(join(dir, "nope.yaml"))).diagnostics;
    expect(d).toMatchObject({ code: "openapi-not-found" });
    expect(d?.file).toBeUndefined();
  });
});

describe("checkOpenApi: valid documents and the health path", () => {
  const GOOD = [
    "openapi: 3.1.0",
    "info: { title: pets, version: '1' }",
    "servers: [{ url: 'https://api.example.com/{version}', variables: { version: { default: v1 } } }]",
    "paths:",
    "  /healthz: { get: { responses: { '200': { description: ok } } } }",
    "  /pets/{id}: { get: { parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: { '200': { description: ok } } } }",
  ].join("\n");

  it("a valid document has no diagnostic", async () => {
    const r = await checkOpenApi(await write("good.yaml", GOOD));
    expect(r.diagnostics).toEqual([]);
    expect(r.version).toBe("3.1");
  });

  it("finds health paths through templates and the servers' base path, and names the ones it does not", async () => {
    const r = await checkOpenApi(await write("good2.yaml", GOOD), [
      "/healthz",
      "/v1/healthz",
      "/pets/7",
      "/v1/pets/7?verbose=1",
      "/ready",
      "/v2/healthz",
      "/pets",
    ]);
    expect(r.missingHealthPaths).toEqual(["/ready", "/v2/healthz", "/pets"]);
  });
});
