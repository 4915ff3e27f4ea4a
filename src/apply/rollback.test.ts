import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryStateStore } from "../state/memory.js";
import { deployStack } from "./executor.js";
import { memorySink } from "./progress.js";
import { rollbackStack } from "./rollback.js";
import type { Stack } from "../manifest/types.js";
import type { HealthServer, World } from "../../test/support/engine-world.js";
import {
  CANARY,
  FAST_RETRY,
  cloud,
  healthServer,
  makeWorld,
  planOf,
  service,
  stackOf,
} from "../../test/support/engine-world.js";

let w: World;
let server: HealthServer;
beforeEach(async () => {
  w = makeWorld();
  server = await healthServer(200);
});
afterEach(async () => {
  await server.close();
  w.cleanup();
});

const v = (n: number): Stack =>
  stackOf(
    1,
    () => ({ endpoint: server.url }),
    service({ container: { image: `ghcr.io/acme/shop:${n}`, port: 8080 } }),
  );
const image = () => cloud(w).resources["shop-dev-t00-service"]?.attributes.image;

async function deploy(stack: Stack, store: MemoryStateStore, rollback = true) {
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
    rollback,
    progress,
  });
  return { result, events: progress.events };
}

describe("a failed update", () => {
  // The apply itself fails (as a rollout that cannot pull its image does): no health check runs.
  const failing = (n: number): Stack =>
    stackOf(
      1,
      () => ({ endpoint: server.url, failOn: "update:service" }),
      service({ container: { image: `ghcr.io/acme/shop:${n}`, port: 8080 } }),
    );

  it("goes back to the last healthy release", async () => {
    const store = new MemoryStateStore();
    await deploy(v(1), store);
    const { result } = await deploy(failing(2), store);
    expect(result.targets[0]?.status).toBe("rolled-back");
    expect(result.exitCode).not.toBe(0);
    expect(image()).toBe("ghcr.io/acme/shop:1");
  });

  it("stays failed with --no-rollback", async () => {
    const store = new MemoryStateStore();
    await deploy(v(1), store);
    const { result } = await deploy(failing(2), store, false);
    expect(result.targets[0]?.status).toBe("failed");
    expect(image()).toBe("ghcr.io/acme/shop:1");
  });
});

describe("health check and rollback", () => {
  it("a healthy deploy reports the health check", async () => {
    const { result } = await deploy(v(1), new MemoryStateStore());
    expect(result.targets[0]?.status).toBe("deployed");
    expect(result.targets[0]?.health).toMatchObject({ ok: true, status: 200 });
    expect(server.hits).toBeGreaterThan(0);
  });

  it("an endpoint answering 500 rolls the target back to the previous release", async () => {
    const store = new MemoryStateStore();
    await deploy(v(1), store);
    server.status = 500;
    const { result, events } = await deploy(v(2), store);
    const t = result.targets[0];
    expect(t?.status).toBe("rolled-back");
    expect(t?.health).toMatchObject({ ok: false, status: 500, expected: 200 });
    expect(t?.health?.body).toHaveLength(200);
    expect(t?.error?.code).toBe("HEALTH_CHECK_FAILED");
    // Refused and rolled back: the previous release serves (3), not a broken target (1).
    expect(result.exitCode).toBe(3);
    expect(image()).toBe("ghcr.io/acme/shop:1");
    expect(events.filter((e) => e.type === "rollback").map((e) => e.type === "rollback" && e.phase)).toEqual([
      "start",
      "end",
    ]);
    const releases = await store.listReleases("shop/dev");
    expect(releases.map((r) => r.result)).toEqual(["succeeded", "rolled-back"]);
    expect(JSON.stringify([releases, events])).not.toContain(CANARY);
    // The state now records v1 again, so a plan of v1 has nothing to do.
    const plan = await planOf(w, v(1), store);
    expect(plan.changes.every((c) => c.action === "no-op")).toBe(true);
  });

  it("with rollback off keeps the new release and reports the failure", async () => {
    const store = new MemoryStateStore();
    await deploy(v(1), store);
    server.status = 500;
    const { result, events } = await deploy(v(2), store, false);
    expect(result.targets[0]?.status).toBe("failed");
    expect(result.exitCode).toBe(1);
    expect(image()).toBe("ghcr.io/acme/shop:2");
    expect(events.some((e) => e.type === "rollback")).toBe(false);
    expect(events.some((e) => e.type === "health" && e.status === 500)).toBe(true);
  });

  it("rollbackStack after an automatic rollback goes back before what is running", async () => {
    const store = new MemoryStateStore();
    await deploy(v(1), store);
    await deploy(v(2), store);
    server.status = 500;
    const { result } = await deploy(v(3), store);
    expect(result.targets[0]?.status).toBe("rolled-back");
    expect(image()).toBe("ghcr.io/acme/shop:2");
    server.status = 200;
    // The latest release is the automatic return to v2, which runs now: "back" is v1.
    const back = await rollbackStack({
      stack: v(3),
      registry: w.registry,
      store,
      env: w.env,
      baseDir: w.dir,
      retry: FAST_RETRY,
    });
    expect(back.targets[0]?.status).toBe("rolled-back");
    expect(image()).toBe("ghcr.io/acme/shop:1");
  });

  it("rollbackStack goes back to the release before the latest, and --to a named one", async () => {
    const store = new MemoryStateStore();
    await deploy(v(1), store);
    await deploy(v(2), store);
    await deploy(v(3), store);
    const base = { stack: v(3), registry: w.registry, store, env: w.env, baseDir: w.dir, retry: FAST_RETRY };
    const back = await rollbackStack(base);
    expect(back.targets[0]?.status).toBe("rolled-back");
    expect(back.exitCode).toBe(0);
    expect(image()).toBe("ghcr.io/acme/shop:2");
    const toFirst = await rollbackStack({ ...base, to: 1 });
    expect(toFirst.targets[0]?.status).toBe("rolled-back");
    expect(image()).toBe("ghcr.io/acme/shop:1");
    await expect(rollbackStack({ ...base, to: 99 })).rejects.toThrow(/no release 99/);
    expect(await store.currentLock("shop/dev")).toBeUndefined();
  });
});
