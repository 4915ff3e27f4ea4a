import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LockError, PlanStaleError, UsageError } from "../errors.js";
import { MemoryStateStore } from "../state/memory.js";
import { memorySink } from "./progress.js";
import { deployStack } from "./executor.js";
import type { DeployStackOptions } from "./executor.js";
import type { Stack } from "../manifest/types.js";
import type { Plan } from "../plan/types.js";
import type { World } from "../../test/support/engine-world.js";
import {
  CANARY,
  FAST_RETRY,
  cloud,
  cloudTargets,
  makeWorld,
  planOf,
  service,
  stackOf,
} from "../../test/support/engine-world.js";

let w: World;
beforeEach(() => (w = makeWorld()));
afterEach(() => w.cleanup());

function opts(
  stack: Stack,
  store: MemoryStateStore,
  plan: Plan,
  extra: Partial<DeployStackOptions> = {},
): DeployStackOptions {
  return {
    stack,
    plan,
    registry: w.registry,
    store,
    env: w.env,
    baseDir: w.dir,
    retry: FAST_RETRY,
    healthCheck: false,
    ...extra,
  };
}

async function deploy(stack: Stack, store: MemoryStateStore, extra: Partial<DeployStackOptions> = {}) {
  const plan = await planOf(w, stack, store);
  return deployStack(opts(stack, store, plan, extra));
}

const mutating = () => cloud(w).calls.length;

describe("deployStack", () => {
  it("deploys every target, records state and a release, and an unchanged redeploy makes no mutating call", async () => {
    const store = new MemoryStateStore();
    const stack = stackOf(3);
    const sink = memorySink();
    const first = await deploy(stack, store, { progress: sink });
    expect(first.exitCode).toBe(0);
    expect(first.targets.map((t) => t.status)).toEqual(["deployed", "deployed", "deployed"]);
    const state = await store.read(stack.id);
    expect(Object.keys(state?.targets ?? {}).sort()).toEqual(["t00", "t01", "t02"]);
    expect(state?.targets.t00?.state["apiship:resources"]).toBeDefined();
    expect(cloudTargets(w)).toEqual(["t00", "t01", "t02"]);
    expect((await store.listReleases(stack.id)).map((r) => r.result)).toEqual(["succeeded"]);
    expect(await store.openIntents(stack.id)).toEqual([]);
    expect(await store.currentLock(stack.id)).toBeUndefined();
    expect(sink.events.at(-1)?.type).toBe("summary");

    const before = mutating();
    const again = await deploy(stack, store);
    expect(again.targets.map((t) => t.status)).toEqual(["unchanged", "unchanged", "unchanged"]);
    expect(mutating()).toBe(before);
    expect(again.release).toBeUndefined();
    expect(await store.listReleases(stack.id)).toHaveLength(1);
  });

  it("converges when 20% of mutating calls fail retryably", async () => {
    const store = new MemoryStateStore();
    const stack = stackOf(10, (i) => ({ failureRate: 0.2, seed: 100 + i }));
    const sink = memorySink();
    const result = await deploy(stack, store, { progress: sink });
    expect(result.exitCode).toBe(0);
    expect(result.targets.every((t) => t.status === "deployed")).toBe(true);
    expect(sink.events.some((e) => e.type === "retry" && e.code === "ServiceUnavailable")).toBe(true);
    expect(result.targets.some((t) => t.attempts > 1)).toBe(true);
    const state = await store.read(stack.id);
    expect(Object.keys(state?.targets ?? {})).toHaveLength(10);
    expect(cloudTargets(w)).toHaveLength(10);
  });

  it("a non-retryable failure fails that target only: exit 3, state true to the cloud", async () => {
    const store = new MemoryStateStore();
    const stack = stackOf(3, (i) => (i === 1 ? { failOn: "create:service" } : {}));
    const result = await deploy(stack, store);
    expect(result.exitCode).toBe(3);
    const bad = result.targets.find((t) => t.target === "t01");
    expect(bad?.status).toBe("failed");
    expect(bad?.attempts).toBe(1);
    expect(bad?.error?.code).toBe("InjectedFailure");
    expect(result.release?.result).toBe("partial");
    const state = await store.read(stack.id);
    // t01 created its bucket and role before the service failed: the state knows them.
    const recorded = state?.targets.t01?.state as { resources: Record<string, unknown> };
    expect(Object.keys(recorded.resources).sort()).toEqual(["bucket", "role"]);
    const inCloud = Object.keys(cloud(w).resources)
      .filter((n) => n.includes("-t01-"))
      .sort();
    expect(inCloud).toEqual(["shop-dev-t01-bucket", "shop-dev-t01-role"]);
    expect(await store.openIntents(stack.id)).toEqual([]);
  });

  it("refuses a second deploy of the same stack naming the holder, and releases the lock afterwards", async () => {
    const store = new MemoryStateStore();
    const stack = stackOf(2, () => ({ latencyMs: 40 }));
    const plan = await planOf(w, stack, store);
    const holder = { user: "alice", host: "build-1", pid: process.pid, command: "apiship deploy --env dev" };
    const first = deployStack(opts(stack, store, plan, { holder }));
    await new Promise((r) => setTimeout(r, 10));
    const second = deployStack(opts(stack, store, plan));
    await expect(second).rejects.toBeInstanceOf(LockError);
    await expect(second).rejects.toThrow(/alice@build-1/);
    expect((await first).exitCode).toBe(0);
    expect(await store.currentLock(stack.id)).toBeUndefined();
  });

  it("releases the lock after a failed deploy and refuses a stale plan", async () => {
    const store = new MemoryStateStore();
    const stack = stackOf(1, () => ({ failOn: "*:*" }));
    const plan = await planOf(w, stack, store);
    const failed = await deployStack(opts(stack, store, plan));
    expect(failed.exitCode).toBe(1);
    expect(await store.currentLock(stack.id)).toBeUndefined();
    // The failed run wrote state, so the old plan's serial no longer matches.
    const ok = stackOf(1);
    await deployStack(opts(ok, store, await planOf(w, ok, store)));
    await expect(deployStack(opts(ok, store, plan))).rejects.toBeInstanceOf(PlanStaleError);
    const fresh = await planOf(w, ok, store);
    await expect(
      deployStack(opts(ok, store, fresh, { manifestSha256: "b".repeat(64) })),
    ).rejects.toBeInstanceOf(PlanStaleError);
    expect(await store.currentLock(ok.id)).toBeUndefined();
  });

  it("stops before the lock and any release when secrets are missing, naming every one", async () => {
    const store = new MemoryStateStore();
    const base = stackOf(2);
    const stack = {
      ...base,
      service: { ...base.service, secrets: { ...base.service.secrets, DB_URL: "env:DB_URL" } },
    };
    const plan = await planOf(w, stack, store);
    const env = { ...w.env, API_KEY: undefined, DB_URL: undefined };
    const locks = vi.spyOn(store, "acquireLock");
    const err = await deployStack(opts(stack, store, plan, { env })).catch((e: unknown) => e);
    expect(locks).not.toHaveBeenCalled();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/2 secrets cannot be resolved: API_KEY .*; DB_URL /);
    expect(await store.listReleases(stack.id)).toEqual([]);
    expect(cloud(w).calls).toEqual([]);
  });

  it("never lets the canary secret reach events, results, state or releases", async () => {
    const store = new MemoryStateStore();
    const stack = stackOf(2, (i) => (i === 0 ? { failOn: "create:route" } : {}));
    const sink = memorySink();
    const result = await deploy(stack, store, { progress: sink });
    const state = await store.read(stack.id);
    const releases = await store.listReleases(stack.id);
    const everything = JSON.stringify([sink.events, result, state, releases, cloud(w).resources]);
    expect(everything).toContain("API_KEY");
    expect(everything).not.toContain(CANARY);
  });

  it("deletes a target removed from the stack through destroy", async () => {
    const store = new MemoryStateStore();
    await deploy(stackOf(2), store);
    const smaller = stackOf(1);
    const result = await deploy(smaller, store);
    const gone = result.targets.find((t) => t.target === "t01");
    expect(gone).toMatchObject({ status: "deployed", action: "deleted" });
    expect(Object.keys((await store.read(smaller.id))?.targets ?? {})).toEqual(["t00"]);
    expect(cloudTargets(w)).toEqual(["t00"]);
  });

  it("updates in place when the service changes", async () => {
    const store = new MemoryStateStore();
    await deploy(stackOf(1), store);
    const v2 = stackOf(1, () => ({}), service({ container: { image: "ghcr.io/acme/shop:2", port: 8080 } }));
    const result = await deploy(v2, store);
    expect(result.targets[0]?.status).toBe("deployed");
    expect(cloud(w).resources["shop-dev-t00-service"]?.attributes.image).toBe("ghcr.io/acme/shop:2");
    expect(result.release?.summary[0]).toMatch(/t00: update \(service\)/);
  });
});
