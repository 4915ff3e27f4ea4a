// Each cloud platform's consoleUrl (what `apiship logs` names for a platform it cannot read logs
// from yet): the exact page for a realistic deployed target, the less specific one when the
// state is missing or partial, and nothing when an `endpoint` override points elsewhere.

import { describe, expect, it } from "vitest";
import type { TargetAdapter } from "../src/core/provider.js";
import { cloudWatchLogGroupUrl } from "./_shared/console.js";
import { createBuiltinRegistry } from "./index.js";

const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const NAME = "shop-prod-api";

interface Case {
  /** The target's options before its schema fills the defaults. */
  options: Record<string, unknown>;
  /** What a deploy recorded. Where it can, it disagrees with the options (the target moved and is not applied yet), so the test tells which one was read. */
  state: Record<string, unknown>;
  url: string | undefined;
  /** With no state, or `{}` (what `apiship logs` passes for a record without adapter state). */
  bare: string | undefined;
}

const CASES: Record<string, Case> = {
  "aws/lambda": {
    options: { region: "us-east-1" },
    state: {
      name: NAME,
      region: "eu-central-1",
      function: { arn: `arn:aws:lambda:eu-central-1:123456789012:function:${NAME}` },
      alias: { name: "live", functionVersion: "7" },
    },
    url: "https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fshop-prod-api",
    bare: "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fshop-prod-api",
  },
  "aws/ecs-fargate": {
    options: { region: "us-east-1", cluster: "apis-prod" },
    state: {
      name: NAME,
      region: "eu-west-1",
      cluster: {
        name: "apis-prod",
        arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/apis-prod",
        managed: false,
      },
      logGroup: { region: "eu-west-1", name: "/ecs/shop-prod-api-v1", retentionDays: 30 },
      taskDefinition: { logGroup: "/ecs/shop-prod-api-v1", revision: 4 },
      service: { region: "eu-west-1", cluster: "apis-prod", desiredCount: 2 },
    },
    url: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fshop-prod-api-v1",
    bare: "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fecs$252Fshop-prod-api",
  },
  "azure/functions": {
    options: { subscription: SUB, resourceGroup: "rg-shop-prod-weu", location: "westeurope" },
    state: {
      name: NAME,
      subscription: SUB,
      resourceGroup: "rg-shop-prod",
      app: {
        id: `/subscriptions/${SUB}/resourceGroups/rg-shop-prod/providers/Microsoft.Web/sites/${NAME}`,
        hostName: `${NAME}.azurewebsites.net`,
      },
    },
    url: `https://portal.azure.com/#@/resource/subscriptions/${SUB}/resourceGroups/rg-shop-prod/providers/Microsoft.Web/sites/shop-prod-api/logStream`,
    bare: `https://portal.azure.com/#@/resource/subscriptions/${SUB}/resourceGroups/rg-shop-prod-weu/providers/Microsoft.Web/sites/shop-prod-api/logStream`,
  },
  "azure/app-service": {
    options: { subscription: SUB, resourceGroup: "rg-shop-prod-weu", location: "westeurope" },
    state: {
      name: NAME,
      subscription: SUB,
      resourceGroup: "rg-shop-prod",
      site: { id: "(elided)", hostName: `${NAME}.azurewebsites.net` },
      release: "0c1d2e3f4a5b",
    },
    url: `https://portal.azure.com/#@/resource/subscriptions/${SUB}/resourceGroups/rg-shop-prod/providers/Microsoft.Web/sites/shop-prod-api/logStream`,
    bare: `https://portal.azure.com/#@/resource/subscriptions/${SUB}/resourceGroups/rg-shop-prod-weu/providers/Microsoft.Web/sites/shop-prod-api/logStream`,
  },
  "azure/aks": {
    options: {
      subscription: SUB,
      resourceGroup: "rg-platform-prod",
      cluster: "aks-prod-weu",
      namespace: "apis",
    },
    state: { name: NAME, namespace: "apis", objects: { deployment: { name: NAME, namespace: "apis" } } },
    url: `https://portal.azure.com/#@/resource/subscriptions/${SUB}/resourceGroups/rg-platform-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-weu/workloads`,
    bare: `https://portal.azure.com/#@/resource/subscriptions/${SUB}/resourceGroups/rg-platform-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-weu/workloads`,
  },
  "gcp/cloud-run": {
    options: { project: "acme-ml", region: "europe-west1" },
    state: {
      name: NAME,
      project: "acme-ml-prod",
      region: "europe-west4",
      service: { resourceName: `projects/acme-ml-prod/locations/europe-west4/services/${NAME}` },
    },
    url: "https://console.cloud.google.com/run/detail/europe-west4/shop-prod-api/logs?project=acme-ml-prod",
    bare: "https://console.cloud.google.com/run/detail/europe-west1/shop-prod-api/logs?project=acme-ml",
  },
  "gcp/cloud-functions": {
    options: { project: "acme-ml", region: "europe-west1" },
    state: {
      name: NAME,
      project: "acme-ml-prod",
      region: "europe-west4",
      function: { resourceName: `projects/acme-ml-prod/locations/europe-west4/functions/${NAME}` },
    },
    url: "https://console.cloud.google.com/functions/details/europe-west4/shop-prod-api?project=acme-ml-prod&env=gen2&tab=logs",
    bare: "https://console.cloud.google.com/functions/details/europe-west1/shop-prod-api?project=acme-ml&env=gen2&tab=logs",
  },
  "gcp/gke": {
    options: { project: "acme-ml", location: "europe-west1", cluster: "apis-prod", namespace: "apis" },
    state: {
      name: NAME,
      namespace: "shop",
      objects: { deployment: { apiVersion: "apps/v1", kind: "Deployment", name: NAME, namespace: "shop" } },
    },
    url: "https://console.cloud.google.com/kubernetes/deployment/europe-west1/apis-prod/shop/shop-prod-api/logs?project=acme-ml",
    bare: "https://console.cloud.google.com/kubernetes/deployment/europe-west1/apis-prod/apis/shop-prod-api/logs?project=acme-ml",
  },
  "firebase/functions": {
    options: { project: "acme-web" },
    state: { function: { name: NAME, project: "acme-web-prod", region: "us-central1" } },
    url: "https://console.firebase.google.com/project/acme-web-prod/functions/logs",
    bare: "https://console.firebase.google.com/project/acme-web/functions/logs",
  },
  "digitalocean/app-platform": {
    options: { region: "fra" },
    state: {
      name: NAME,
      appId: "4f6c71e2-1e90-4d5c-9c2e-2a5b8c1f0e77",
      liveUrl: "https://shop-prod-api-x7k2q.ondigitalocean.app",
    },
    url: "https://cloud.digitalocean.com/apps/4f6c71e2-1e90-4d5c-9c2e-2a5b8c1f0e77/logs",
    bare: "https://cloud.digitalocean.com/apps",
  },
  "digitalocean/functions": {
    options: { region: "fra1", namespace: "shop-prod" },
    state: {
      name: NAME,
      namespace: {
        id: "0b9a3c1e-5d7f-4e2a-9b8c-6d5e4f3a2b1c",
        namespace: "fn-0b9a3c1e-5d7f-4e2a-9b8c-6d5e4f3a2b1c",
        apiHost: "https://faas-fra1-afec6ce7.doserverless.co",
        created: true,
        label: "shop-prod",
        region: "fra1",
      },
    },
    url: "https://cloud.digitalocean.com/functions/fn-0b9a3c1e-5d7f-4e2a-9b8c-6d5e4f3a2b1c/logs",
    bare: "https://cloud.digitalocean.com/functions",
  },
  "digitalocean/droplet": {
    options: { region: "fra1" },
    state: {
      name: NAME,
      tag: `apiship:${NAME}`,
      reservedIp: { ip: "203.0.113.7", region: "fra1" },
      droplet: { id: 412345678, name: `${NAME}-2`, generation: 2 },
      previous: { id: 401234567, name: `${NAME}-1`, generation: 1 },
    },
    url: "https://cloud.digitalocean.com/droplets/412345678",
    bare: "https://cloud.digitalocean.com/droplets",
  },
  "heroku/heroku": {
    options: { region: "eu" },
    state: { app: "acme-shop-api", region: "eu", stack: "container", team: null, created: true },
    url: "https://dashboard.heroku.com/apps/acme-shop-api/logs",
    bare: "https://dashboard.heroku.com/apps/shop-prod-api/logs",
  },
  "kubernetes/kubernetes": {
    options: { namespace: "apis" },
    state: { name: NAME, namespace: "apis", objects: {} },
    url: undefined,
    bare: undefined,
  },
};

/** A built-in platform whole: the registry lists descriptors, consoleUrl is behaviour. */
async function platform(provider: string, name: string): Promise<TargetAdapter> {
  const t = await createBuiltinRegistry().platform(provider, name);
  if (!t) throw new Error(`no ${provider}/${name}`);
  return t;
}

async function cloudPlatforms(): Promise<TargetAdapter[]> {
  const mods = await createBuiltinRegistry().all();
  // local/* reads its logs itself (logs()), and has no console.
  const infos = mods.filter((m) => m.id !== "local").flatMap((m) => Object.values(m.targets));
  return Promise.all(infos.map((t) => platform(t.provider, t.platform)));
}

function targetOf(t: TargetAdapter, raw: Record<string, unknown>) {
  const options = t.options.parse(raw);
  return { name: "api", provider: t.provider, platform: t.platform, options };
}

function urlOf(
  t: TargetAdapter,
  raw: Record<string, unknown>,
  state: object | undefined,
): string | undefined {
  return t.consoleUrl?.(targetOf(t, raw), state, NAME);
}

describe("consoleUrl", () => {
  it("has a case for every built-in cloud platform", async () => {
    const ids = (await cloudPlatforms()).map((t) => t.id);
    expect(ids.sort()).toEqual(Object.keys(CASES).sort());
  });

  it("is defined by every cloud platform but kubernetes, which has no console to name", async () => {
    for (const t of await cloudPlatforms()) {
      if (t.id === "kubernetes/kubernetes") continue;
      expect(typeof t.consoleUrl, t.id).toBe("function");
    }
  });

  it("names the page of the deployed resource's logs, from the recorded state", async () => {
    for (const t of await cloudPlatforms()) {
      const c = CASES[t.id];
      if (!c) throw new Error(`no case for ${t.id}`);
      expect(urlOf(t, c.options, c.state), t.id).toBe(c.url);
    }
  });

  it("falls back to the options and the physical name when the state is missing or empty", async () => {
    for (const t of await cloudPlatforms()) {
      const c = CASES[t.id];
      if (!c) throw new Error(`no case for ${t.id}`);
      expect(urlOf(t, c.options, undefined), `${t.id} without state`).toBe(c.bare);
      expect(urlOf(t, c.options, {}), `${t.id} with {}`).toBe(c.bare);
    }
  });

  it("is undefined when an endpoint override sends the target to an emulator", async () => {
    for (const t of await cloudPlatforms()) {
      const c = CASES[t.id];
      if (!c || t.id === "kubernetes/kubernetes") continue;
      const options = { ...c.options, endpoint: "http://127.0.0.1:4566" };
      expect(urlOf(t, options, c.state), t.id).toBeUndefined();
      expect(urlOf(t, options, undefined), t.id).toBeUndefined();
    }
  });

  it("heroku names the app the options give when nothing is recorded", async () => {
    const heroku = await platform("heroku", "heroku");
    expect(urlOf(heroku, { app: "acme-api" }, undefined)).toBe(
      "https://dashboard.heroku.com/apps/acme-api/logs",
    );
  });

  it("gcp/gke names the cluster's page when no namespace is known", async () => {
    const gke = await platform("gcp", "gke");
    // Options as recorded before their schema filled `namespace` (no parse here).
    const target = {
      name: "api",
      provider: "gcp",
      platform: "gke",
      options: { project: "acme-ml", location: "europe-west1-b", cluster: "apis-prod" },
    };
    expect(gke.consoleUrl?.(target, undefined, NAME)).toBe(
      "https://console.cloud.google.com/kubernetes/clusters/details/europe-west1-b/apis-prod/details?project=acme-ml",
    );
  });

  it("writes CloudWatch links on the console host of the region's partition", () => {
    const group = "/aws/lambda/api";
    const tail = "#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fapi";
    expect(cloudWatchLogGroupUrl("cn-north-1", group)).toBe(
      `https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1${tail}`,
    );
    expect(cloudWatchLogGroupUrl("us-gov-west-1", group)).toBe(
      `https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1${tail}`,
    );
  });
});
