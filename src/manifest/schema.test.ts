import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fakeRegistry } from "../../test/manifest/fake-registry.js";
import { buildJsonSchema, SCHEMA_ID } from "./schema.js";
import { renderSchemaFile, SCHEMA_FILE } from "./schema-file.js";

// Tests reach deep into plain JSON documents; typing every level would hide what is tested.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BUILTINS = resolve(ROOT, "providers/index.ts");

/** Paths of properties (anywhere in the schema) that have no description. */
function undescribed(schema: Json, path = "#"): string[] {
  const missing: string[] = [];
  const visit = (node: unknown, at: string) => {
    if (node && typeof node === "object") missing.push(...undescribed(node as Json, at));
  };
  for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
    if (typeof prop.description !== "string" || prop.description.length === 0) missing.push(`${path}/${key}`);
    visit(prop, `${path}/${key}`);
  }
  for (const k of ["anyOf", "oneOf", "allOf"])
    (schema[k] ?? []).forEach((s: Json, i: number) => visit(s, `${path}/${k}/${i}`));
  visit(schema.items, `${path}[]`);
  visit(schema.additionalProperties, `${path}/*`);
  return missing;
}

describe("buildJsonSchema", () => {
  it("is a draft 2020-12 schema with an id, title and description", async () => {
    const s = await buildJsonSchema(fakeRegistry());
    expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(s.$id).toBe(SCHEMA_ID);
    expect(s.title).toEqual(expect.any(String));
    expect(s.description).toEqual(expect.any(String));
    expect(s.required).toEqual(["apiVersion", "name", "service", "targets"]);
    expect(s.additionalProperties).toBe(false);
  });

  it("has one target branch per platform, with provider and platform constants", async () => {
    const s = (await buildJsonSchema(fakeRegistry())) as Json;
    const branches = s.properties.targets.additionalProperties.anyOf as Json[];
    expect(branches.map((b) => b.title)).toEqual([
      "aws/lambda",
      "aws/ecs-fargate",
      "gcp/cloud-run",
      "gcp/cloud-functions",
      "kubernetes/kubernetes",
    ]);
    const lambda = branches[0] as Json;
    expect(lambda.properties.provider.const).toBe("aws");
    expect(lambda.properties.platform.const).toBe("lambda");
    expect(lambda.required).toEqual(["provider", "platform", "region"]);
    expect(lambda.additionalProperties).toBe(false);
    expect(lambda.properties.architecture).toMatchObject({ enum: ["x86_64", "arm64"], default: "x86_64" });
    // The provider's default platform may be left out.
    const k8s = branches[4] as Json;
    expect(k8s.required).toEqual(["provider", "context"]);
    expect(k8s.properties.platform.const).toBe("kubernetes");
  });

  it("shows defaults and examples", async () => {
    const svc = ((await buildJsonSchema(fakeRegistry())) as Json).properties.service;
    expect(svc.properties.scaling.properties.min.default).toBe(0);
    expect(svc.properties.scaling.properties.max.default).toBe(10);
    expect(svc.properties.resources.properties.memory.default).toBe(512);
    expect(svc.properties.health.properties.timeout).toMatchObject({ default: "5s", type: "string" });
    expect(svc.properties.health.properties.timeout.pattern).toBeTruthy();
    expect(svc.properties.timeout.default).toBe("30s");
    expect(svc.properties.access).toMatchObject({ enum: ["public", "private"], default: "public" });
    expect(svc.properties.container.properties.port.default).toBe(8080);
    expect(svc.properties.function.properties.runtime.examples).toContain("python3.12");
    expect(svc.properties.env.additionalProperties.type).toEqual(["string", "number", "boolean"]);
  });

  it("requires exactly one of function or container", async () => {
    const svc = ((await buildJsonSchema(fakeRegistry())) as Json).properties.service;
    expect(svc.oneOf).toEqual([{ required: ["function"] }, { required: ["container"] }]);
  });

  it("makes an environment's service override deep-partial, without defaults, null allowed", async () => {
    const env = ((await buildJsonSchema(fakeRegistry())) as Json).properties.environments
      .additionalProperties;
    expect(env.required).toEqual(["targets"]);
    const override = env.properties.service;
    expect(override.required).toBeUndefined();
    const scaling = override.properties.scaling.anyOf[0];
    expect(scaling.required).toBeUndefined();
    expect(scaling.properties.min.default).toBeUndefined();
    expect(scaling.properties.min.anyOf).toContainEqual({ type: "null" });
    expect(JSON.stringify(override)).not.toContain('"default"');
  });

  it("describes every field", async () => {
    expect(undescribed(await buildJsonSchema(fakeRegistry()))).toEqual([]);
  });
});

describe.runIf(existsSync(BUILTINS))("the committed schema file", () => {
  it("is built from the real providers and describes every field", async () => {
    const { createBuiltinRegistry } = await import("../../providers/index.js");
    const s = await buildJsonSchema(createBuiltinRegistry());
    expect(undescribed(s)).toEqual([]);
  });

  it("is up to date", async () => {
    const { createBuiltinRegistry } = await import("../../providers/index.js");
    const expected = await renderSchemaFile(createBuiltinRegistry());
    const path = resolve(ROOT, SCHEMA_FILE);
    const actual = existsSync(path) ? await readFile(path, "utf8") : "";
    expect(
      actual === expected,
      `${SCHEMA_FILE} is stale: run \`npm run build && node bin/run.js schema > ${SCHEMA_FILE}\` (or npx vite-node scripts/write-schema.ts)`,
    ).toBe(true);
  });

  it("renders stable JSON with a trailing newline", async () => {
    const { createBuiltinRegistry } = await import("../../providers/index.js");
    const a = await renderSchemaFile(createBuiltinRegistry());
    expect(a.endsWith("}\n")).toBe(true);
    expect(a).toBe(await renderSchemaFile(createBuiltinRegistry()));
    expect(JSON.parse(a).$id).toBe(SCHEMA_ID);
  });
});
