// azure/functions with the ARM SDKs' transport stubbed (their `httpClient` option) and fetch
// stubbed for OneDeploy: the site body is checked against the official Flex Consumption example
// (WebApps_CreateOrUpdate, fixtures/responses/azure), whose response drives the adapter; and
// azure/aks's kubeconfig hand-over to the Kubernetes adapter.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import type { Ctx } from "../../src/core/provider.js";
import type { ServiceSpec, Stack } from "../../src/manifest/types.js";
import { accessFromKubeconfig } from "./aks-cluster.js";
import { createAzureClients } from "./clients.js";
import type { AzureClients } from "./clients.js";
import { functions } from "./functions.js";
import { applyFunctions, buildFunctions } from "./functions-apply.js";
import { instanceMemory, planFunctions } from "./functions-planner.js";

const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const FIX = join(import.meta.dirname, "../../fixtures/responses/azure");
const flex = JSON.parse(readFileSync(join(FIX, "CreateOrUpdateFunctionAppFlexConsumption.json"), "utf8")) as {
  parameters: { siteEnvelope: Record<string, unknown> };
  responses: { "200": { body: Record<string, unknown> } };
};

type Answer = { status: number; body?: unknown };
function stub(routes: [string, RegExp, Answer][]) {
  const sent: { method: string; path: string; body: unknown }[] = [];
  const client: HttpClient = {
    sendRequest: (req: PipelineRequest): Promise<PipelineResponse> => {
      const path = new URL(req.url).pathname;
      sent.push({
        method: req.method,
        path,
        body: typeof req.body === "string" ? (JSON.parse(req.body) as unknown) : undefined,
      });
      const a = routes.find(([m, re]) => m === req.method && re.test(path))?.[2] ?? {
        status: 404,
        body: { error: { code: "ResourceNotFound", message: "not found" } },
      };
      return Promise.resolve({
        request: req,
        status: a.status,
        headers: createHttpHeaders({ "content-type": "application/json" }),
        bodyAsText: a.body === undefined ? "" : JSON.stringify(a.body),
      });
    },
  };
  return { client, sent };
}

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function serviceIn(): ServiceSpec {
  const dir = mkdtempSync(join(tmpdir(), "apiship-azfn-unit-"));
  dirs.push(dir);
  writeFileSync(join(dir, "function_app.py"), "import azure.functions as func\n");
  return {
    kind: "function",
    function: { runtime: "python3.11", handler: "function_app.main", source: dir, interface: "native" },
    env: { LOG_LEVEL: "info" },
    secrets: {},
    resources: { memory: 2048 },
    scaling: { min: 0, max: 100 },
    health: { path: "/api/health", status: 200, timeoutMs: 500, attempts: 1, intervalMs: 10 },
    access: "public",
    timeoutMs: 30_000,
  };
}

describe("azure/functions first apply", () => {
  it("sends the site body of the official Flex Consumption example, then OneDeploy, then the package hash", async () => {
    const service = serviceIn();
    const options = functions.options.parse({
      subscription: SUB,
      resourceGroup: "testrg123",
      location: "eastus",
    });
    const target = { name: "fn", provider: "azure", platform: "functions", options };
    const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
    const site = {
      ...flex.responses["200"].body,
      tags: { "apiship:stack": "shop/dev", "apiship:target": "fn" },
    };
    const { client, sent } = stub([
      [
        "GET",
        /resourcegroups\/testrg123$/i,
        { status: 404, body: { error: { code: "ResourceGroupNotFound", message: "no" } } },
      ],
      ["POST", /checknameavailability$/, { status: 200, body: { nameAvailable: true } }],
      [
        "PUT",
        /resourcegroups\/testrg123$/i,
        { status: 201, body: { name: "testrg123", location: "eastus" } },
      ],
      [
        "PUT",
        /storageAccounts\/[a-z0-9]+$/,
        {
          status: 200,
          body: { name: "acct", location: "eastus", properties: { provisioningState: "Succeeded" } },
        },
      ],
      ["PUT", /containers\/app-package-sitef6141$/, { status: 201, body: { name: "app-package-sitef6141" } }],
      ["POST", /listKeys$/, { status: 200, body: { keys: [{ keyName: "key1", value: "k3y==" }] } }],
      [
        "PUT",
        /serverfarms\/sitef6141-plan$/,
        {
          status: 200,
          body: { name: "sitef6141-plan", location: "eastus", sku: { name: "FC1", tier: "FlexConsumption" } },
        },
      ],
      ["PUT", /sites\/sitef6141$/, { status: 200, body: site }],
      ["PUT", /sites\/sitef6141\/config\/appsettings$/, { status: 200, body: { properties: {} } }],
    ]);
    const ctx: Ctx<AzureClients> = {
      clients: await createAzureClients(
        {
          target,
          env: { AZURE_ACCESS_TOKEN: "t", APISHIP_AZURE_POLL_MS: "1" },
          retry: { maxAttempts: 1, baseMs: 1, capMs: 1, maxWaitMs: 1000 },
        },
        { httpClient: client },
      ),
      stack,
      target,
      progress: { step: () => {}, done: () => {} },
      log: { debug: () => {}, info: () => {}, warn: () => {} },
      signal: new AbortController().signal,
    };
    // Kudu is reached through the clients' dialing fetch, never the global one.
    const fetches: string[] = [];
    ctx.clients.fetch = (url) => {
      fetches.push(String(url));
      return Promise.resolve(
        String(url).endsWith("/latest")
          ? Response.json({ status: 4, complete: true })
          : new Response(null, { status: 202 }),
      );
    };
    const global = vi.spyOn(globalThis, "fetch");
    const artifact = await buildFunctions(ctx, service);
    const req = {
      stack,
      target,
      service,
      name: "sitef6141",
      recorded: undefined,
      observed: undefined,
      secretHashes: {},
      artifact,
    };
    const changes = planFunctions(req).changes;
    expect(changes.map((c) => `${c.action} ${c.type}`)).toEqual([
      "create resource-group",
      "create storage",
      "create container",
      "create plan",
      "create app",
    ]);
    const res = await applyFunctions(ctx, { ...req, changes, secrets: {} });

    const put = sent.find((s) => s.method === "PUT" && /sites\/sitef6141$/.test(s.path))?.body as Record<
      string,
      unknown
    >;
    const example = flex.parameters.siteEnvelope as {
      kind: string;
      properties: { functionAppConfig: Record<string, unknown> };
    };
    expect(put.kind).toBe(example.kind);
    const cfg = (put.properties as { functionAppConfig: Record<string, unknown> }).functionAppConfig;
    // The same shape as the official request, with apiship's values.
    expect(Object.keys(cfg).sort()).toEqual(Object.keys(example.properties.functionAppConfig).sort());
    expect(cfg).toMatchObject({
      deployment: {
        storage: {
          type: "blobContainer",
          authentication: {
            type: "StorageAccountConnectionString",
            storageAccountConnectionStringName: "DEPLOYMENT_STORAGE_CONNECTION_STRING",
          },
        },
      },
      runtime: { name: "python", version: "3.11" },
      scaleAndConcurrency: { instanceMemoryMB: 2048, maximumInstanceCount: 100 },
    });
    // A Python app: Azure installs its requirements.txt (a remote build), as `az functionapp
    // deployment source config-zip --build-remote true` asks.
    expect(fetches).toEqual([
      "https://sitef6141.scm.azurewebsites.net/api/publish?RemoteBuild=true&Deployer=apiship",
      "https://sitef6141.scm.azurewebsites.net/api/deployments/latest",
    ]);
    expect(global).not.toHaveBeenCalled();
    const settings = sent.at(-1)?.body as { properties: Record<string, string> };
    expect(settings.properties.APISHIP_PACKAGE_SHA256).toBe(artifact.sha256);
    expect(settings.properties.AzureWebJobsStorage).toContain("AccountKey=k3y==");
    expect(JSON.stringify(res.state)).not.toContain("k3y==");
    expect(res.endpoint).toBe("https://sitef6141.azurewebsites.net");
  });

  it("rounds memory up to a Flex instance size", () => {
    expect([
      instanceMemory(128),
      instanceMemory(512),
      instanceMemory(1024),
      instanceMemory(3000),
      instanceMemory(9000),
    ]).toEqual([512, 512, 2048, 4096, 4096]);
  });
});

describe("azure/aks kubeconfig hand-over", () => {
  const kc = (user: string) => `apiVersion: v1
kind: Config
clusters:
- name: aks-prod
  cluster:
    certificate-authority-data: Q0E=
    server: https://aks-prod-dns-1a2b.hcp.westeurope.azmk8s.io:443
contexts:
- name: aks-prod
  context: { cluster: aks-prod, user: clusterUser_rg_aks-prod }
current-context: aks-prod
users:
- name: clusterUser_rg_aks-prod
  user:
${user}
`;

  it("takes the server, CA and token of the current context", () => {
    expect(accessFromKubeconfig(parse(kc("    token: abc123")), "aks-prod", "cluster")).toEqual({
      name: "aks/aks-prod",
      server: "https://aks-prod-dns-1a2b.hcp.westeurope.azmk8s.io:443",
      caData: "Q0E=",
      token: "abc123",
    });
  });

  it("passes an Entra ID cluster's kubelogin exec plugin through", () => {
    const exec = `    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]`;
    expect(accessFromKubeconfig(parse(kc(exec)), "aks-prod", "cluster").exec).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "kubelogin",
      args: ["get-token", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
    });
  });

  it("refuses a client-certificate-only user", () => {
    expect(() =>
      accessFromKubeconfig(parse(kc("    client-certificate-data: Y2VydA==")), "aks-prod", "cluster"),
    ).toThrow(/no server or no token\/exec user/);
  });
});
