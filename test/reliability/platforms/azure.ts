// Azure App Service, Functions (Flex Consumption) and AKS against the ARM fake, reached as an
// emulator is (AZURE_RESOURCE_MANAGER_ENDPOINT over plain http: a static bearer, no credential
// lookup). The fake serves the sites' hosts and Kudu itself, under the same faults; the AKS
// cluster is seeded in it, with a user credential that points at the Kubernetes fake.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startAzureFake } from "../../fakes/azure/index.js";
import type { AzureFake } from "../../fakes/azure/index.js";
import { startKubeFake } from "../../fakes/kubernetes/server.js";
import type { FakeRequest } from "../../fakes/_shared/server.js";
import type { Faults, Platform, Site } from "../platform-kit.js";
import {
  FaultSwitch,
  SECRET_VALUE,
  SECRET_VAR,
  manifestText,
  over,
  remaining,
  writeProject,
} from "../platform-kit.js";
import { kubeInventory, kubeKnobs } from "./kubernetes.js";

const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";

const armEnv = (fake: AzureFake) => ({
  AZURE_RESOURCE_MANAGER_ENDPOINT: fake.url,
  APISHIP_AZURE_POLL_MS: "5",
  [SECRET_VAR]: SECRET_VALUE,
});

/** ARM and Kudu calls; the sites' own hosts (/__sites/) are the health checks. */
const armCalls = (fake: AzureFake) =>
  fake.requests.filter((q: FakeRequest) => !q.path.startsWith("/__sites/"));

/** Groups apiship tagged as its own (a seeded group, like the AKS one, is not). */
const ownedGroups = (fake: AzureFake) =>
  [...fake.world.groups.values()].filter((g) => g.tags["apiship:managed"] === "true");

function webInventory(fake: AzureFake): Pick<Site, "duplicates" | "leftovers"> {
  const w = fake.world;
  return {
    duplicates: () => [
      ...over(1, {
        "resource groups": ownedGroups(fake).length,
        "App Service plans": w.farms.size,
        sites: w.sites.size,
        "storage accounts": w.storage.size,
      }),
      ...[...w.sites.values()].flatMap((s) =>
        over(1, {
          [`${s.name} slots`]: s.slots.size,
          // One package, published once: a second copy of it is a publish sent again.
          [`${s.name} packages`]: s.packages.length,
        }),
      ),
    ],
    leftovers: () =>
      remaining({
        "resource groups": ownedGroups(fake).length,
        "App Service plans": w.farms.size,
        sites: w.sites.size,
        "storage accounts": w.storage.size,
      }),
  };
}

async function webSite(dir: string, faults: Faults, manifest: string): Promise<Site> {
  const sw = new FaultSwitch(faults);
  const fake = await startAzureFake({ knobs: sw.knobs() });
  sw.track(fake.knobs);
  writeProject(dir, manifest);
  return {
    env: armEnv(fake),
    apiRequests: () => armCalls(fake).length,
    faults: (on) => sw.set(on),
    ...webInventory(fake),
    close: () => fake.close(),
  };
}

const location = `subscription: "${SUB}", resourceGroup: rg-faults, location: westeurope`;

export const appService: Platform = {
  id: "azure/app-service",
  seed: 201,
  start: (dir, faults) =>
    webSite(
      dir,
      faults,
      manifestText({
        code: 'container: { image: "ghcr.io/acme/shop:1", port: 8080 }',
        target: `provider: azure, platform: app-service, ${location}`,
      }),
    ),
};

export const functions: Platform = {
  id: "azure/functions",
  seed: 202,
  start: (dir, faults) =>
    webSite(
      dir,
      faults,
      manifestText({
        code: "function: { runtime: nodejs20, handler: index.handler, source: ./src, interface: native }",
        target: `provider: azure, platform: functions, ${location}`,
      }),
    ),
};

export const aks: Platform = {
  id: "azure/aks",
  seed: 203,
  async start(dir, faults) {
    const sw = new FaultSwitch(faults);
    const kube = await startKubeFake({ cluster: kubeKnobs(), faults: sw.knobs(1) });
    sw.track(kube.knobs);
    const fake = await startAzureFake({ knobs: sw.knobs(0) });
    sw.track(fake.knobs);
    // The cluster exists before apiship: it reads it and lists its user credential, nothing more.
    const kubeconfig = readFileSync(kube.writeKubeconfig(join(dir, "kubeconfig")), "utf8");
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
    writeProject(
      dir,
      manifestText({
        code: 'container: { image: "ghcr.io/acme/shop:1", port: 8080 }',
        target: `provider: azure, platform: aks, subscription: "${SUB}", resourceGroup: rg-platform, cluster: aks-prod, namespace: apis`,
      }),
    );
    const k = kubeInventory(kube);
    return {
      env: armEnv(fake),
      apiRequests: () => fake.requests.length + kube.requests.length,
      faults: (on) => sw.set(on),
      duplicates: () => [...k.duplicates(), ...over(1, { "resource groups": fake.world.groups.size })],
      leftovers: () => [
        ...k.leftovers(),
        ...remaining({ "apiship resource groups": ownedGroups(fake).length }),
      ],
      close: async () => {
        await fake.close();
        await kube.close();
      },
    };
  },
};
