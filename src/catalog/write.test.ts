// The catalogue against its published schemas: every entity of catalog-info.yaml passes
// Backstage's own validators from @backstage/catalog-model (the Entity JSON Schema, the API and
// Component kind schemas, the field-format policy), after its $text placeholder is resolved as
// the catalogue's placeholder processor does; every written OpenAPI document passes
// @readme/openapi-parser again.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import {
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  entitySchemaValidator,
} from "@backstage/catalog-model";
import type { Entity } from "@backstage/catalog-model";
import { validate } from "@readme/openapi-parser";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../providers/_shared/runtime/entries.js";
import type { ServiceSpec, Stack } from "../manifest/types.js";
import { loadBundled } from "../openapi/document.js";
import type { TargetRecord } from "../state/store.js";
import { entityName } from "./entities.js";
import { writeCatalog } from "./write.js";

const EXAMPLE = join(REPO_ROOT, "examples/petstore-openapi");

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "apiship-catalog-"));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

function stack(environment: string, service: Partial<ServiceSpec>): Stack {
  return {
    id: `petstore/${environment}`,
    app: "petstore",
    environment,
    service: { openapi: "./openapi.yaml", health: { path: "/healthz" }, ...service } as ServiceSpec,
    targets: [],
    baseDir: EXAMPLE,
  };
}

function record(target: string, platform: string, endpoint?: string): TargetRecord {
  return {
    target,
    platform,
    name: `petstore-${target}`,
    options: {},
    state: {},
    outputs: {},
    deployedAt: "2026-01-01T00:00:00.000Z",
    ...(endpoint ? { endpoint } : {}),
  };
}

/** What Backstage's catalogue does with a catalog-info.yaml it reads: placeholders, then validation. */
async function ingest(file: string): Promise<Entity[]> {
  const docs = parseAllDocuments(await readFile(file, "utf8"));
  const entities: Entity[] = [];
  for (const d of docs) {
    expect(d.errors).toEqual([]);
    const entity = d.toJS() as Entity & { spec: { definition?: unknown } };
    const def = entity.spec.definition as { $text?: string } | undefined;
    if (def?.$text) entity.spec.definition = await readFile(resolve(dirname(file), def.$text), "utf8");
    entitySchemaValidator()(entity);
    await new FieldFormatEntityPolicy().enforce(entity);
    await new NoForeignRootFieldsEntityPolicy().enforce(entity);
    const kind = entity.kind === "API" ? apiEntityV1alpha1Validator : componentEntityV1alpha1Validator;
    expect(await kind.check(entity), `${entity.kind} ${entity.metadata.name}`).toBe(true);
    entities.push(entity);
  }
  return entities;
}

describe("writeCatalog", () => {
  it("writes Backstage-valid entities and OpenAPI documents the parser accepts, with the live servers", async () => {
    const catalog = { owner: "group:team-pets", system: "pets" };
    const r = await writeCatalog(
      "petstore",
      [
        {
          stack: stack("production", { catalog }),
          records: [
            record("lambda", "aws/lambda", "https://abc.lambda-url.us-east-1.on.aws/"),
            record("cloudfn", "gcp/cloud-functions", "https://europe-west1-acme.cloudfunctions.net/petstore"),
          ],
        },
        {
          stack: stack("staging", { catalog }),
          records: [record("local", "local/process", "http://127.0.0.1:4100")],
        },
      ],
      out,
      loadBundled,
    );
    expect(r.catalogInfo).toBe(join(out, "petstore/catalog-info.yaml"));
    const entities = await ingest(r.catalogInfo ?? "");
    expect(entities.map((e) => `${e.kind}:${e.metadata.name}`)).toEqual([
      "Component:petstore",
      "API:petstore-production",
      "API:petstore-staging",
    ]);
    const [component, production, staging] = entities as [Entity, Entity, Entity];
    expect(component.spec).toMatchObject({
      type: "service",
      lifecycle: "production",
      owner: "group:team-pets",
      system: "pets",
      providesApis: ["api:petstore-production", "api:petstore-staging"],
    });
    expect(component.metadata.links?.map((l) => [l.title, l.url])).toEqual([
      ["production: cloudfn (gcp/cloud-functions)", "https://europe-west1-acme.cloudfunctions.net/petstore"],
      ["production: lambda (aws/lambda)", "https://abc.lambda-url.us-east-1.on.aws/"],
      ["staging: local (local/process)", "http://127.0.0.1:4100"],
    ]);
    expect(production.spec).toMatchObject({ type: "openapi", lifecycle: "production" });
    expect(staging.spec).toMatchObject({ type: "openapi", lifecycle: "experimental" });

    const written = join(out, "petstore/production/openapi.yaml");
    expect(await validate(written)).toMatchObject({ valid: true });
    const doc = parse(await readFile(written, "utf8")) as { servers: unknown; paths: object };
    expect(doc.servers).toEqual([
      {
        url: "https://europe-west1-acme.cloudfunctions.net/petstore",
        description: "cloudfn (gcp/cloud-functions), production",
      },
      { url: "https://abc.lambda-url.us-east-1.on.aws/", description: "lambda (aws/lambda), production" },
    ]);
    expect(Object.keys(doc.paths)).toEqual(["/healthz", "/pets", "/pets/{petId}", "/stats"]);
    // The definition Backstage reads is the document as written.
    expect(production.spec?.definition).toBe(await readFile(written, "utf8"));
  });

  it("defaults the owner, and leaves out an environment with nothing deployed or no document", async () => {
    const r = await writeCatalog(
      "petstore",
      [
        { stack: stack("dev", {}), records: [record("local", "local/process", "http://127.0.0.1:4200")] },
        { stack: stack("production", {}), records: [record("lambda", "aws/lambda")] },
        { stack: stack("docs", { openapi: undefined }), records: [] },
      ],
      join(out, "second"),
      loadBundled,
    );
    const entities = await ingest(r.catalogInfo ?? "");
    expect(entities.map((e) => [e.kind, e.spec?.owner, e.spec?.lifecycle])).toEqual([
      ["Component", "unknown", "experimental"],
      ["API", "unknown", "experimental"],
    ]);
    expect(r.environments.map((e) => [e.environment, e.skipped])).toEqual([
      ["dev", undefined],
      ["production", "nothing of it is deployed (no endpoint in the state)"],
      ["docs", "it has no service.openapi"],
    ]);
  });

  it("keeps the document's base path on every live server", async () => {
    const load = async () => ({
      bundled: { openapi: "3.1.0", info: { title: "t", version: "1" }, servers: [{ url: "/v1" }], paths: {} },
    });
    const r = await writeCatalog(
      "api",
      [{ stack: stack("prod", {}), records: [record("a", "aws/lambda", "https://x.example/")] }],
      join(out, "third"),
      load,
    );
    expect(r.environments[0]?.servers.map((s) => s.url)).toEqual(["https://x.example/v1"]);
  });
});

describe("entityName", () => {
  it("joins app and environment, and cuts a name over 63 characters with a stable hash", () => {
    expect(entityName("petstore", "production")).toBe("petstore-production");
    const long = entityName("a".repeat(40), "b".repeat(40));
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^a{40}-b{15}-[0-9a-f]{6}$/);
    expect(entityName("a".repeat(40), "b".repeat(40))).toBe(long);
  });
});
