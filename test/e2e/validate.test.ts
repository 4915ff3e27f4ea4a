// `apiship validate` as a user runs it: the examples, several files and a glob, --env,
// --json, a broken manifest (file:line:column, hint, no stack trace) and a warning.

import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../../src/manifest/types.js";
import { EXAMPLES, ROOT, STACK_LINE, apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);
afterAll(cleanup);

// sentiment-api's image tag is ${env:GIT_SHA}, as in CI.
const env = { GIT_SHA: "abc1234" };
const invalidDir = join(ROOT, "fixtures/manifests/invalid");

/** A monorepo of services: each example in services/<name>/apiship.yaml. */
function monorepo(): string {
  const dir = tempDir();
  for (const file of EXAMPLES) {
    const name = file.split("/").at(-2) ?? "x";
    mkdirSync(join(dir, "services", name), { recursive: true });
    copyFileSync(file, join(dir, "services", name, "apiship.yaml"));
  }
  return dir;
}

describe("validate", () => {
  it("accepts every example, given as several -f flags, and summarizes each stack", async () => {
    const r = await apiship(["validate", ...EXAMPLES.flatMap((f) => ["-f", f])], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const f of EXAMPLES) expect(r.stdout).toContain(`${f}: valid`);
    expect(r.stdout).toMatch(/sentiment-api\/production\s+container/);
    expect(r.stdout).toMatch(/^\s+lambda\s+aws\/lambda\s+us-east-1$/m);
  });

  it("accepts a glob, and --env narrows every manifest to that environment", async () => {
    const cwd = monorepo();
    const all = await apiship(["validate", "-f", "services/*/apiship.yaml"], { cwd, env });
    expect(all.code).toBe(0);
    expect(all.stdout.match(/: valid/g)).toHaveLength(EXAMPLES.length);
    expect(all.stdout).toContain("hello-fn/production");

    const staging = await apiship(["validate", "-f", "services/*/apiship.yaml", "--env", "staging"], {
      cwd,
      env,
    });
    expect(staging.code).toBe(0);
    expect(staging.stdout.match(/\(1 environment\)/g)).toHaveLength(EXAMPLES.length);
    expect(staging.stdout).toContain("sentiment-api/staging");
    expect(staging.stdout).not.toContain("/production");
  });

  it("reads ./apiship.yaml by default, and an unknown --env is an error naming the environments", async () => {
    const cwd = tempDir();
    copyFileSync(EXAMPLES[0] ?? "", join(cwd, "apiship.yaml"));
    const ok = await apiship(["validate"], { cwd });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("hello-fn/development (default)");
    const bad = await apiship(["validate", "--env", "qa"], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/qa/);
    expect(bad.stderr).toMatch(/development, staging/);
    expect(bad.stderr).not.toMatch(STACK_LINE);
  });

  it("--json prints the normalized manifest in the envelope", async () => {
    const file = EXAMPLES[2] ?? "";
    const r = await apiship(["validate", "-f", file, "--json"], { env });
    expect(r.code).toBe(0);
    const out = envelope<{ manifests: Manifest[] }>(r);
    expect(out.status).toBe("ok");
    expect(out.warnings).toEqual([]);
    const [m] = out.result?.manifests ?? [];
    expect(m?.name).toBe("sentiment-api");
    expect(m?.file).toBe(file);
    const prod = m?.stacks.find((s) => s.environment === "production");
    expect(prod?.service.container?.image).toBe("ghcr.io/acme/sentiment-api:abc1234");
    // Normalized: durations in milliseconds, secrets still references.
    expect(typeof prod?.service.timeoutMs).toBe("number");
    for (const ref of Object.values(prod?.service.secrets ?? {})) expect(ref).toMatch(/^[a-z-]+:/);
  });

  it("an unset ${env:...} without default is an error naming the variable; setting it fixes it", async () => {
    const file = join(invalidDir, "unset-env-var.yaml");
    const unset = await apiship(["validate", "-f", file]);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain(
      `${file}:5:12 error service.container.image: environment variable RELEASE_TAG`,
    );
    expect(unset.stderr).toContain(`${file}:8:12 error service.env.BUILD: environment variable BUILD_NUMBER`);
    expect(unset.stderr).not.toMatch(STACK_LINE);
    const set = await apiship(["validate", "-f", file, "--json"], {
      env: { RELEASE_TAG: "v9", BUILD_NUMBER: "77" },
    });
    expect(set.code).toBe(0);
    const [m] = envelope<{ manifests: Manifest[] }>(set).result?.manifests ?? [];
    expect(m?.stacks[0]?.service.container?.image).toBe("ghcr.io/acme/api:v9");
    expect(m?.stacks[0]?.service.env).toEqual({ REGION_HINT: "eu", BUILD: "77" });
  });
});

describe("validate on broken manifests", () => {
  const golden = (name: string) =>
    JSON.parse(readFileSync(join(invalidDir, `${name}.golden.json`), "utf8")) as {
      severity: string;
      line?: number;
      column?: number;
      hint?: string;
    }[];

  it("prints file:line:column and a hint for each problem, exit 1, no stack trace", async () => {
    const name = "unknown-key-typo";
    const file = join(invalidDir, `${name}.yaml`);
    const r = await apiship(["validate", "-f", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    for (const d of golden(name).filter((g) => g.severity === "error")) {
      expect(r.stderr).toContain(`${file}:${d.line}:${d.column} error`);
    }
    expect(r.stderr).toMatch(/^\s+hint: /m);
    expect(r.stderr).toMatch(/^Error: /m);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("interface: portable on a runtime without a neutral contract is an error at its line; Node.js defaults to portable", async () => {
    const dir = tempDir();
    const manifest = (fn: string) =>
      [
        "apiVersion: apiship/v1",
        "name: orders",
        "service:",
        "  function:",
        `    ${fn}`,
        "    handler: Handle",
        "    interface: portable",
        "targets:",
        "  gcf: { provider: gcp, platform: cloud-functions, project: acme-orders, region: us-central1 }",
        "",
      ].join("\n");
    writeFileSync(join(dir, "apiship.yaml"), manifest("runtime: go1.22"));
    const r = await apiship(["validate"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "apiship.yaml:7:16 error service.function.interface: function.interface is portable, but Go (go1.22) has no portable interface",
    );
    expect(r.stderr).toMatch(/hint: remove interface: portable \(native is the default for this runtime\)/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    writeFileSync(
      join(dir, "apiship.yaml"),
      manifest("runtime: nodejs22").replace("    interface: portable\n", ""),
    );
    const ok = envelope<{ manifests: Manifest[] }>(await apiship(["validate", "--json"], { cwd: dir }));
    expect(ok.result?.manifests[0]?.stacks[0]?.service.function?.interface).toBe("portable");
  });

  it("every invalid fixture with errors exits 1 without a stack trace (one run, all files)", async () => {
    const files = readdirSync(invalidDir)
      .filter((f) => f.endsWith(".yaml"))
      .filter((f) => golden(f.replace(/\.yaml$/, "")).some((d) => d.severity === "error"))
      .map((f) => join(invalidDir, f));
    expect(files.length).toBeGreaterThan(10);
    const r = await apiship(["validate", ...files.flatMap((f) => ["-f", f])]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(STACK_LINE);
    for (const f of files) expect(r.stderr).toContain(f);
    expect(r.stderr).toMatch(new RegExp(`Error: ${files.length} of ${files.length} manifests have problems`));
  });

  it("a credential-looking env value warns (with a hint to use secrets) and still exits 0", async () => {
    const file = join(invalidDir, "credential-in-env.yaml");
    const [w] = golden("credential-in-env");
    const r = await apiship(["validate", "-f", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${file}: valid`);
    expect(r.stderr).toContain(`${file}:${w?.line}:${w?.column} warning service.env.AWS_ACCESS_KEY_ID`);
    expect(r.stderr).toMatch(/hint: move it to secrets/);
    // Colour only on a TTY (or when forced); NO_COLOR wins over FORCE_COLOR.
    const plain = await apiship(["validate", "-f", file], { env: { NO_COLOR: undefined } });
    expect(plain.stderr).toContain("warning");
    expect(plain.stderr).not.toContain("\u001b[");
    const forced = await apiship(["validate", "-f", file], {
      env: { NO_COLOR: undefined, FORCE_COLOR: "1" },
    });
    expect(forced.stderr).toContain("\u001b[33m");
    const both = await apiship(["validate", "-f", file], { env: { FORCE_COLOR: "1" } });
    expect(both.stderr).not.toContain("\u001b[");
    const j = envelope(await apiship(["validate", "-f", file, "--json"]));
    expect(j.status).toBe("ok");
    expect(j.warnings.map((x) => x.code)).toEqual(["credential-in-env"]);
  });
});
