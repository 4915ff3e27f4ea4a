// health.probe on a target: http (the default) GETs the endpoint, platform asks the adapter's
// status() and makes no HTTP call, none skips the check; a malformed APISHIP_CONNECT_TO stops
// the deploy before anything starts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HealthProbe, Stack } from "../manifest/types.js";
import { MemoryStateStore } from "../state/memory.js";
import { deployStack } from "./executor.js";
import { memorySink } from "./progress.js";
import type { HealthServer, World } from "../../test/support/engine-world.js";
import { FAST_RETRY, healthServer, makeWorld, planOf, stackOf } from "../../test/support/engine-world.js";

let w: World;
let server: HealthServer;
beforeEach(async () => {
  w = makeWorld();
  // The endpoint answers 500: only an HTTP probe can fail on it.
  server = await healthServer(500);
});
afterEach(async () => {
  await server.close();
  w.cleanup();
});

function stackWith(probe: HealthProbe | undefined): Stack {
  const s = stackOf(1, () => ({ endpoint: server.url }));
  return { ...s, targets: s.targets.map((t) => (probe ? { ...t, health: { probe } } : t)) };
}

async function deploy(stack: Stack, env: Record<string, string | undefined> = w.env) {
  const store = new MemoryStateStore();
  const plan = await planOf(w, stack, store);
  const progress = memorySink();
  const result = await deployStack({
    stack,
    plan,
    registry: w.registry,
    store,
    env,
    baseDir: w.dir,
    retry: FAST_RETRY,
    rollback: false,
    progress,
  });
  return { result, health: progress.events.filter((e) => e.type === "health") };
}

describe("health.probe", () => {
  it("http (the default) calls the endpoint and fails on its 500", async () => {
    const { result } = await deploy(stackWith(undefined));
    expect(result.targets[0]?.status).toBe("failed");
    expect(result.targets[0]?.error?.code).toBe("HEALTH_CHECK_FAILED");
    expect(server.hits).toBeGreaterThan(0);
  });

  it("platform passes on the adapter's ready status without an HTTP call", async () => {
    const { result, health } = await deploy(stackWith("platform"));
    expect(result.targets[0]?.status).toBe("deployed");
    expect(server.hits).toBe(0);
    expect(health).toHaveLength(1);
    expect(health[0]).toMatchObject({ ok: true, via: "platform", url: "test/service status of t00" });
  });

  it("none skips the check", async () => {
    const { result, health } = await deploy(stackWith("none"));
    expect(result.targets[0]?.status).toBe("deployed");
    expect(health).toEqual([]);
    expect(server.hits).toBe(0);
  });

  it("a malformed APISHIP_CONNECT_TO is a usage error before any call", async () => {
    await expect(deploy(stackWith(undefined), { ...w.env, APISHIP_CONNECT_TO: "nonsense" })).rejects.toThrow(
      /APISHIP_CONNECT_TO rule "nonsense"/,
    );
    expect(server.hits).toBe(0);
  });
});
