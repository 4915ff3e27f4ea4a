// Issue 18, item 12: DigitalOcean addresses a functions namespace by its "fn-<uuid>" id. Sent
// the bare uuid, GET/DELETE /v2/functions/namespaces/{id} found nothing: a change to an
// existing action failed before its PUT, destroy left the namespace and its action behind, and
// every plan made a GET that 404ed. Against the fake, which addresses namespaces as the API does.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlannedChange } from "../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import { ctxOf } from "../../test/fakes/digitalocean/http-stub.js";
import { startDoFake } from "../../test/fakes/digitalocean/server.js";
import type { DoFake } from "../../test/fakes/digitalocean/server.js";
import type { DoClients } from "./clients.js";
import type { FnOptions, FnState } from "./fn-plan.js";
import { functions } from "./functions.js";

const NAME = "shop-dev-api";
let fake: DoFake;
let dir: string;
beforeEach(async () => {
  fake = await startDoFake();
  dir = mkdtempSync(join(tmpdir(), "apiship-dofn-ns-"));
  writeFileSync(join(dir, "index.js"), "exports.main = () => ({ body: 'ok' });\n");
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function world(env: Record<string, string> = { LOG_LEVEL: "info" }) {
  const service: ServiceSpec = {
    kind: "function",
    function: { runtime: "nodejs18", handler: "index.main", source: dir, interface: "native" },
    env,
    secrets: {},
    resources: { memory: 256 },
    scaling: { min: 0, max: 10 },
    health: { path: "/", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
    access: "public",
    timeoutMs: 30_000,
  };
  const options = functions.options.parse({ region: "fra1", endpoint: fake.url }) as FnOptions;
  const target = { name: "api", provider: "digitalocean", platform: "functions", options } as TargetSpec & {
    options: FnOptions;
  };
  const stack: Stack = {
    id: "shop/dev",
    app: "shop",
    environment: "dev",
    service,
    targets: [target],
    baseDir: dir,
  };
  return { service, target, stack };
}

async function deploy(env: Record<string, string>, recorded?: FnState) {
  const { service, target, stack } = world(env);
  const clients = (await functions.createClients!({ target, env: { DIGITALOCEAN_TOKEN: "t" } })) as DoClients;
  const ctx = ctxOf(clients, stack, target);
  const observed = await functions.read!(ctx, recorded, NAME);
  const artifact = await functions.build!(ctx, service);
  const req = { stack, target, service, name: NAME, recorded, observed, secretHashes: {}, artifact };
  const change: PlannedChange<FnOptions, FnState> = {
    ...req,
    changes: functions.plan!(req).changes,
    secrets: {},
  };
  return { ctx, change, result: await functions.apply!(ctx, change) };
}

const namespaceGets = () =>
  fake.requests.filter((r) => r.path.startsWith("/v2/functions/namespaces/") && r.method === "GET");

describe("digitalocean/functions addresses its namespace by its fn- id", () => {
  it("plans from the recorded state with no GET that 404s", async () => {
    const first = await deploy({ LOG_LEVEL: "info" });
    const id = first.result.state.namespace?.namespace;
    expect(id).toMatch(/^fn-/);
    const before = fake.requests.length;
    await deploy({ LOG_LEVEL: "info" }, first.result.state);
    const gets = namespaceGets().filter((r) => fake.requests.indexOf(r) >= before);
    expect(gets.map((r) => r.path)).toEqual([
      `/v2/functions/namespaces/${id}`,
      `/v2/functions/namespaces/${id}`,
    ]);
    const listed = fake.requests.slice(before).filter((r) => r.path === "/v2/functions/namespaces");
    expect(listed).toEqual([]);
  });

  it("updates an existing action in place", async () => {
    const first = await deploy({ LOG_LEVEL: "info" });
    const { change, result } = await deploy({ LOG_LEVEL: "debug" }, first.result.state);
    expect(change.changes.map((c) => `${c.type}:${c.action}`)).toEqual(["namespace:no-op", "action:update"]);
    expect(result.state.action?.env).toEqual({ LOG_LEVEL: "debug" });
    const ns = [...fake.world.namespaces.values()][0];
    expect(ns?.actions.get(NAME)?.version).toBe("0.0.1");
  });

  it("destroy removes the action and the namespace it created", async () => {
    const { ctx, result } = await deploy({ LOG_LEVEL: "info" });
    expect(fake.world.namespaces.size).toBe(1);
    await functions.destroy!(ctx, result.state);
    expect(fake.world.namespaces.size).toBe(0);
    const deleted = fake.requests.filter((r) => r.method === "DELETE").map((r) => r.path);
    expect(deleted).toContain(`/v2/functions/namespaces/${result.state.namespace?.namespace}`);
  });
});
