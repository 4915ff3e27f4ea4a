// azure/app-service passes the same lifecycle as every platform, against the stateful ARM fake
// (reached over plain http with the static bearer); and with 20% throttling and 5% server
// errors, and the SDK's own retries off, a deploy still converges when retried as the engine
// retries: only on retryable ProviderErrors, from the top.
import { describe, expect, it } from "vitest";
import type { CallRetryInfo, CallRetryPolicy, DeployableTarget } from "../../src/core/provider.js";
import { appService } from "../../providers/azure/app-service.js";
import type { AppServiceOptions, AppServiceState } from "../../providers/azure/app-service.js";
import type { AzureClients } from "../../providers/azure/clients.js";
import { seeded } from "../fakes/_shared/server.js";
import { ProviderError } from "../../src/errors.js";
import {
  FAST_RETRY,
  SECRET_VALUE,
  SUBSCRIPTION,
  azureWorld,
  containerService,
  deployIn,
  planIn,
} from "../fakes/azure/harness.js";
import type { AzureFakeOptions } from "../fakes/azure/index.js";
import { worldFixture } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

const adapter = appService as DeployableTarget<AppServiceOptions, AppServiceState, AzureClients>;
const NAME = "shop-dev-web";
const options = () =>
  appService.options.parse({
    subscription: SUBSCRIPTION,
    resourceGroup: "rg-shop-dev",
    location: "westeurope",
  });
const world = (
  fake?: AzureFakeOptions,
  env?: Record<string, string>,
  retry?: CallRetryPolicy,
  sitesByHost?: boolean,
) =>
  azureWorld(adapter, {
    name: "web",
    platform: "app-service",
    options: options(),
    ...(fake ? { fake } : {}),
    ...(env ? { env } : {}),
    ...(retry ? { retry } : {}),
    ...(sitesByHost ? { sitesByHost } : {}),
  });

describeLifecycle("azure/app-service", async () =>
  worldFixture(await world(), {
    adapter,
    name: NAME,
    secrets: { API_KEY: SECRET_VALUE },
    update: (svc) => ({ ...svc, container: { image: "ghcr.io/acme/shop:2", port: 8080 } }),
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, location: "northeurope" } }),
      forcedBy: "location",
    },
  }),
);

describe("azure/app-service under injected faults", () => {
  it("converges in one run with 20% throttling and 5% server errors, each call retried in the one layer", async () => {
    const retries: CallRetryInfo[] = [];
    const w = await world({ knobs: { throttleRate: 0.2, errorRate: 0.05, random: seeded(11) } }, undefined, {
      ...FAST_RETRY,
      onRetry: (i) => retries.push(i),
    });
    try {
      // As the engine drives one run: read and plan once, apply once; no step is retried.
      const planned = await planIn(w, NAME);
      const ctx = await w.ctx();
      const state = (await w.adapter.apply(ctx, { ...planned, secrets: { API_KEY: SECRET_VALUE } })).state;
      expect(retries.length).toBeGreaterThan(0);
      expect(retries.filter((r) => r.code !== "HTTP_429" && r.code !== "HTTP_500")).toEqual([]);
      expect(retries.every((r) => r.attempt < FAST_RETRY.maxAttempts)).toBe(true);
      w.fake.knobs.throttleRate = 0;
      w.fake.knobs.errorRate = 0;
      const site = w.fake.world.sites.get(NAME);
      expect(site?.config.linuxFxVersion).toBe("DOCKER|ghcr.io/acme/shop:1");
      expect(site?.settings.API_KEY).toBe(SECRET_VALUE);
      // Nothing made twice: one site PUT, one slot PUT.
      const puts = w.fake.requests.filter((q) => q.method === "PUT" && /\/sites\//i.test(q.path));
      expect(new Set(puts.map((q) => q.path)).size).toBe(2);
      const again = await planIn(w, NAME, state);
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
    }
  });
});

const image = (n: number) => ({
  ...containerService,
  container: { image: `ghcr.io/acme/shop:${n}`, port: 8080 },
});
const fx = (w: Awaited<ReturnType<typeof world>>, slot?: string) => {
  const site = w.fake.world.sites.get(NAME);
  const cfg = slot ? site?.slots.get(slot)?.config : site?.config;
  return String(cfg?.linuxFxVersion ?? "");
};
/** Writes to the production site itself (PUT or PATCH, its settings) and swaps since `from`. */
const productionWrites = (w: Awaited<ReturnType<typeof world>>, from: number) =>
  w.fake.requests
    .slice(from)
    .filter((q) => q.method !== "GET" && q.method !== "HEAD")
    .filter((q) => /\/sites\/[^/]+(\/config\/appsettings|\/slotsswap)?$/i.test(q.path))
    .map((q) => `${q.method} ${q.path.replace(/^.*\/sites\//i, "sites/")}`);

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e: unknown = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(e)}`);
  return e;
}

describe("azure/app-service slots behind an emulator's host names", () => {
  it("checks the staging slot through APISHIP_CONNECT_TO: a healthy one is swapped in, a crashing one fails on its status", async () => {
    const w = await world(undefined, undefined, undefined, true);
    try {
      const first = await deployIn(w, NAME, undefined, image(1));
      expect(w.fake.world.sites.get(NAME)?.hostName).toBe(`${NAME}.azurewebsites.invalid`);
      await deployIn(w, NAME, first.result.state, image(2));
      expect([fx(w), fx(w, "staging")]).toEqual(["DOCKER|ghcr.io/acme/shop:2", "DOCKER|ghcr.io/acme/shop:1"]);
      const probes = w.fake.requests.filter((q) => q.path === "/healthz").map((q) => q.headers.host);
      expect(probes).toEqual([`${NAME}-staging.azurewebsites.invalid`]);

      w.fake.world.crashImages.add("ghcr.io/acme/shop:3");
      const recorded = (await planIn(w, NAME)).observed;
      const e = await failure(deployIn(w, NAME, recorded, image(3)));
      expect(e.code).toBe("SLOT_UNHEALTHY");
      // The slot answered: it failed on its status, not because its name did not resolve.
      expect(e.message).toMatch(/GET http:\/\/shop-dev-web-staging\.azurewebsites\.invalid\/healthz: 503/);
      expect(fx(w)).toBe("DOCKER|ghcr.io/acme/shop:2");
    } finally {
      await w.close();
    }
  });
});

describe("azure/app-service rollback after a failed slot check", () => {
  it("leaves production alone, never swapping the failed release in, when it was a first release", async () => {
    const w = await world();
    try {
      const first = (await deployIn(w, NAME, undefined, image(1))).result;
      w.fake.world.crashImages.add("ghcr.io/acme/shop:3");
      expect((await failure(deployIn(w, NAME, first.state, image(3)))).code).toBe("SLOT_UNHEALTHY");
      const from = w.fake.requests.length;
      // As the engine does after a failed apply: back to the last healthy release, from the record.
      const back = await w.adapter.rollback?.(await w.ctx(), first.state, first.state);
      expect(productionWrites(w, from)).toEqual([]);
      expect(fx(w)).toBe("DOCKER|ghcr.io/acme/shop:1");
      expect(back?.release).toBe(first.release);
    } finally {
      await w.close();
    }
  });

  it("does not PUT production again when the slot held an older release", async () => {
    const w = await world();
    try {
      const first = (await deployIn(w, NAME, undefined, image(1))).result;
      const second = (await deployIn(w, NAME, first.state, image(2))).result;
      w.fake.world.crashImages.add("ghcr.io/acme/shop:3");
      expect((await failure(deployIn(w, NAME, second.state, image(3)))).code).toBe("SLOT_UNHEALTHY");
      const from = w.fake.requests.length;
      await w.adapter.rollback?.(await w.ctx(), second.state, second.state);
      expect(productionWrites(w, from)).toEqual([]);
      expect(fx(w)).toBe("DOCKER|ghcr.io/acme/shop:2");
      // Going back further: the slot holds the failed release now, not the one the record says,
      // so the older release goes back in place and the crashing image is never swapped in.
      await w.adapter.rollback?.(await w.ctx(), second.state, first.state);
      expect(productionWrites(w, from)).toEqual([`PUT sites/${NAME}`]);
      expect(fx(w)).toBe("DOCKER|ghcr.io/acme/shop:1");
    } finally {
      await w.close();
    }
  });
});

describe("azure/app-service retried after an apply that was never recorded", () => {
  it("sees the secret it set from the fingerprint in the site's settings, and PUTs nothing again", async () => {
    const w = await world();
    try {
      await deployIn(w, NAME, undefined, image(1));
      const puts = () => w.fake.requests.filter((q) => q.method === "PUT").length;
      const before = puts();
      // The run died before it recorded anything: only the cloud says what was done.
      const again = await planIn(w, NAME, undefined, image(1));
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
      await w.adapter.apply(await w.ctx(), { ...again, secrets: { API_KEY: SECRET_VALUE } });
      expect(puts()).toBe(before);
    } finally {
      await w.close();
    }
  });
});
