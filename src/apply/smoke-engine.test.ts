// The smoke test inside the engine, with the test provider: a failed smoke test is a failed
// health check (rolled back, reported like one), a private endpoint is not smoke-tested but said
// so, and a document that cannot be read stops the deploy before anything changes.

import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HealthSpec, Stack } from "../manifest/types.js";
import { MemoryStateStore } from "../state/memory.js";
import { deployStack } from "./executor.js";
import { memorySink } from "./progress.js";
import type { World } from "../../test/support/engine-world.js";
import { FAST_RETRY, cloud, makeWorld, planOf, service, stackOf } from "../../test/support/engine-world.js";

const DOC = `openapi: 3.0.3
info: { title: shop, version: "1" }
paths:
  /healthz: { get: { responses: { "200": { description: ok } } } }
  /items:
    get:
      operationId: listItems
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: array, items: { type: object, required: [sku], properties: { sku: { type: string } } } }
`;

let w: World;
let server: Server;
let url: string;
let items: unknown[];
beforeEach(async () => {
  w = makeWorld();
  writeFileSync(join(w.dir, "openapi.yaml"), DOC);
  items = [{ sku: "a-1" }];
  server = createServer((req, res) => {
    if (req.url === "/healthz") res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(items));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  w.cleanup();
});

const health: HealthSpec = {
  path: "/healthz",
  status: 200,
  timeoutMs: 2000,
  attempts: 1,
  intervalMs: 1,
  smoke: "openapi",
};

function v(n: number, opts: { probe?: "platform"; openapi?: string } = {}): Stack {
  const stack = stackOf(
    1,
    () => ({ endpoint: url }),
    service({
      container: { image: `ghcr.io/acme/shop:${n}`, port: 8080 },
      openapi: opts.openapi ?? "./openapi.yaml",
      health,
    }),
  );
  const [t] = stack.targets;
  if (t && opts.probe) t.health = { probe: opts.probe };
  return { ...stack, baseDir: w.dir };
}

async function deploy(stack: Stack, store: MemoryStateStore) {
  const plan = await planOf(w, stack, store);
  const progress = memorySink();
  const result = await deployStack({
    stack,
    plan,
    registry: w.registry,
    store,
    env: w.env,
    baseDir: w.dir,
    retry: FAST_RETRY,
    progress,
  });
  return { result, events: progress.events };
}

const image = () => cloud(w).resources["shop-dev-t00-service"]?.attributes.image;

describe("smoke test in the engine", () => {
  it("a release whose answer breaks the schema is rolled back as an unhealthy one is, and named", async () => {
    const store = new MemoryStateStore();
    const first = await deploy(v(1), store);
    expect(first.result.targets[0]).toMatchObject({ status: "deployed", smoke: { ok: true } });
    expect(first.result.targets[0]?.smoke?.calls.map((c) => c.operationId ?? c.path)).toEqual([
      "/healthz",
      "listItems",
    ]);

    items = [{ sku: 7 }];
    const { result, events } = await deploy(v(2), store);
    const t = result.targets[0];
    expect(t?.status).toBe("rolled-back");
    expect(result.exitCode).toBe(3);
    expect(image()).toBe("ghcr.io/acme/shop:1");
    expect(t?.health?.ok).toBe(true);
    expect(t?.error).toMatchObject({ code: "HEALTH_CHECK_FAILED" });
    expect(t?.error?.message).toBe(
      "health check of t00 failed: smoke test of ./openapi.yaml: GET /items (listItems) → 200: the body does not match the response schema: body/0/sku must be string",
    );
    expect(events.filter((e) => e.type === "smoke").map((e) => e.type === "smoke" && e.ok)).toEqual([
      true,
      false,
    ]);
    expect((await store.listReleases("shop/dev")).map((r) => r.result)).toEqual(["succeeded", "rolled-back"]);
  });

  it("does not smoke-test a target checked through its platform, and says so", async () => {
    const { result, events } = await deploy(v(1, { probe: "platform" }), new MemoryStateStore());
    expect(result.targets[0]?.status).toBe("deployed");
    expect(result.targets[0]?.smoke).toBeUndefined();
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "warning",
        target: "t00",
        message: "smoke test skipped: its health probe is platform, not http",
      }),
    );
  });

  it("a document that cannot be read stops the deploy before any change", async () => {
    await expect(deploy(v(1, { openapi: "./gone.yaml" }), new MemoryStateStore())).rejects.toMatchObject({
      code: "MANIFEST_INVALID",
    });
    expect(cloud(w).calls).toEqual([]);
  });
});
