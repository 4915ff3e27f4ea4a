// Cloud SDKs load lazily (DESIGN.md §9.8): `validate` and an offline `plan` must not import
// one, and `validate` must not load a database driver either. The CLI runs with a loader
// (fixtures/record-modules.mjs) that writes down every module the process resolves.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOUD_SDK, EXAMPLES, ROOT, apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);
afterAll(cleanup);

const RECORDER = join(ROOT, "test/e2e/fixtures/record-modules.mjs");

/** Runs the CLI under the recorder; returns the result and the packages it loaded. */
async function recorded(args: string[]) {
  const dir = tempDir("apiship-lazy-");
  const log = join(dir, "modules.log");
  const r = await apiship(args, {
    cwd: dir,
    env: {
      NODE_OPTIONS: `--import=${RECORDER}`,
      APISHIP_E2E_MODULE_LOG: log,
      GIT_SHA: "abc1234",
      HF_TOKEN: "x",
    },
  });
  const lines = readFileSync(log, "utf8").trim().split("\n");
  // Our own providers/digitalocean and providers/firebase are not SDKs: only packages count.
  const packages = new Set(
    lines.flatMap((l) => {
      const [, spec = "", url = ""] = l.split(" ");
      const bare = !/^(\.|\/|file:|node:|data:)/.test(spec) && !spec.startsWith("#");
      const fromModules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
      return [...(bare ? [spec] : []), ...(fromModules ? [fromModules] : [])];
    }),
  );
  return { r, lines, packages: [...packages] };
}

/**
 * The bundle's chunks whose code holds `text` (there must be one), as a test of a recorded run:
 * did it load one of them?
 */
function chunkHolding(text: string): (lines: string[]) => boolean {
  const chunks = join(ROOT, "dist/chunks");
  const found = readdirSync(chunks).filter((f) => readFileSync(join(chunks, f), "utf8").includes(text));
  expect(found.length, text).toBeGreaterThan(0);
  return (lines) => lines.some((l) => found.some((c) => l.includes(`/chunks/${c}`)));
}

describe("lazy loading", () => {
  it("validate loads no cloud SDK and no database driver", async () => {
    const { r, lines, packages } = await recorded(["validate", ...EXAMPLES.flatMap((f) => ["-f", f])]);
    expect(r.code, r.stderr).toBe(0);
    // The recorder works: it saw the CLI's own modules and the validation of every provider.
    expect(lines.some((l) => l.includes(`${ROOT}/dist/`))).toBe(true);
    expect(lines.some((l) => /providers?[/-].*(aws|gcp)/.test(l) || /chunks\/(aws|gcp)-/.test(l))).toBe(true);
    expect(packages.filter((p) => CLOUD_SDK.test(p))).toEqual([]);
    expect(packages.filter((p) => /^(better-sqlite3|pg)(\/|$)/.test(p))).toEqual([]);
  });

  it("validate loads the OpenAPI parser only for a manifest that sets service.openapi", async () => {
    // The parser is bundled into a chunk of its own: found by a message only its code holds.
    const loadsParser = chunkHolding("OpenAPI 3.2 is currently unsupported");
    const without = await recorded(["validate", ...EXAMPLES.flatMap((f) => ["-f", f])]);
    expect(without.r.code, without.r.stderr).toBe(0);
    expect(loadsParser(without.lines)).toBe(false);
    // The same recorder sees it load when a manifest names a document, so the check can fail.
    const withDoc = await recorded(["validate", "-f", join(ROOT, "examples/petstore-openapi/apiship.yaml")]);
    expect(withDoc.r.code, withDoc.r.stderr).toBe(0);
    expect(loadsParser(withDoc.lines)).toBe(true);
  });

  it("validate loads the platforms' descriptors, never their behaviour (lazyTarget)", async () => {
    // aws/lambda's apply code is bundled into a chunk of its own: found by a message only it holds.
    const loadsBehaviour = chunkHolding("deploys functions; the service has no `function`");
    const lambda = join(ROOT, "examples/hello-fn/apiship.yaml");
    const validated = await recorded(["validate", "-f", lambda]);
    expect(validated.r.code, validated.r.stderr).toBe(0);
    expect(loadsBehaviour(validated.lines)).toBe(false);
    // An offline plan of the same manifest plans aws/lambda, so the same check sees it load.
    const planned = await recorded([
      "plan",
      "--offline",
      "--env",
      "production",
      "-f",
      lambda,
      "--state",
      "memory:",
    ]);
    expect(planned.r.code, planned.r.stderr).toBe(0);
    expect(loadsBehaviour(planned.lines)).toBe(true);
  });

  it("plan --offline of every example loads no cloud SDK (the state driver it needs, it loads)", async () => {
    const dir = tempDir("apiship-lazy-state-");
    const { r, packages } = await recorded([
      "plan",
      "--offline",
      "--state",
      `sqlite:${join(dir, "state.db")}`,
      // Production: the environment every example deploys to the clouds (development is local).
      "--env",
      "production",
      ...EXAMPLES.flatMap((f) => ["-f", f]),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Plan: \d+ to create/m);
    // Every platform has its adapter, and each plans offline without loading its SDK.
    expect(r.stderr).not.toMatch(/is planned from the manifest alone/);
    expect(r.stdout).toMatch(/lambda\.function "hello-fn-production-lambda" will be created/);
    expect(r.stdout).toMatch(/cloudrun\.service "sentiment-api-production-cloudrun" will be created/);
    expect(r.stdout).toMatch(/gcf\.function "hello-fn-production-gcf" will be created/);
    expect(packages.filter((p) => CLOUD_SDK.test(p))).toEqual([]);
    expect(packages.some((p) => p.startsWith("better-sqlite3"))).toBe(true);
    expect(packages.filter((p) => /^pg(\/|$)/.test(p))).toEqual([]);
  });
});
