// gcp/cloud-run passes the same lifecycle as every platform, against the GCP fake through the
// real @google-cloud/run client (REST transport); and under injected throttling and server
// errors a deploy still converges when retried the way the engine retries.
import { describe, expect, it } from "vitest";
import type { DeployableTarget, TargetAdapter } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { cloudRun } from "../../providers/gcp/cloud-run.js";
import type { GcpClients } from "../../providers/gcp/clients.js";
import { seeded } from "../fakes/_shared/server.js";
import { SECRET_VALUE, gcpWorld } from "../fakes/gcp/harness.js";
import { readAndPlan } from "../support/read-plan.js";
import { doubleMemory, worldFixture } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

const adapter = cloudRun as unknown as DeployableTarget<Record<string, unknown>, object, GcpClients>;
const NAME = "shop-dev-api";

describeLifecycle("gcp/cloud-run", async () =>
  worldFixture(
    await gcpWorld(cloudRun as unknown as TargetAdapter<Record<string, unknown>, object, GcpClients>),
    {
      adapter,
      name: NAME,
      secrets: { API_KEY: SECRET_VALUE },
      update: doubleMemory,
      replace: {
        target: (t) => ({ ...t, options: { ...t.options, region: "europe-west4" } }),
        forcedBy: "region",
      },
    },
  ),
);

describe("gcp/cloud-run under injected faults", () => {
  it("converges in one apply with 20% throttling and 5% server errors: each call retried by the client", async () => {
    const retried: string[] = [];
    const w = await gcpWorld(
      cloudRun as unknown as TargetAdapter<Record<string, unknown>, object, GcpClients>,
      {
        knobs: { throttleRate: 0.2, errorRate: 0.05, random: seeded(7) },
        retry: {
          maxAttempts: 5,
          baseMs: 1,
          capMs: 4,
          maxWaitMs: 60_000,
          onRetry: (r) => retried.push(r.code),
        },
      },
    );
    try {
      const failures: string[] = [];
      let state: object | undefined;
      for (let attempt = 0; attempt < 100 && !state; attempt++) {
        try {
          const ctx = await w.ctx();
          const planned = await readAndPlan(adapter, ctx, {
            stack: w.stack,
            target: w.target,
            service: w.service,
            name: NAME,
            recorded: undefined,
            secretHashes: { API_KEY: "h1" },
          });
          state = (await adapter.apply(ctx, { ...planned, secrets: { API_KEY: SECRET_VALUE } })).state;
        } catch (e) {
          if (!(e instanceof ProviderError) || !e.retryable) throw e;
          failures.push(e.code);
        }
      }
      // Before calls were retried in the client, every fault failed the whole apply.
      expect(failures).toEqual([]);
      expect(retried.length).toBeGreaterThan(0);
      expect(new Set(retried)).toEqual(
        new Set(retried.filter((c) => ["THROTTLED", "GCP_UNAVAILABLE", "CONFLICT"].includes(c))),
      );
      w.fake.knobs.throttleRate = 0;
      w.fake.knobs.errorRate = 0;
      const revisions = [...w.fake.world.revisions.keys()];
      expect(revisions).toHaveLength(1);
      const ctx = await w.ctx();
      const again = await readAndPlan(adapter, ctx, {
        stack: w.stack,
        target: w.target,
        service: w.service,
        name: NAME,
        recorded: state,
        secretHashes: { API_KEY: "h1" },
      });
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it("an apply the state never recorded is seen as done: the secret fingerprints come from the service", async () => {
    const w = await gcpWorld(
      cloudRun as unknown as TargetAdapter<Record<string, unknown>, object, GcpClients>,
    );
    try {
      const plan = async () =>
        readAndPlan(adapter, await w.ctx(), {
          stack: w.stack,
          target: w.target,
          service: w.service,
          name: NAME,
          // The first run applied, then failed before recording: the state is still empty.
          recorded: undefined,
          secretHashes: { API_KEY: "h1" },
        });
      const first = await plan();
      await adapter.apply(await w.ctx(), { ...first, secrets: { API_KEY: SECRET_VALUE } });
      const again = await plan();
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
      // A retry of the same apply sends no second revision of the same template.
      await adapter.apply(await w.ctx(), { ...again, secrets: { API_KEY: SECRET_VALUE } });
      expect([...w.fake.world.revisions.keys()]).toHaveLength(1);
    } finally {
      await w.close();
    }
  });
});
