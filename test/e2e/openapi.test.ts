// Issue 23 items 1-3 through the built CLI, with examples/petstore-openapi deployed to this
// machine (local/process: its real handler, on 127.0.0.1): validate locates a document's problems,
// a release passes its smoke test, a release with one response wrong on purpose fails it, is
// rolled back and named, and `apiship catalog` writes files Backstage and the parser accept.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  FieldFormatEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  entitySchemaValidator,
} from "@backstage/catalog-model";
import type { Entity } from "@backstage/catalog-model";
import { validate } from "@readme/openapi-parser";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOwned } from "../../providers/local/pids.js";
import { localPaths } from "../../providers/local/state.js";
import { copyExample } from "../support/examples.js";
import { apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";
import type { RunResult } from "./helpers.js";

const dirs: string[] = [];

function project(): string {
  const { dir } = copyExample("petstore-openapi", { into: tempDir("apiship-petstore-") });
  dirs.push(dir);
  return dir;
}

const run = (dir: string, ...args: string[]) => apiship([...args, "--env", "development"], { cwd: dir });
const owner = (dir: string) =>
  localPaths({ app: "petstore", environment: "development", baseDir: dir }, "local").owner;

beforeAll(() => ensureBuilt(), 180_000);
afterAll(async () => {
  for (const dir of dirs) {
    await run(dir, "destroy", "--confirm", "development").catch(() => undefined);
    for (const p of await findOwned(owner(dir))) process.kill(-p.pid, "SIGKILL");
  }
  cleanup();
});

/** NDJSON stdout of a --json deploy: its events, then the envelope. */
function ndjson(r: RunResult): { events: Record<string, unknown>[]; envelope: Record<string, unknown> } {
  const lines = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const envelope = lines.pop();
  if (!envelope) throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  return { events: lines, envelope };
}

async function endpoint(dir: string): Promise<string> {
  const r = await run(dir, "outputs", "--target", "local", "--output", "endpoint");
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe("validate with service.openapi", () => {
  it("reports the document's problems at its file:line:column, YAML and JSON alike", async () => {
    const dir = project();
    const yamlDoc = readFileSync(join(dir, "openapi.yaml"), "utf8").replace(
      "      operationId: getStats\n",
      "      operationId: getStats\n      sumary: a typo\n",
    );
    writeFileSync(join(dir, "openapi.yaml"), yamlDoc);
    const line = yamlDoc.split("\n").findIndex((l) => l.includes("sumary")) + 1;
    const r = await run(dir, "validate");
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(
      `openapi.yaml:${line}:7 error paths./stats.get.sumary: sumary is not allowed here`,
    );

    const json = JSON.stringify({ openapi: "3.0.3", info: { title: "t" }, paths: {} }, null, 2);
    writeFileSync(join(dir, "openapi.json"), json);
    writeFileSync(
      join(dir, "apiship.yaml"),
      readFileSync(join(dir, "apiship.yaml"), "utf8").replace("./openapi.yaml", "./openapi.json"),
    );
    const j = await run(dir, "validate", "--json");
    expect(j.code).toBe(1);
    const diagnostics = (JSON.parse(j.stdout) as { error: { diagnostics: Record<string, unknown>[] } }).error
      .diagnostics;
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([
      expect.objectContaining({ file: join(dir, "openapi.json"), line: 3, column: 3, path: "info" }),
    ]);
  });

  it("warns where the health path is not in the document, and still passes", async () => {
    const dir = project();
    const manifest = join(dir, "apiship.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("path: /healthz", "path: /ready"));
    const r = await run(dir, "validate");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /apiship\.yaml:\d+:11 warning service\.health\.path: the health path \/ready is not among the paths of \.\/openapi\.yaml/,
    );
  });
});

describe("deploy with health.smoke: openapi, then catalog", () => {
  it("passes the smoke test, then rolls back a release whose one response is wrong on purpose, naming the operation", async () => {
    const dir = project();
    const first = await run(dir, "deploy", "--yes", "--json");
    const good = ndjson(first);
    expect(first.code, first.stderr).toBe(0);
    const smoked = good.events.filter((e) => e.type === "smoke");
    expect(smoked.map((e) => [e.method, e.path, e.operationId, e.status, e.ok])).toEqual([
      ["GET", "/healthz", "health", 200, true],
      ["GET", "/pets", "listPets", 200, true],
      ["GET", "/pets/{petId}", "showPetById", 200, true],
      ["GET", "/stats", "getStats", 200, true],
    ]);
    const url = await endpoint(dir);
    // No mutating operation was sent: the smoke test's example pet 1 is still there.
    expect(((await (await fetch(`${url}/pets`)).json()) as unknown[]).length).toBe(3);

    // One response wrong on purpose: /stats says its integer count as a string.
    const handler = join(dir, "src/index.mjs");
    const source = readFileSync(handler, "utf8");
    const broken = source.replace("count: pets.length,", "count: String(pets.length),");
    expect(broken).not.toBe(source);
    writeFileSync(handler, broken);

    const second = await run(dir, "deploy", "--yes");
    expect(second.code, second.stdout + second.stderr).toBe(3);
    expect(second.stderr).toMatch(
      /local: smoke failed GET \/stats \(getStats\): HTTP 200, \d+ ms: the body does not match the response schema: body\/count must be integer/,
    );
    expect(second.stdout).toContain(
      "local: health check of local failed: smoke test of ./openapi.yaml: GET /stats (getStats) → 200: the body does not match the response schema: body/count must be integer",
    );
    expect(second.stdout).toMatch(/local +rolled-back/);
    // The previous release serves again: its stats are right.
    expect(await (await fetch(`${url}/stats`)).json()).toEqual({
      count: 3,
      species: { cat: 1, dog: 1, fish: 1 },
    });

    // The same in the JSON result: the target's error and its smoke report.
    writeFileSync(handler, broken.replace("species };", "species, v: 2 };"));
    const third = ndjson(await run(dir, "deploy", "--yes", "--json"));
    const result = third.envelope.result as {
      stacks: {
        deploy: {
          targets: {
            status: string;
            error: { code: string; message: string };
            smoke: { calls: Record<string, unknown>[] };
          }[];
        };
      }[];
    };
    const target = result.stacks[0]?.deploy.targets[0];
    expect(target?.status).toBe("rolled-back");
    expect(target?.error.code).toBe("HEALTH_CHECK_FAILED");
    expect(target?.error.message).toMatch(/GET \/stats \(getStats\) → 200: .*body\/count must be integer/);
    expect(target?.smoke.calls.filter((c) => c.ok === false)).toEqual([
      expect.objectContaining({
        operationId: "getStats",
        status: 200,
        error: "the body does not match the response schema: body/count must be integer",
      }),
    ]);
  });

  it("catalog writes the document with the live server and a catalog-info.yaml Backstage accepts", async () => {
    const dir = project();
    expect((await run(dir, "deploy", "--yes")).code).toBe(0);
    const url = await endpoint(dir);
    const r = await apiship(["catalog", "--out", "published", "--json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const written = (JSON.parse(r.stdout) as { result: { manifests: { catalogInfo: string }[] } }).result
      .manifests[0];
    const info = resolve(dir, "published/petstore/catalog-info.yaml");
    expect(written?.catalogInfo).toBe(info);

    const doc = join(dir, "published/petstore/development/openapi.yaml");
    expect(await validate(doc)).toMatchObject({ valid: true });
    expect(readFileSync(doc, "utf8")).toContain(
      `servers:\n  - url: ${url}\n    description: local (local/process), development\n`,
    );

    const entities: Entity[] = [];
    for (const d of parseAllDocuments(readFileSync(info, "utf8"))) {
      const e = d.toJS() as Entity & { spec: { definition?: { $text?: string } | string } };
      const def = e.spec.definition;
      if (typeof def === "object" && def.$text)
        e.spec.definition = readFileSync(resolve(dirname(info), def.$text), "utf8");
      entitySchemaValidator()(e);
      await new FieldFormatEntityPolicy().enforce(e);
      const kind = e.kind === "API" ? apiEntityV1alpha1Validator : componentEntityV1alpha1Validator;
      expect(await kind.check(e)).toBe(true);
      entities.push(e);
    }
    expect(entities.map((e) => [e.kind, e.metadata.name, e.spec?.owner])).toEqual([
      ["Component", "petstore", "group:team-pets"],
      ["API", "petstore-development", "group:team-pets"],
    ]);
    expect(entities[0]?.metadata.links).toEqual([
      { url, title: "development: local (local/process)", type: "endpoint" },
    ]);
    // production was never deployed: it is left out, and said so.
    expect(r.stdout).toContain("petstore/production left out: nothing of it is deployed");

    // deploy --catalog after a deploy with no change writes the same folder.
    const again = await run(dir, "deploy", "--yes", "--catalog", "after-deploy");
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(dir, "after-deploy/petstore/catalog-info.yaml"), "utf8")).toBe(
      readFileSync(info, "utf8"),
    );
  });
});
