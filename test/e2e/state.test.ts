// `apiship state list|show|export|unlock|rm` on a seeded SQLite state, as a user repairing
// things runs them; and a corrupt state file, which must be reported and left untouched.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StateExport } from "../../src/cli/commands/state/export.js";
import type { StateShowResult } from "../../src/cli/commands/state/show.js";
import type { StackSummary } from "../../src/state/store.js";
import { SqliteStateStore } from "../../src/state/sqlite.js";
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

const MANIFEST = `apiVersion: apiship/v1
name: shop
service:
  container: { image: "ghcr.io/acme/shop:1", port: 8080 }
  secrets: { API_KEY: "env:SHOP_API_KEY" }
targets:
  web: { provider: test, region: local-1 }
  api: { provider: test, region: local-2 }
environments:
  dev: { targets: [web, api] }
  prod: { targets: [web] }
defaultEnvironment: dev
`;

let dir: string;
let lockId = "";
let secretKey = "";
const state = (args: string[]): Promise<RunResult> =>
  apiship(["state", ...args], { cwd: dir, env: { APISHIP_PLUGINS: TEST_PROVIDER } });

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir("apiship-state-");
  const manifest = join(dir, "apiship.yaml");
  writeFileSync(manifest, MANIFEST);
  const stateFile = join(dir, ".apiship", "state.db");
  const common = {
    manifest,
    stateFile,
    cloud: join(dir, "cloud.json"),
    environ: { SHOP_API_KEY: "s3cr3t-value" },
  };
  await seedDeployed({ ...common, env: "dev" });
  ({ lockId = "" } = await seedDeployed({ ...common, env: "prod", leaveLock: true }));
  const store = SqliteStateStore.open(stateFile);
  secretKey = (await store.read("shop/dev"))?.secretKey ?? "";
  await store.close();
}, 180_000);
afterAll(cleanup);

describe("state commands on a seeded store", () => {
  it("list shows each stack with its serial, targets and lock", async () => {
    const r = await state(["list"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^STACK\s+SERIAL\s+TARGETS\s+UPDATED\s+LOCK$/m);
    expect(r.stdout).toMatch(/^shop\/dev\s+1\s+2\s+\S+$/m);
    expect(r.stdout).toMatch(
      new RegExp(`^shop/prod\\s+1\\s+1\\s+\\S+\\s+locked by e2e@e2e-seed\\.invalid \\(${lockId}\\)$`, "m"),
    );
    const rows = envelope<StackSummary[]>(await state(["list", "--json"])).result ?? [];
    expect(rows.map((s) => [s.stack, s.serial, s.targets, s.lock?.id])).toEqual([
      ["shop/dev", 1, 2, undefined],
      ["shop/prod", 1, 1, lockId],
    ]);
  });

  it("show prints the targets, lock and releases of one stack", async () => {
    const r = await state(["show", "shop/dev"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Stack shop\/dev\s+serial 1/m);
    expect(r.stdout).toContain("Not locked.");
    expect(r.stdout).toMatch(
      /^web\s+test\/service\s+shop-dev-web\s+1\s+http:\/\/127\.0\.0\.1:2\/shop-dev-web\//m,
    );
    expect(r.stdout).toMatch(/^Releases: 1 \(last: #1 succeeded/m);
    const shown = envelope<StateShowResult>(await state(["show", "shop/prod", "--json"])).result;
    expect(shown?.lock?.id).toBe(lockId);
    expect(Object.keys(shown?.state.targets ?? {})).toEqual(["web"]);
    expect(shown?.state).not.toHaveProperty("secretKey");
  });

  it("show of an unknown stack is an error listing the stacks there are", async () => {
    const r = await state(["show", "shop/qa"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no state recorded for stack "shop\/qa"/);
    expect(r.stderr).toMatch(/hint: stacks in this store: shop\/dev, shop\/prod/);
  });

  it("export prints the whole state as JSON and never the secret key", async () => {
    const r = await state(["export", "shop/dev"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as StateExport;
    expect(out.formatVersion).toBe(1);
    expect(Object.keys(out.state.targets).sort()).toEqual(["api", "web"]);
    expect(out.releases).toHaveLength(1);
    expect(out.openIntents).toEqual([]);
    expect(secretKey.length).toBeGreaterThan(0);
    expect(r.stdout).not.toContain(secretKey);
    expect(r.stdout).not.toMatch(/secretKey/);
    const j = await state(["export", "shop/dev", "--json"]);
    expect(envelope<StateExport>(j).result).toEqual(out);
    expect(j.stdout).not.toContain(secretKey);
  });

  it("unlock needs the current lock id", async () => {
    const wrong = await state(["unlock", "shop/prod", "--lock-id", "not-the-id"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).not.toMatch(STACK_LINE);
    expect((await state(["show", "shop/prod"])).stdout).toContain(`(lock id ${lockId})`);
    const locked = await state(["rm", "shop/prod", "--confirm", "shop/prod"]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/is locked \(lock .+\); refusing to remove its state/);
    const right = await state(["unlock", "shop/prod", "--lock-id", lockId]);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain(`Unlocked shop/prod (lock ${lockId}).`);
    expect((await state(["show", "shop/prod"])).stdout).toContain("Not locked.");
    const again = await state(["unlock", "shop/prod", "--lock-id", lockId]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("shop/prod is not locked; nothing to unlock.");
    const typo = await state(["unlock", "shop/prd", "--lock-id", lockId]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/no state recorded for stack "shop\/prd"/);
  });

  it("rm needs --confirm naming the stack, then forgets it", async () => {
    const missing = await state(["rm", "shop/prod"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: Missing required flag confirm$/m);
    const mismatch = await state(["rm", "shop/prod", "--confirm", "shop/dev"]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/hint: pass --confirm shop\/prod/);
    expect((await state(["list", "--json"])).stdout).toContain("shop/prod");

    const r = await state(["rm", "shop/prod", "--confirm", "shop/prod"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Removed the state of shop\/prod \(1 target: web\)/);
    const rows = envelope<StackSummary[]>(await state(["list", "--json"])).result ?? [];
    expect(rows.map((s) => s.stack)).toEqual(["shop/dev"]);
  });
});

describe("a missing or corrupt state file", () => {
  it("inspecting where there is no state creates none", async () => {
    const cwd = tempDir("apiship-state-none-");
    const list = await apiship(["state", "list"], { cwd });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("No stacks recorded.");
    const show = await apiship(["state", "show", "shop/dev"], { cwd });
    expect(show.code).toBe(1);
    expect(show.stderr).toContain(`Error: no state file at ${join(cwd, ".apiship", "state.db")}`);
    expect(show.stderr).toMatch(/hint: .*--state/);
    expect(existsSync(join(cwd, ".apiship"))).toBe(false);
  });

  it("is a clear StateError, exit 1, and the file is left byte for byte as it was", async () => {
    const cwd = tempDir("apiship-state-bad-");
    mkdirSync(join(cwd, ".apiship"));
    const file = join(cwd, ".apiship", "state.db");
    // An SQLite header followed by garbage: it looks like a database until it is read.
    writeFileSync(file, Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(8192, 0xa5)]));
    const sha = () => createHash("sha256").update(readFileSync(file)).digest("hex");
    const before = sha();
    const r = await apiship(["state", "list"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: state file .*state\.db is not a readable apiship state/m);
    expect(r.stderr).toMatch(/hint: apiship left the file untouched/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    const j = envelope(await apiship(["state", "show", "x/y", "--json"], { cwd }));
    expect(j.error?.code).toBe("STATE_ERROR");
    expect(sha()).toBe(before);
  });
});
