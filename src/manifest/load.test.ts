import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "../core/registry.js";
import { ManifestError, UsageError } from "../errors.js";
import type { Diagnostic } from "../errors.js";
import { globBase, loadManifest, loadManifests, resolveManifestFiles } from "./load.js";
import type { Validator } from "./load.js";
import type { Manifest } from "./types.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apiship-load-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, text);
  return file;
}

const MANIFEST = [
  "apiVersion: apiship/v1", // 1
  "name: api", // 2
  "service:", // 3
  "  container:", // 4
  '    image: "ghcr.io/acme/api:${env:GIT_SHA}"', // 5
  "    port: ${env:PORT:-8000}", // 6
  "  secrets: { TOKEN: env:TOKEN }", // 7
  "targets:", // 8
  "  run:", // 9
  "    provider: gcp", // 10
  "    region: europe-west1", // 11
  "",
].join("\n");

/** A validator that records what it saw and reports what it is told to. */
function fakeValidator(diagnostics: Diagnostic[] = []): Validator & { seen: unknown[] } {
  const seen: unknown[] = [];
  const fn = async (doc: unknown, opts: { file: string; env?: string }) => {
    seen.push(doc, opts);
    const manifest = { apiVersion: "apiship/v1", name: "api", file: opts.file } as Manifest;
    const failed = diagnostics.some((d) => d.severity === "error");
    return { manifest: failed ? undefined : manifest, diagnostics: diagnostics.map((d) => ({ ...d })) };
  };
  return Object.assign(fn, { seen });
}

function diag(path: string, code = "invalid-value", severity: Diagnostic["severity"] = "error"): Diagnostic {
  return { severity, code, path, message: `${path} is wrong`, hint: "fix it" };
}

async function failure(p: Promise<unknown>): Promise<ManifestError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ManifestError);
  return e as ManifestError;
}

const environ = { GIT_SHA: "abc123" };

describe("loadManifest", () => {
  it("hands the validator the interpolated document, keeping secrets as references", async () => {
    const file = await write("ok.yaml", MANIFEST);
    const validate = fakeValidator([diag("targets.run", "unused-target", "warning")]);
    const registry = new Registry({});
    const r = await loadManifest(file, { registry, environ, env: "production", validate });
    expect(validate.seen[0]).toMatchObject({
      service: {
        container: { image: "ghcr.io/acme/api:abc123", port: 8000 },
        secrets: { TOKEN: "env:TOKEN" },
      },
    });
    expect(validate.seen[1]).toEqual({ file, env: "production", registry });
    expect(r.manifest.file).toBe(file);
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: "unused-target", file, line: 9, column: 3 }),
    ]);
  });

  it("keeps the bytes it loaded, a byte-order mark included", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MANIFEST)]);
    const file = await write("bom.yaml", "");
    await writeFile(file, bytes);
    const r = await loadManifest(file, { registry: new Registry({}), environ, validate: fakeValidator() });
    expect(Buffer.from(r.bytes).equals(bytes)).toBe(true);
  });

  it("positions validator diagnostics: scalars at the value, mappings and unknown keys at the key, missing paths at the parent", async () => {
    const file = await write("bad.yaml", MANIFEST);
    const validate = fakeValidator([
      diag("targets.run.region"),
      diag("service.container"),
      diag("targets.run.regoin", "unknown-key"),
      diag("targets.run.project", "missing-key"),
      diag("targets.run.provider", "unknown-key"),
    ]);
    const e = await failure(loadManifest(file, { registry: new Registry({}), environ, validate }));
    const at = Object.fromEntries(e.diagnostics.map((d) => [`${d.path} ${d.code}`, [d.line, d.column]]));
    expect(at).toEqual({
      "targets.run.region invalid-value": [11, 13],
      "service.container invalid-value": [4, 3],
      "targets.run.regoin unknown-key": [9, 3],
      "targets.run.project missing-key": [9, 3],
      "targets.run.provider unknown-key": [10, 5],
    });
    expect(e.diagnostics.every((d) => d.file === file && d.hint === "fix it")).toBe(true);
    expect(e.message).toBe(`${file}: 5 problems`);
  });

  it("reports every unset variable at its place, without a second error from validation there", async () => {
    const file = await write("unset.yaml", MANIFEST);
    const validate = fakeValidator([diag("service.container.image"), diag("targets.run.region")]);
    const e = await failure(loadManifest(file, { registry: new Registry({}), environ: {}, validate }));
    expect(e.diagnostics.map((d) => [d.code, d.path, d.line, d.column])).toEqual([
      ["env-unset", "service.container.image", 5, 12],
      ["invalid-value", "targets.run.region", 11, 13],
    ]);
    expect(e.diagnostics[0]?.message).toContain("GIT_SHA");
  });

  it("keeps an interpolated value out of messages about its place", async () => {
    const file = await write("redact.yaml", MANIFEST);
    const validate: Validator = async () => ({
      diagnostics: [
        {
          severity: "error",
          code: "invalid-value",
          path: "service.container.image",
          message: 'image "ghcr.io/acme/api:hunter2-token" is odd',
        },
      ],
    });
    const e = await failure(
      loadManifest(file, { registry: new Registry({}), environ: { GIT_SHA: "hunter2-token" }, validate }),
    );
    expect(e.diagnostics[0]?.message).toBe('image "ghcr.io/acme/api:***" is odd');
  });

  it("rethrows YAML problems positioned, before validating", async () => {
    const file = await write("dup.yaml", "name: a\nname: b\n");
    const validate = fakeValidator();
    const e = await failure(loadManifest(file, { registry: new Registry({}), validate }));
    expect(e.diagnostics).toEqual([
      expect.objectContaining({ code: "duplicate-key", line: 2, column: 1, file }),
    ]);
    expect(validate.seen).toEqual([]);
  });

  it("loads the manifest's plugins relative to it, and APISHIP_PLUGINS ones", async () => {
    const plugin = (id: string) => `export default { id: "${id}", summary: "test", targets: {} };\n`;
    await write("plugins/acme.mjs", plugin("acme"));
    await write("plugins/env.mjs", plugin("from-env"));
    const file = await write("plugins/apiship.yaml", "name: api\nplugins: [./acme.mjs]\n");
    const registry = new Registry({});
    await loadManifest(file, {
      registry,
      validate: fakeValidator(),
      environ: { APISHIP_PLUGINS: join(dir, "plugins/env.mjs") },
    });
    expect(registry.ids()).toEqual(["acme", "from-env"]);
  });

  it("reports a plugin that fails to load at its entry in plugins:", async () => {
    const file = await write("badplugin/apiship.yaml", "name: api\nplugins:\n  - ./ok-but-missing.mjs\n");
    const e = await failure(
      loadManifest(file, { registry: new Registry({}), validate: fakeValidator(), environ: {} }),
    );
    expect(e.diagnostics).toEqual([
      expect.objectContaining({ code: "plugin-load", path: "plugins[0]", line: 3, column: 5 }),
    ]);
  });

  it("reports a broken APISHIP_PLUGINS entry as coming from there, with no line in the file", async () => {
    const file = await write("envplugin/apiship.yaml", "name: api\n");
    const environ = { APISHIP_PLUGINS: join(dir, "envplugin/missing.mjs") };
    const e = await failure(
      loadManifest(file, { registry: new Registry({}), validate: fakeValidator(), environ }),
    );
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]).toMatchObject({ code: "plugin-load", path: "", file });
    expect(e.diagnostics[0]?.line).toBeUndefined();
    expect(e.diagnostics[0]?.message).toContain("APISHIP_PLUGINS");
  });
});

describe("resolveManifestFiles", () => {
  it("defaults to apiship.yaml, then apiship.yml, in cwd", async () => {
    await write("d1/apiship.yml", "a: 1\n");
    expect(await resolveManifestFiles([], join(dir, "d1"))).toEqual([join(dir, "d1/apiship.yml")]);
    await write("d1/apiship.yaml", "a: 1\n");
    expect(await resolveManifestFiles([], join(dir, "d1"))).toEqual([join(dir, "d1/apiship.yaml")]);
    await mkdir(join(dir, "empty"), { recursive: true });
    await expect(resolveManifestFiles([], join(dir, "empty"))).rejects.toBeInstanceOf(UsageError);
  });

  it("expands globs sorted and de-duplicated, skipping node_modules", async () => {
    const root = join(dir, "mono");
    for (const s of ["b", "a", "c"]) await write(`mono/services/${s}/apiship.yaml`, "a: 1\n");
    await write("mono/node_modules/x/services/z/apiship.yaml", "a: 1\n");
    const files = await resolveManifestFiles(
      ["services/*/apiship.yaml", "services/a/apiship.yaml", "**/apiship.yaml"],
      root,
    );
    expect(files).toEqual(["a", "b", "c"].map((s) => join(root, `services/${s}/apiship.yaml`)));
  });

  it("finds an absolute pattern's files from any folder, and ../ patterns, the same as relative ones", async () => {
    const root = join(dir, "mono");
    const want = ["a", "b", "c"].map((s) => join(root, `services/${s}/apiship.yaml`));
    expect(await resolveManifestFiles([join(root, "services/*/apiship.yaml")], join(dir, "d1"))).toEqual(
      want,
    );
    expect(await resolveManifestFiles(["../mono/services/*/apiship.yaml"], join(dir, "d1"))).toEqual(want);
    expect(await resolveManifestFiles([join(root, "**/apiship.yaml")], "/")).toEqual(want);
  });

  it("walks a glob from its static folder, not from the common root of it and the cwd", () => {
    expect(globBase("/ci/work/svc-*/apiship.yaml", "/home/me")).toEqual({
      cwd: "/ci/work",
      pattern: "svc-*/apiship.yaml",
    });
    expect(globBase("services/*/apiship.yaml", "/repo")).toEqual({
      cwd: "/repo/services",
      pattern: "*/apiship.yaml",
    });
    expect(globBase("../x/**/a.yaml", "/repo/sub")).toEqual({ cwd: "/repo/x", pattern: "**/a.yaml" });
    expect(globBase("*/a.yaml", "/repo")).toEqual({ cwd: "/repo", pattern: "*/a.yaml" });
    expect(globBase("/*/a.yaml", "/repo")).toEqual({ cwd: "/", pattern: "*/a.yaml" });
  });

  it("accepts a directory holding a manifest, and refuses what matches nothing with a hint", async () => {
    const root = join(dir, "mono");
    expect(await resolveManifestFiles(["services/b"], root)).toEqual([join(root, "services/b/apiship.yaml")]);
    for (const p of ["services/*/nothing.yaml", "missing.yaml"]) {
      const e = await resolveManifestFiles([p], root).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toContain(p);
      expect((e as UsageError).hint).toMatch(/-f/);
    }
  });
});

describe("loadManifests", () => {
  it("loads each file and gathers the problems of all files into one error", async () => {
    const root = join(dir, "many");
    await write("many/a/apiship.yaml", "name: a\n");
    await write("many/b/apiship.yaml", "name: b\nname: c\n");
    await write("many/c/apiship.yaml", "name: c\nplugins: [\n");
    const validate = fakeValidator();
    const ok = await loadManifests(["a/apiship.yaml"], { registry: new Registry({}), validate, cwd: root });
    expect(ok.results.map((r) => r.manifest.file)).toEqual([join(root, "a/apiship.yaml")]);
    const e = await failure(
      loadManifests(["*/apiship.yaml"], { registry: new Registry({}), validate, cwd: root }),
    );
    expect(e.message).toBe("2 of 3 manifests have problems (2 problems)");
    expect(e.diagnostics.map((d) => [d.file, d.code])).toEqual([
      [join(root, "b/apiship.yaml"), "duplicate-key"],
      [join(root, "c/apiship.yaml"), "yaml-syntax"],
    ]);
  });

  it("throws a single file's own error unchanged", async () => {
    const root = join(dir, "many");
    const e = await failure(
      loadManifests(["b/apiship.yaml"], { registry: new Registry({}), validate: fakeValidator(), cwd: root }),
    );
    expect(e.message).toBe(`${join(root, "b/apiship.yaml")}: 1 problem`);
  });
});
