// examples/hello-fn on azure/functions (Flex Consumption), and a container on azure/aks,
// through the built CLI against the ARM fake (AZURE_RESOURCE_MANAGER_ENDPOINT, plain http, no
// Azure credentials). The fake serves the function app's host and its OneDeploy endpoint; the
// AKS cluster's user credential points at the Kubernetes fake.

import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import { isMutating, startAzureFake } from "../fakes/azure/index.js";
import type { AzureFake } from "../fakes/azure/index.js";
import { startKubeFake } from "../fakes/kubernetes/server.js";
import { jsonStream } from "./deploy-helpers.js";
import { ROOT, apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const APP = "hello-fn-production-azfn";

let fake: AzureFake;
let dir: string;
const env = () => ({ AZURE_RESOURCE_MANAGER_ENDPOINT: fake.url, APISHIP_AZURE_POLL_MS: "5" });
const cli = (args: string[]) => apiship(args, { cwd: dir, env: env() });
const site = () => fake.world.sites.get(APP);

beforeAll(async () => {
  ensureBuilt();
  fake = await startAzureFake();
  dir = tempDir("apiship-e2e-azfn-");
  cpSync(join(ROOT, "examples/hello-fn"), dir, { recursive: true });
  const file = join(dir, "apiship.yaml");
  const doc = parse(readFileSync(file, "utf8")) as {
    targets: Record<string, unknown>;
    environments: Record<string, unknown>;
    defaultEnvironment?: string;
  };
  doc.targets = { azfn: doc.targets.azfn };
  doc.environments = {
    production: {
      targets: ["azfn"],
      service: { scaling: { min: 1 }, health: { path: "/healthz", attempts: 2, interval: "50ms" } },
    },
  };
  doc.defaultEnvironment = "production";
  writeFileSync(file, stringify(doc));
}, 180_000);
afterAll(async () => {
  await fake?.close();
  cleanup();
});

describe.sequential("azure/functions through the built CLI", () => {
  it("deploy creates the Flex app with its storage and sends the package; health passes", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const { events, envelope } = jsonStream<DeployCommandResult>(r);
    expect(envelope.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["azfn", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    const farm = [...fake.world.farms.values()][0];
    expect([farm?.sku.name, farm?.sku.tier]).toEqual(["FC1", "FlexConsumption"]);
    expect(site()?.functionAppConfig).toMatchObject({
      runtime: { name: "node", version: "20" },
      scaleAndConcurrency: { maximumInstanceCount: 20, alwaysReady: [{ name: "http", instanceCount: 1 }] },
    });
    expect(site()?.packages).toHaveLength(1);
    expect(fake.world.storage.size).toBe(1);
  });

  it("an unchanged redeploy makes no mutating call and sends no package", async () => {
    const before = fake.requests.filter(isMutating).length;
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(fake.requests.filter(isMutating).length).toBe(before);
    expect(site()?.packages).toHaveLength(1);
  });

  it("a code change sends the new package only", async () => {
    const src = join(dir, "src/index.mjs");
    writeFileSync(src, readFileSync(src, "utf8").replace("hello, ", "hi, "));
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(site()?.packages).toHaveLength(2);
    expect(site()?.settings.APISHIP_PACKAGE_SHA256).toBe(site()?.packages[1]);
  });

  it("rollback redeploys the previous package", async () => {
    const r = await cli(["rollback", "--yes"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const p = site()?.packages ?? [];
    expect(p).toHaveLength(3);
    expect(p[2]).toBe(p[0]);
  });

  it("destroy deletes the group apiship created", async () => {
    const r = await cli(["destroy", "--confirm", "production"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(fake.world.groups.size + fake.world.sites.size + fake.world.storage.size).toBe(0);
  });
});

describe("azure/functions behind an emulator's host names", () => {
  it("deploys through APISHIP_CONNECT_TO: Kudu and the health check reach <app>.azurewebsites.invalid; a flaky publish is retried without a second app PUT", async () => {
    const emu = await startAzureFake({
      world: { siteDomain: "azurewebsites.invalid", kudu: { publishFailures: 2, deployPolls: 2 } },
    });
    try {
      const r = await apiship(["deploy", "--yes", "--json"], {
        cwd: dir,
        env: {
          ...env(),
          AZURE_RESOURCE_MANAGER_ENDPOINT: emu.url,
          APISHIP_CONNECT_TO: `:80:127.0.0.1:${emu.port}`,
          // This run's state is its own: a fresh emulator behind the same manifest.
          APISHIP_STATE: `sqlite:${join(dir, ".apiship", "emulator.db")}`,
        },
      });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const hosts = (p: string) => emu.requests.filter((q) => q.path === p).map((q) => q.headers.host);
      expect(hosts("/api/publish")).toEqual(Array(3).fill(`${APP}.scm.azurewebsites.invalid`));
      expect(hosts("/healthz")).toContain(`${APP}.azurewebsites.invalid`);
      const puts = emu.requests.filter(
        (q) => q.method === "PUT" && new RegExp(`/sites/${APP}$`, "i").test(q.path),
      );
      expect(puts).toHaveLength(1);
    } finally {
      await emu.close();
    }
  });
});

describe("azure/aks through the built CLI", () => {
  it("deploys to the cluster AKS hands out credentials for", async () => {
    const kube = await startKubeFake({ cluster: { readyDelayMs: 5 } });
    const aksDir = tempDir("apiship-e2e-aks-");
    try {
      const kubeconfig = readFileSync(kube.writeKubeconfig(join(aksDir, "kc")), "utf8");
      fake.world.groups.set(`${SUB}/rg-platform`, {
        subscription: SUB,
        name: "rg-platform",
        location: "westeurope",
        tags: {},
      });
      fake.world.clusters.set(`${SUB}/rg-platform/aks-prod`, {
        subscription: SUB,
        group: "rg-platform",
        name: "aks-prod",
        location: "westeurope",
        body: {
          id: `/subscriptions/${SUB}/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-prod`,
          name: "aks-prod",
          location: "westeurope",
          properties: { provisioningState: "Succeeded", powerState: { code: "Running" } },
        },
        kubeconfig,
      });
      writeFileSync(
        join(aksDir, "apiship.yaml"),
        [
          "apiVersion: apiship/v1",
          "name: shop",
          "service:",
          '  container: { image: "ghcr.io/acme/shop:1", port: 8080 }',
          "targets:",
          `  cluster: { provider: azure, platform: aks, subscription: "${SUB}", resourceGroup: rg-platform, cluster: aks-prod, namespace: apis }`,
          "environments:",
          "  dev: { targets: [cluster] }",
          "defaultEnvironment: dev",
          "",
        ].join("\n"),
      );
      const r = await apiship(["deploy", "--yes", "--json"], { cwd: aksDir, env: env() });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const out = jsonStream<DeployCommandResult>(r).envelope;
      expect(out.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
        ["cluster", "deployed"],
      ]);
      expect(
        kube.requests.some((q) => q.method === "PATCH" && q.path.includes("/namespaces/apis/deployments/")),
      ).toBe(true);
      expect(fake.requests.some((q) => /listClusterUserCredential$/.test(q.path))).toBe(true);
    } finally {
      await kube.close();
    }
  });
});
