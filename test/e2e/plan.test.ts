// `apiship plan` end to end with the test provider loaded as a plugin (APISHIP_PLUGINS), its
// cloud a JSON file. The tests run in order, like a user's session: first plans (creates),
// missing credentials, views, then a deployed stack (no changes), filters, state locations and
// finally drift. A secret canary must never leave the process that resolves it.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanSchema } from "../../src/plan/schema.js";
import type { Plan } from "../../src/plan/types.js";
import type { RunResult } from "./helpers.js";
import {
  STACK_LINE,
  TEST_PROVIDER,
  apiship,
  cleanup,
  ensureBuilt,
  envelope,
  seedDeployed,
  tempDir,
} from "./helpers.js";

const CANARY = `canary-${process.pid}-7f3a9c2e51`;
const MANIFEST = `apiVersion: apiship/v1
name: shop
service:
  container: { image: "ghcr.io/acme/shop:1", port: 8080 }
  env: { LOG_LEVEL: info }
  secrets: { API_KEY: "env:SHOP_API_KEY" }
targets:
  web: { provider: test, platform: service, region: local-1 }
  api: { provider: test, region: local-2 }
environments:
  dev: { targets: [web, api] }
defaultEnvironment: dev
`;

let dir: string;
let cloud: string;
const seen: RunResult[] = [];
const env = () => ({ APISHIP_PLUGINS: TEST_PROVIDER, SHOP_API_KEY: CANARY, APISHIP_TEST_CLOUD: cloud });

async function plan(args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> {
  const r = await apiship(["plan", ...args], { cwd: dir, env: { ...env(), ...extra } });
  seen.push(r);
  return r;
}

function plans(r: RunResult): Plan[] {
  const out = envelope<{ plans: Plan[] }>(r);
  expect(out.status, r.stderr).toBe("ok");
  return out.result?.plans ?? [];
}

beforeAll(() => {
  ensureBuilt();
  dir = tempDir("apiship-plan-");
  cloud = join(dir, "cloud.json");
  writeFileSync(join(dir, "apiship.yaml"), MANIFEST);
}, 180_000);
afterAll(cleanup);

describe("plan against an empty cloud", () => {
  it("shows every resource as a create and exits 2 with --detailed-exitcode", async () => {
    const r = await plan(["--detailed-exitcode"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain("apiship plan for shop/dev");
    expect(r.stdout).toMatch(/^\s+\+ web\.service "shop-dev-web-service" will be created$/m);
    expect(r.stdout).toMatch(/\+ secrets\.API_KEY = \(sensitive\)/);
    expect(r.stdout).toMatch(/^Plan: 8 to create, 0 to update, 0 to replace, 0 to delete\.$/m);
    const plain = await plan([]);
    expect(plain.code).toBe(0);
  });

  it("--json and --out give the versioned plan JSON that PlanSchema accepts", async () => {
    const out = join(dir, "plan.json");
    const r = await plan(["--json", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const [p] = plans(r);
    const parsed = PlanSchema.parse(p);
    expect(parsed.formatVersion).toBe(1);
    expect(parsed.stack).toBe("shop/dev");
    expect(parsed.manifest.path).toBe("apiship.yaml");
    expect(parsed.manifest.sha256).toBe(createHash("sha256").update(MANIFEST).digest("hex"));
    expect(parsed.summary).toEqual({ create: 8, update: 0, replace: 0, delete: 0, noop: 0 });
    expect(parsed.changes.map((c) => c.address)).toEqual([
      "api.bucket",
      "api.role",
      "api.service",
      "api.route",
      "web.bucket",
      "web.role",
      "web.service",
      "web.route",
    ]);
    expect(parsed.changes.find((c) => c.address === "web.route")?.dependsOn).toEqual(["web.service"]);
    expect(parsed.changes.find((c) => c.address === "web.service")?.sensitivePaths).toEqual([
      "secrets.API_KEY",
    ]);
    const file = PlanSchema.parse(JSON.parse(readFileSync(out, "utf8")));
    expect(file).toEqual(parsed);
  });

  it("--format markdown renders a summary table and one <details> per target", async () => {
    const r = await plan(["--format", "markdown"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| Target \| Platform \| Create \| Update \| Replace \| Delete \|$/m);
    expect(r.stdout).toMatch(/^\| `web` \| test\/service \| 4 \| 0 \| 0 \| 0 \|$/m);
    expect(r.stdout.match(/<details>/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/<summary><code>api<\/code>/);
  });
});

describe("plan without a cloud to read", () => {
  it("gives one clear error per target naming what was tried and suggesting --offline", async () => {
    const r = await plan([], { APISHIP_TEST_CLOUD: undefined });
    expect(r.code).toBe(1);
    // Per-target errors go to stderr, so they stay on the terminal when the plan is redirected.
    expect(r.stdout).not.toMatch(/^Error: target /m);
    const text = r.stderr;
    for (const t of ["api", "web"]) {
      const line = text.split("\n").find((l) => l.startsWith(`Error: target "${t}"`)) ?? "";
      expect(line, text).toMatch(/no credentials/);
      expect(line).toMatch(new RegExp(`APISHIP_TEST_CLOUD or targets\\.${t}\\.cloud`));
    }
    expect(text.match(/^Error: target /gm)).toHaveLength(2);
    expect(text.match(/^\s+hint: .*apiship plan --offline/gm)).toHaveLength(2);
    // One suggestion of --offline per hint, not two.
    expect(text.match(/--offline/g)).toHaveLength(3);
    expect(text).toMatch(
      /^Error: the plan is incomplete: 2 of its targets could not be planned \(shop\/dev:api, shop\/dev:web\)$/m,
    );
    expect(text).not.toMatch(STACK_LINE);
    const j = await plan(["--json"], { APISHIP_TEST_CLOUD: undefined });
    expect(j.code).toBe(1);
    // The envelope says "error" and still carries the plan.
    const out = envelope<{ plans: Plan[] }>(j);
    expect(out.status).toBe("error");
    expect(out.error).toMatchObject({ code: "PLAN_INCOMPLETE" });
    const diags = out.result?.plans[0]?.diagnostics ?? [];
    // The adapter's own code, so scripts can tell missing credentials from a cloud error.
    expect(diags.map((d) => [d.target, d.code, d.severity])).toEqual([
      ["api", "CREDENTIALS", "error"],
      ["web", "CREDENTIALS", "error"],
    ]);
  });

  it("--offline plans from the recorded state and needs no cloud", async () => {
    const r = await plan(["--offline", "--detailed-exitcode"], { APISHIP_TEST_CLOUD: undefined });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/^Plan: 8 to create/m);
    expect(r.stderr).toBe("");
  });
});

describe("plan of a deployed stack", () => {
  const custom = () => join(dir, "state", "custom.db");

  beforeAll(async () => {
    await seedDeployed({
      manifest: join(dir, "apiship.yaml"),
      stateFile: custom(),
      cloud,
      environ: { SHOP_API_KEY: CANARY },
    });
  });

  it("shows no changes and exits 0 with --detailed-exitcode, refreshed or offline", async () => {
    const refreshed = await plan(["--state", `sqlite:${custom()}`, "--detailed-exitcode"]);
    expect(refreshed.code, refreshed.stdout + refreshed.stderr).toBe(0);
    expect(refreshed.stdout).toContain("No changes. Your infrastructure matches the configuration.");
    expect(refreshed.stdout).toMatch(/state serial 1/);
    const offline = await plan([
      "--state",
      `sqlite:${custom()}`,
      "--offline",
      "--detailed-exitcode",
      "--json",
    ]);
    expect(offline.code).toBe(0);
    const [p] = plans(offline);
    expect(p?.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, noop: 8 });
    expect(p?.drift).toEqual([]);
  });

  it("APISHIP_STATE names the store as --state does; without either the default file is used", async () => {
    const viaEnv = await plan(["--offline", "--detailed-exitcode"], { APISHIP_STATE: `sqlite:${custom()}` });
    expect(viaEnv.code, viaEnv.stdout).toBe(0);
    // The default .apiship/state.db beside the manifest records nothing deployed.
    const byDefault = await plan(["--offline", "--detailed-exitcode"]);
    expect(byDefault.code).toBe(2);
  });

  it("a changed secret value is an update of a (sensitive) attribute, without the value", async () => {
    const r = await plan(["--state", `sqlite:${custom()}`, "--json"], { SHOP_API_KEY: `${CANARY}-rotated` });
    const [p] = plans(r);
    const updates = p?.changes.filter((c) => c.action === "update").map((c) => c.address);
    expect(updates).toEqual(["api.service", "web.service"]);
    expect(r.stdout).not.toContain(CANARY);
  });

  it("--target plans only the targets named; an unknown one is a usage error", async () => {
    const r = await plan(["--state", `sqlite:${custom()}`, "--target", "api", "--json"], {
      SHOP_API_KEY: `${CANARY}-rotated`,
    });
    const [p] = plans(r);
    expect(new Set(p?.changes.map((c) => c.target))).toEqual(new Set(["api"]));
    const bad = await plan(["--state", `sqlite:${custom()}`, "--target", "nope"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown target "nope"/);
    expect(bad.stderr).toMatch(/hint: targets of shop\/dev: api, web/);
    // Refused before anything is written: a fresh store gets no stack (and no secret key).
    const fresh = join(dir, "fresh.db");
    expect((await plan(["--state", `sqlite:${fresh}`, "--target", "nope"])).code).toBe(1);
    const listed = await apiship(["state", "list", "--state", `sqlite:${fresh}`, "--json"], {
      cwd: dir,
      env: env(),
    });
    expect(envelope<unknown[]>(listed).result).toEqual([]);
  });

  it("shows drift apart from changes when the cloud was changed behind apiship's back", async () => {
    const data = JSON.parse(readFileSync(cloud, "utf8")) as {
      resources: Record<string, { attributes: Record<string, unknown> }>;
    };
    const svc = data.resources["shop-dev-web-service"];
    expect(svc).toBeDefined();
    if (svc) svc.attributes.memory = 4096;
    writeFileSync(cloud, JSON.stringify(data));
    const r = await plan(["--state", `sqlite:${custom()}`, "--detailed-exitcode"]);
    expect(r.code).toBe(2);
    const [drift, changes] = r.stdout.split("apiship will perform the following actions:");
    expect(drift).toMatch(/^Drift since last apply:$/m);
    expect(drift).toMatch(/^\s+web$/m);
    expect(drift).toMatch(/memory = 512 → 4096/);
    expect(drift).not.toMatch(/^\s+api$/m);
    expect(changes).toMatch(/~ web\.service "shop-dev-web-service" will be updated in place/);
    expect(changes).toMatch(/^Plan: 0 to create, 1 to update, 0 to replace, 0 to delete\.$/m);
  });
});

describe("the secret canary", () => {
  it("appears in no output, plan file or state file", () => {
    expect(seen.length).toBeGreaterThan(10);
    for (const r of seen) {
      expect(r.stdout).not.toContain(CANARY);
      expect(r.stderr).not.toContain(CANARY);
    }
    const files = ["plan.json", ".apiship/state.db", "state/custom.db"].map((f) => join(dir, f));
    // A WAL left beside a database holds its latest pages.
    const wals = files.map((f) => `${f}-wal`).filter((f) => existsSync(f) && statSync(f).size > 0);
    for (const f of [...files, ...wals]) {
      const bytes = readFileSync(f);
      expect(bytes.length, f).toBeGreaterThan(0);
      expect(bytes.includes(Buffer.from(CANARY)), f).toBe(false);
    }
  });
});
