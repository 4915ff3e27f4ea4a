// service.openapi through loadManifest: the document's problems keep their own file:line:column,
// the manifest's line names a document that cannot be read or that lacks the health path, and
// nothing is checked unless the loader is asked to.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeRegistry } from "../../test/manifest/fake-registry.js";
import { ManifestError } from "../errors.js";
import { loadManifest } from "./load.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apiship-manifest-openapi-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GOOD = `openapi: 3.1.0
info: { title: pets, version: "1" }
paths:
  /healthz: { get: { responses: { "200": { description: ok } } } }
`;

const BAD = `openapi: 3.0.3
info: { title: pets, version: "1" }
paths:
  /healthz:
    get:
      responses: { "200": { description: ok } }
      summry: typo
`;

const manifest = (service: string, environments = "") => `apiVersion: apiship/v1
name: pets
service:
  container: { image: "ghcr.io/acme/pets:1" }
${service}
targets:
  fargate: { provider: aws, platform: ecs-fargate, region: us-east-1 }
${environments}`;

async function project(name: string, files: Record<string, string>): Promise<string> {
  const d = join(dir, name);
  await import("node:fs/promises").then((fs) => fs.mkdir(d, { recursive: true }));
  for (const [f, text] of Object.entries(files)) await writeFile(join(d, f), text);
  return join(d, "apiship.yaml");
}

async function problems(file: string) {
  const e = await loadManifest(file, { registry: fakeRegistry(), openapi: true }).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ManifestError);
  return (e as ManifestError).diagnostics;
}

describe("service.openapi at load", () => {
  it("reports the document's own problems at the document's file:line:column", async () => {
    const file = await project("bad", {
      "apiship.yaml": manifest("  openapi: ./openapi.yaml"),
      "openapi.yaml": BAD,
    });
    const [d, ...more] = await problems(file);
    expect(more).toEqual([]);
    expect(d).toMatchObject({ file: join(dir, "bad/openapi.yaml"), line: 7, column: 7, severity: "error" });
  });

  it("a missing document is an error at the manifest line that names it, in the environment that overrides it", async () => {
    const file = await project("missing", {
      "apiship.yaml": manifest(
        "  openapi: ./openapi.yaml",
        "environments:\n  prod:\n    targets: [fargate]\n    service: { openapi: ./gone.yaml }\n",
      ),
      "openapi.yaml": GOOD,
    });
    const [d, ...more] = await problems(file);
    expect(more).toEqual([]);
    expect(d).toMatchObject({
      code: "openapi-not-found",
      file,
      line: 11,
      path: "environments.prod.service.openapi",
    });
  });

  it("warns at service.health.path when the document does not serve it, and loads", async () => {
    const file = await project("health", {
      "apiship.yaml": manifest("  openapi: ./openapi.yaml\n  health: { path: /ready }"),
      "openapi.yaml": GOOD,
    });
    const { warnings } = await loadManifest(file, { registry: fakeRegistry(), openapi: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      code: "openapi-health-path",
      file,
      line: 6,
      path: "service.health.path",
    });
    expect(warnings[0]?.message).toMatch(/\/ready/);
  });

  it("checks nothing when not asked to (commands that only read the state)", async () => {
    const file = await project("off", {
      "apiship.yaml": manifest("  openapi: ./openapi.yaml"),
      "openapi.yaml": BAD,
    });
    const { manifest: m, warnings } = await loadManifest(file, { registry: fakeRegistry() });
    expect(warnings).toEqual([]);
    expect(m.stacks[0]?.service.openapi).toBe("./openapi.yaml");
  });

  it("health.smoke: openapi needs a document", async () => {
    const file = await project("smoke", { "apiship.yaml": manifest("  health: { smoke: openapi }") });
    const [d] = await problems(file);
    expect(d).toMatchObject({ code: "smoke-without-openapi", line: 5, path: "service.health.smoke" });
  });
});
