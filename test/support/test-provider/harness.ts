// What the test provider's own tests share: a fresh cloud file per "world", a Ctx that records
// progress, and plan/apply the way the engine drives them. No vitest here: plain helpers.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Ctx, DeployableTarget, PlanRequest, ResourceChange } from "../../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../../src/manifest/types.js";
import { CloudFile } from "./cloud.js";
import type { TestState } from "./resources.js";
import { TestServiceOptions, service } from "./service.js";
import type { TestClients } from "./service.js";

export const t = service as DeployableTarget<TestServiceOptions, TestState, TestClients>;
export const NAME = "shop-dev-web";
export const RAW_SECRET = "raw-secret-value-9f3c";

export const baseService: ServiceSpec = {
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { cpu: 0.5, memory: 512 },
  scaling: { min: 0, max: 3 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  access: "public",
  timeoutMs: 30_000,
};

const dirs: string[] = [];

/** Removes the cloud files of every world made so far (call it from afterEach). */
export function cleanupWorlds(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface World {
  cloudPath: string;
  cloud: CloudFile;
  steps: string[];
  ctx: Ctx<TestClients>;
  target: TargetSpec & { options: TestServiceOptions };
  controller: AbortController;
}

export function world(opts: Record<string, unknown> = {}, cloudPath?: string): World {
  if (cloudPath === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "apiship-test-cloud-"));
    dirs.push(dir);
    cloudPath = join(dir, "cloud.json");
  }
  const options = TestServiceOptions.parse({ cloud: cloudPath, ...opts });
  const target = { name: "web", provider: "test", platform: "service", options };
  const stack: Stack = {
    id: "shop/dev",
    app: "shop",
    environment: "dev",
    service: baseService,
    targets: [target],
  };
  const clients = t.createClients({ target, env: {} }) as TestClients;
  const steps: string[] = [];
  const controller = new AbortController();
  const ctx: Ctx<TestClients> = {
    clients,
    stack,
    target,
    progress: { step: (s) => steps.push(`step ${s}`), done: (s) => steps.push(`done ${s}`) },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: controller.signal,
  };
  return { cloudPath, cloud: new CloudFile(cloudPath), steps, ctx, target, controller };
}

export async function planFor(
  w: World,
  svc: ServiceSpec = baseService,
  hashes: Record<string, string> = { API_KEY: "hmac-sha256:aaa" },
): Promise<PlanRequest<TestServiceOptions, TestState> & { changes: ResourceChange[] }> {
  const observed = await t.read(w.ctx, undefined, NAME);
  const req = {
    stack: w.ctx.stack,
    target: w.target,
    service: svc,
    name: NAME,
    recorded: observed,
    observed,
    secretHashes: hashes,
  };
  return { ...req, changes: t.plan(req).changes };
}

export async function deploy(w: World, svc: ServiceSpec = baseService, hashes?: Record<string, string>) {
  const planned = await planFor(w, svc, hashes);
  const result = await t.apply(w.ctx, { ...planned, secrets: { API_KEY: RAW_SECRET } });
  return { planned, result };
}

export const actions = (cs: ResourceChange[]) => Object.fromEntries(cs.map((c) => [c.type, c.action]));
export const mutations = (w: World) => w.cloud.read().calls.map((c) => `${c.op} ${c.type}`);
