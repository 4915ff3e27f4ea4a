// azure/aks passes the same lifecycle as every platform: the ARM fake holds the cluster, whose
// user credential (listClusterUserCredential) is a kubeconfig pointing at the Kubernetes fake,
// so every object the kubernetes adapter applies lands there.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Ctx, DeployableTarget } from "../../src/core/provider.js";
import { aks } from "../../providers/azure/aks.js";
import type { AksClients } from "../../providers/azure/aks-cluster.js";
import { SUBSCRIPTION, containerService, azureWorld } from "../fakes/azure/harness.js";
import type { AzureWorld } from "../fakes/azure/harness.js";
import { startKubeFake } from "../fakes/kubernetes/server.js";
import { readAndPlan } from "../support/read-plan.js";
import { worldFixture } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

const adapter = aks as unknown as DeployableTarget<Record<string, unknown>, object, AksClients>;

async function setup() {
  const kube = await startKubeFake({ cluster: { readyDelayMs: 5 } });
  const dir = mkdtempSync(join(tmpdir(), "apiship-aks-"));
  const kubeconfig = readFileSync(kube.writeKubeconfig(join(dir, "kubeconfig")), "utf8");
  const options = aks.options.parse({
    subscription: SUBSCRIPTION,
    resourceGroup: "rg-platform",
    cluster: "aks-prod",
    namespace: "apis",
  }) as unknown as Record<string, unknown>;
  const w = (await azureWorld(adapter as never, {
    name: "web",
    platform: "aks",
    options,
    service: { ...containerService, secrets: {} },
  })) as AzureWorld<Record<string, unknown>, object>;
  w.fake.world.groups.set(`${SUBSCRIPTION}/rg-platform`, {
    subscription: SUBSCRIPTION,
    name: "rg-platform",
    location: "westeurope",
    tags: {},
  });
  w.fake.world.clusters.set(`${SUBSCRIPTION}/rg-platform/aks-prod`, {
    subscription: SUBSCRIPTION,
    group: "rg-platform",
    name: "aks-prod",
    location: "westeurope",
    body: {
      id: `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-prod`,
      name: "aks-prod",
      type: "Microsoft.ContainerService/ManagedClusters",
      location: "westeurope",
      properties: {
        provisioningState: "Succeeded",
        powerState: { code: "Running" },
        kubernetesVersion: "1.33.2",
        fqdn: "aks-prod-dns-1a2b3c.hcp.westeurope.azmk8s.io",
      },
    },
    kubeconfig,
  });
  return {
    w,
    kube,
    close: async () => {
      await w.close();
      await kube.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeLifecycle("azure/aks", async () => {
  const { w, close } = await setup();
  return worldFixture(w, {
    adapter,
    name: "shop-dev-web",
    update: (svc) => ({ ...svc, container: { image: "ghcr.io/acme/shop:2", port: 8080 } }),
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, namespace: "apis-2" } }),
      forcedBy: "namespace",
    },
    close,
  });
});

describe("azure/aks cluster access", () => {
  it("reads the cluster and its user credential from ARM, then only talks to the cluster", async () => {
    const { w, kube, close } = await setup();
    try {
      const ctx = (await w.ctx()) as unknown as Ctx<AksClients>;
      const planned = await readAndPlan(adapter, ctx, {
        stack: w.stack,
        target: w.target,
        service: w.stack.service,
        name: "shop-dev-web",
        recorded: undefined,
        secretHashes: {},
      });
      expect(planned.changes.some((c) => c.action === "create")).toBe(true);
      const arm = w.fake.requests.map((r) => `${r.method} ${r.path}`);
      expect(arm).toEqual([
        `GET /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-prod`,
        `POST /subscriptions/${SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ContainerService/managedClusters/aks-prod/listClusterUserCredential`,
      ]);
      expect(kube.requests.length).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  it("a missing cluster is the user's error, naming it", async () => {
    const { w, close } = await setup();
    try {
      w.fake.world.clusters.clear();
      const ctx = (await w.ctx()) as unknown as Ctx<AksClients>;
      await expect(adapter.read(ctx, undefined, "shop-dev-web")).rejects.toThrow(
        /AKS cluster aks-prod is not in resource group rg-platform/,
      );
    } finally {
      await close();
    }
  });
});
