// azure/functions passes the same lifecycle as every platform against the ARM fake (the code
// goes out through the fake's OneDeploy endpoint); an unchanged package is never sent again,
// and a rollback redeploys the previous package.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DeployableTarget } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import type { AzureClients } from "../../providers/azure/clients.js";
import { functions } from "../../providers/azure/functions.js";
import type { FunctionsOptions, FunctionsState } from "../../providers/azure/functions.js";
import { SECRET_VALUE, SUBSCRIPTION, azureWorld } from "../fakes/azure/harness.js";
import type { WorldSetup } from "../fakes/azure/harness.js";
import { readAndPlan } from "../support/read-plan.js";
import { worldFixture } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

const adapter = functions as DeployableTarget<FunctionsOptions, FunctionsState, AzureClients>;
const NAME = "shop-dev-fn";

function source(): string {
  const dir = mkdtempSync(join(tmpdir(), "apiship-azfn-"));
  writeFileSync(join(dir, "index.js"), "module.exports = async () => ({ status: 200, body: 'ok' });\n");
  writeFileSync(join(dir, "host.json"), '{ "version": "2.0" }\n');
  return dir;
}

const serviceFor = (src: string): ServiceSpec => ({
  kind: "function",
  function: { runtime: "nodejs22", handler: "index.handler", source: src, interface: "native" },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { memory: 512 },
  scaling: { min: 1, max: 20 },
  health: { path: "/api/health", status: 200, timeoutMs: 2000, attempts: 2, intervalMs: 20 },
  access: "public",
  timeoutMs: 30_000,
});

async function world(extra: Pick<WorldSetup<FunctionsOptions>, "fake" | "sitesByHost"> = {}) {
  const src = source();
  const options = functions.options.parse({
    subscription: SUBSCRIPTION,
    resourceGroup: "rg-shop-fn",
    location: "westeurope",
  });
  const w = await azureWorld(adapter, {
    name: "fn",
    platform: "functions",
    options,
    service: serviceFor(src),
    ...extra,
  });
  return { w, src, close: async () => (await w.close(), rmSync(src, { recursive: true, force: true })) };
}

async function planned(w: Awaited<ReturnType<typeof world>>["w"], recorded?: FunctionsState) {
  const ctx = await w.ctx();
  const artifact = await adapter.build?.(ctx, w.stack.service);
  return readAndPlan(adapter, ctx, {
    stack: w.stack,
    target: w.target,
    service: w.stack.service,
    name: NAME,
    recorded,
    secretHashes: { API_KEY: "hmac-sha256:1" },
    ...(artifact ? { artifact } : {}),
  });
}

async function deploy(w: Awaited<ReturnType<typeof world>>["w"], recorded?: FunctionsState) {
  const plan = await planned(w, recorded);
  if (plan.changes.every((c) => c.action === "no-op")) return { planned: plan, state: plan.observed };
  const res = await adapter.apply(await w.ctx(), { ...plan, secrets: { API_KEY: SECRET_VALUE } });
  return { planned: plan, state: res.state };
}

const sitePuts = (w: Awaited<ReturnType<typeof world>>["w"]) =>
  w.fake.requests.filter(
    (q) => q.method === "PUT" && /\/providers\/microsoft\.web\/sites\/[^/]+$/i.test(q.path),
  );

describeLifecycle("azure/functions", async () => {
  const { w, close } = await world();
  return worldFixture(w, {
    adapter,
    name: NAME,
    secrets: { API_KEY: SECRET_VALUE },
    update: (svc) => ({ ...svc, resources: { memory: 2048 } }),
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, location: "northeurope" } }),
      forcedBy: "location",
    },
    close,
  });
});

describe("azure/functions packages", () => {
  it("deploys the zip once, skips an unchanged package, and rolls back by redeploying the previous one", async () => {
    const { w, src, close } = await world();
    try {
      const first = await deploy(w);
      const site = w.fake.world.sites.get(NAME);
      expect(site?.kind).toBe("functionapp,linux");
      expect(site?.functionAppConfig).toMatchObject({
        runtime: { name: "node", version: "22" },
        scaleAndConcurrency: {
          instanceMemoryMB: 512,
          maximumInstanceCount: 20,
          alwaysReady: [{ name: "http", instanceCount: 1 }],
        },
        deployment: {
          storage: {
            type: "blobContainer",
            value: expect.stringMatching(
              /^https:\/\/shopdevfn[a-z2-7]{8}\.blob\.core\.windows\.net\/app-package-shop-dev-fn$/,
            ),
          },
        },
      });
      expect(site?.packages).toHaveLength(1);
      expect(site?.settings.APISHIP_PACKAGE_SHA256).toBe(site?.packages[0]);
      expect(site?.settings.AzureWebJobsStorage).toMatch(
        /^DefaultEndpointsProtocol=https;AccountName=shopdevfn/,
      );
      // The storage key is in the app's settings, never in the state.
      expect(JSON.stringify(first.state)).not.toContain("fake-key-");
      const again = await deploy(w, first.state);
      expect(again.planned.changes.filter((c) => c.action !== "no-op")).toEqual([]);
      expect(site?.packages).toHaveLength(1);

      writeFileSync(join(src, "index.js"), "module.exports = async () => ({ status: 204 });\n");
      const second = await deploy(w, first.state);
      expect(second.planned.changes.filter((c) => c.action !== "no-op").map((c) => c.type)).toEqual(["app"]);
      expect(site?.packages).toHaveLength(2);
      expect(site?.settings.APISHIP_PACKAGE_SHA256).toBe(site?.packages[1]);

      if (!second.state || !first.state) throw new Error("no state");
      const back = await adapter.rollback?.(await w.ctx(), second.state, first.state);
      expect(site?.packages).toEqual([site?.packages[0], site?.packages[1], site?.packages[0]]);
      expect(site?.settings.APISHIP_PACKAGE_SHA256).toBe(site?.packages[0]);
      expect(site?.settings.API_KEY).toBe(SECRET_VALUE);
      expect(back?.state.release).toBe(first.state.release);
    } finally {
      await close();
    }
  });

  it("refuses the plans it cannot deploy yet, naming the option", async () => {
    const { w, close } = await world();
    try {
      const target = { ...w.target, options: { ...w.target.options, plan: "premium" as const } };
      await expect(
        readAndPlan(adapter, await w.ctx(target), {
          stack: w.stack,
          target,
          service: w.stack.service,
          name: NAME,
          recorded: undefined,
          secretHashes: {},
        }),
      ).rejects.toThrow(/plan: premium is not deployable by azure\/functions/);
    } finally {
      await close();
    }
  });
});

describe("azure/functions through an emulator's host names, with a flaky Kudu", () => {
  it("sends the package to <app>.scm.<domain> through APISHIP_CONNECT_TO, and a flaky publish PUTs the app once", async () => {
    const { w, close } = await world({
      sitesByHost: true,
      fake: { world: { kudu: { publishFailures: 2 } } },
    });
    try {
      const first = await deploy(w);
      const site = w.fake.world.sites.get(NAME);
      expect(site?.hostName).toBe(`${NAME}.azurewebsites.invalid`);
      const publishes = w.fake.requests.filter((q) => q.path === "/api/publish");
      // Two 503s, then the package: retried in the data plane's client, not by a new apply.
      expect(publishes.map((q) => q.headers.host)).toEqual(
        Array(3).fill(`${NAME}.scm.azurewebsites.invalid`),
      );
      expect(site?.packages).toHaveLength(1);
      expect(sitePuts(w)).toHaveLength(1);
      expect(first.state?.app?.codeSha256).toBe(site?.packages[0]);
    } finally {
      await close();
    }
  });

  it("after a first deploy that wrote the app but failed in Kudu and was never recorded, the plan shows no secret change and the retry PUTs nothing again", async () => {
    const { w, close } = await world({
      sitesByHost: true,
      fake: { world: { kudu: { publishFailures: 99 } } },
    });
    try {
      const failed = await deploy(w).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(ProviderError);
      expect((failed as ProviderError).spent).toBe(5);
      expect(sitePuts(w)).toHaveLength(1);
      w.fake.world.kudu.publishFailures = 0;
      // Nothing was recorded: the plan compares with the cloud only.
      const again = await planned(w, undefined);
      const app = again.changes.find((c) => c.type === "app");
      expect(app?.action).toBe("update");
      expect(app?.reason).toBe("codeSha256 changed");
      expect((app?.before as { secrets?: unknown }).secrets).toEqual({ API_KEY: "hmac-sha256:1" });
      const res = await adapter.apply(await w.ctx(), { ...again, secrets: { API_KEY: SECRET_VALUE } });
      expect(sitePuts(w)).toHaveLength(1);
      expect(w.fake.world.sites.get(NAME)?.packages).toHaveLength(1);
      const settled = await planned(w, res.state);
      expect(settled.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe("azure/functions rollback after a failed deploy", () => {
  it("sends neither the package nor the settings again when the app still runs the release to go back to", async () => {
    const { w, src, close } = await world();
    try {
      const first = await deploy(w);
      writeFileSync(join(src, "index.js"), "module.exports = async () => ({ status: 500 });\n");
      w.fake.world.kudu.failDeployments = 1;
      const failed = await deploy(w, first.state).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((failed as ProviderError).message).toMatch(/OneDeploy deployment: Failed/);
      const from = w.fake.requests.length;
      if (!first.state) throw new Error("no state");
      const back = await adapter.rollback?.(await w.ctx(), first.state, first.state);
      const writes = w.fake.requests.slice(from).filter((q) => q.method === "PUT" || q.method === "POST");
      expect(
        writes.filter((q) => !/\/list(keys)?$/i.test(q.path)).map((q) => `${q.method} ${q.path}`),
      ).toEqual([]);
      expect(back?.state.release).toBe(first.state.release);
      expect(w.fake.world.sites.get(NAME)?.packages).toHaveLength(1);
    } finally {
      await close();
    }
  });
});
