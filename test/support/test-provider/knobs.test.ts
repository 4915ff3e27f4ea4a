import { afterEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../../src/errors.js";
import { RAW_SECRET, actions, cleanupWorlds, deploy, mutations, planFor, t, world } from "./harness.js";
import type { TestClients } from "./service.js";

afterEach(cleanupWorlds);

describe("test/service knobs", () => {
  it("fails every mutation retryably at failureRate 1, changing nothing", async () => {
    const w = world({ failureRate: 1 });
    const err = await deploy(w).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(true);
    expect((err as ProviderError).code).toBe("ServiceUnavailable");
    expect(w.cloud.read().calls).toEqual([]);
    expect(w.steps).toEqual(["step create bucket"]);
  });

  it("throttles retryably at throttleRate 1", async () => {
    const err = await deploy(world({ throttleRate: 1 })).catch((e: unknown) => e);
    expect((err as ProviderError).code).toBe("Throttling");
    expect((err as ProviderError).retryable).toBe(true);
  });

  it("fails one configured step non-retryably, and the next plan picks up from there", async () => {
    const w = world({ failOn: "create:service" });
    const err = await deploy(w).catch((e: unknown) => e);
    expect((err as ProviderError).code).toBe("InjectedFailure");
    expect((err as ProviderError).retryable).toBe(false);
    expect(mutations(w)).toEqual(["create bucket", "create role"]);
    const fixed = world({}, w.cloudPath);
    expect(actions((await planFor(fixed)).changes)).toEqual({
      bucket: "no-op",
      role: "no-op",
      service: "create",
      route: "create",
    });
  });

  it("hangs until the run is aborted, then rejects without touching the cloud", async () => {
    const w = world({ hangRate: 1 });
    const pending = deploy(w);
    setTimeout(() => w.controller.abort(), 20);
    const err = await pending.catch((e: unknown) => e);
    expect((err as ProviderError).code).toBe("ABORTED");
    expect(w.cloud.read().calls).toEqual([]);
  });

  it("stops between calls once aborted, even with latency", async () => {
    const w = world({ latencyMs: 5 });
    const planned = await planFor(w);
    w.controller.abort();
    const err = await t
      .apply(w.ctx, { ...planned, secrets: { API_KEY: RAW_SECRET } })
      .catch((e: unknown) => e);
    expect((err as ProviderError).code).toBe("ABORTED");
    expect(w.cloud.read().calls).toEqual([]);
  });

  it("fails the same calls for the same seed", async () => {
    const failing = async (seed: number) => {
      const w = world({ failureRate: 0.5, seed });
      const planned = await planFor(w);
      const outcome: string[] = [];
      for (let i = 0; i < 12; i++) {
        outcome.push(
          await t.apply(w.ctx, { ...planned, secrets: { API_KEY: RAW_SECRET } }).then(
            () => "ok",
            (e: unknown) => (e instanceof ProviderError ? e.message : "other"),
          ),
        );
      }
      return outcome.join(",");
    };
    const a = await failing(7);
    expect(await failing(7)).toBe(a);
    expect(a).toContain("service unavailable");
    expect(a).toContain("ok");
  });

  it("needs a cloud file, and says how to plan without one", () => {
    const target = { name: "web", provider: "test", platform: "service", options: {} };
    let err: unknown;
    try {
      t.createClients({ target, env: {} });
    } catch (e) {
      err = e;
    }
    expect((err as ProviderError).code).toBe("CREDENTIALS");
    expect((err as ProviderError).message).toContain("APISHIP_TEST_CLOUD");
    expect((err as ProviderError).hint).toContain("--offline");
    const viaEnv = t.createClients({
      target,
      env: { APISHIP_TEST_CLOUD: "/tmp/x/cloud.json" },
    }) as TestClients;
    expect(viaEnv.cloud.path).toBe("/tmp/x/cloud.json");
  });

  it("takes knob overrides from APISHIP_TEST_KNOBS and rejects bad ones", () => {
    const target = {
      name: "web",
      provider: "test",
      platform: "service",
      options: { cloud: "/tmp/c.json", latencyMs: 1 },
    };
    const env = { APISHIP_TEST_KNOBS: '{"failureRate":0.25,"failOn":"delete:route"}' };
    const { knobs } = t.createClients({ target, env }) as TestClients;
    expect(knobs).toMatchObject({ latencyMs: 1, failureRate: 0.25, failOn: ["delete:route"] });
    for (const bad of ["{nope", '"str"', '{"failureRate":2}', '{"unknownKnob":1}']) {
      expect(() => t.createClients({ target, env: { APISHIP_TEST_KNOBS: bad } })).toThrow(
        /invalid test options/,
      );
    }
  });
});
