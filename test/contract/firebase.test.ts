// firebase/functions passes the same lifecycle as every platform. Twice: with the real
// gcp/cloud-functions adapter against the GCP fake and the Hosting fake behind one endpoint
// (when that adapter has its behaviour), and with an in-memory function stub, so the Hosting
// half's lifecycle runs against its fake in any case. An env change updates the function in
// place; a new hosting.site replaces the site (and re-releases on it).
import { describe, expect, it } from "vitest";
import type { DeployableTarget, TargetAdapter } from "../../src/core/provider.js";
import { isDeployable } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { composeFirebase } from "../../providers/firebase/compose.js";
import type { FirebaseState } from "../../providers/firebase/compose.js";
import { functions } from "../../providers/firebase/functions.js";
import { startFirebaseFake } from "../fakes/firebase/index.js";
import type { FirebaseFake } from "../fakes/firebase/index.js";
import { functionStub } from "../fakes/firebase/function-stub.js";
import { service as baseService } from "../fakes/firebase/unit-kit.js";
import { readAndPlan } from "../support/read-plan.js";
import { clientsFixture, debugLogLevel } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

const NAME = "shop-dev-api";
const deployable = isDeployable(functions as unknown as TargetAdapter);
type Adapter = DeployableTarget<Record<string, unknown>, object, unknown>;

function fixture(
  adapter: Adapter,
  fake: FirebaseFake,
  env: Record<string, string>,
  close: () => Promise<void>,
  service: ServiceSpec,
) {
  return clientsFixture({
    adapter,
    name: NAME,
    target: {
      name: "api",
      provider: "firebase",
      platform: "functions",
      options: { project: "acme-web", region: "europe-west1", hosting: {}, endpoint: fake.url },
    },
    service,
    env,
    update: debugLogLevel,
    replace: {
      target: (t) => ({
        ...t,
        options: { ...t.options, hosting: { site: "shop-dev-api-2", path: "/api/**" } },
      }),
      forcedBy: "site",
    },
    close,
  });
}

const withStub = async () => {
  const fake = await startFirebaseFake();
  const { fn } = functionStub();
  const adapter = { ...functions, ...composeFirebase(fn) } as unknown as Adapter;
  return { fake, adapter };
};

describeLifecycle("firebase/functions (Hosting fake, function stub)", async () => {
  const { fake, adapter } = await withStub();
  return fixture(adapter, fake, { APISHIP_FIREBASE_RETRY_MS: "1" }, () => fake.close(), baseService);
});

describe("firebase/functions against the Hosting fake (function stub)", () => {
  it("a redeploy after the release plans nothing; the old site is gone after the replace", async () => {
    const { fake, adapter } = await withStub();
    try {
      const f = fixture(adapter, fake, {}, async () => {}, baseService);
      const ctx = await f.ctx(f.target);
      const base = { stack: f.stack, target: f.target, service: baseService, name: NAME, secretHashes: {} };
      const first = await readAndPlan(adapter, ctx, { ...base, recorded: undefined });
      const applied = await adapter.apply(ctx, { ...first, secrets: {} });
      expect(applied.endpoint).toBe(`${fake.url}/__hosting/${NAME}/api`);
      const before = fake.mutations().length;
      const again = await readAndPlan(adapter, ctx, { ...base, recorded: applied.state });
      expect(again.changes.every((c) => c.action === "no-op")).toBe(true);
      expect(fake.mutations().length).toBe(before);
      expect((applied.state as FirebaseState).hosting?.release?.config.rewrites).toEqual([
        { glob: "/api/**", run: { serviceId: NAME, region: "europe-west1" } },
      ]);
    } finally {
      await fake.close();
    }
  });
});

describe.skipIf(!deployable)("firebase/functions with the gcp/cloud-functions adapter", () => {
  it("is covered by the lifecycle below", () => expect(deployable).toBe(true));
});

if (deployable) {
  describeLifecycle("firebase/functions (GCP fake + Hosting fake)", async () => {
    const { startGcpFake } = await import("../fakes/gcp/index.js");
    const gcp = await startGcpFake({ knobs: { opPolls: 1 } });
    const fake = await startFirebaseFake({ gcp });
    const env = {
      GOOGLE_OAUTH_ACCESS_TOKEN: "contract-token",
      APISHIP_GCP_POLL_MS: "1",
      APISHIP_FIREBASE_RETRY_MS: "1",
    };
    const close = async () => {
      await fake.close();
      await gcp.close();
    };
    return fixture(functions as unknown as Adapter, fake, env, close, baseService);
  });
}

describe.skipIf(!deployable)("firebase/functions under injected throttling", () => {
  it("converges with 30% of Hosting and GCP calls throttled (429 RESOURCE_EXHAUSTED), then plans nothing", async () => {
    const { startGcpFake } = await import("../fakes/gcp/index.js");
    const { seeded } = await import("../fakes/_shared/server.js");
    const gcp = await startGcpFake({ knobs: { opPolls: 1 } });
    const fake = await startFirebaseFake({ gcp, knobs: { throttleRate: 0.3, random: seeded(11) } });
    try {
      const env = {
        GOOGLE_OAUTH_ACCESS_TOKEN: "t",
        APISHIP_GCP_POLL_MS: "1",
        APISHIP_FIREBASE_RETRY_MS: "1",
      };
      const adapter = functions as unknown as Adapter;
      const f = fixture(adapter, fake, env, async () => {}, baseService);
      const base = { stack: f.stack, target: f.target, service: baseService, name: NAME, secretHashes: {} };
      let state: object | undefined;
      const failures: string[] = [];
      for (let attempt = 0; attempt < 50 && !state; attempt++) {
        try {
          const ctx = await f.ctx(f.target);
          const planned = await readAndPlan(adapter, ctx, { ...base, recorded: undefined });
          state = (await adapter.apply(ctx, { ...planned, secrets: {} })).state;
        } catch (e) {
          const code = (e as { code?: string; retryable?: boolean }).code ?? String(e);
          if (!(e as { retryable?: boolean }).retryable) throw e;
          failures.push(code);
        }
      }
      expect(state).toBeDefined();
      fake.knobs.throttleRate = 0;
      expect(fake.world.sites.get(NAME)?.releases).toHaveLength(1);
      const ctx = await f.ctx(f.target);
      const again = await readAndPlan(adapter, ctx, { ...base, recorded: state });
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await fake.close();
      await gcp.close();
    }
  });
});
