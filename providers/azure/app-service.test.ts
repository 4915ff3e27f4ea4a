// azure/app-service with the ARM SDKs' transport stubbed (their `httpClient` option): responses
// are the official REST examples (fixtures/responses/azure, from azure-rest-api-specs), and
// every request the adapter sends is asserted: method, path, api-version, bearer, body.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import type { Ctx, PlanRequest } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { ServiceSpec, Stack } from "../../src/manifest/types.js";
import { appService } from "./app-service.js";
import type { AppServiceOptions, AppServiceState } from "./app-service.js";
import { applyAppService } from "./app-service-apply.js";
import { planAppService } from "./app-service-planner.js";
import { readAppService } from "./app-service-read.js";
import { createAzureClients } from "./clients.js";
import type { AzureClients } from "./clients.js";

const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const ONE_SEND = { maxAttempts: 1, baseMs: 1, capMs: 1, maxWaitMs: 1000 };
const FIX = join(import.meta.dirname, "../../fixtures/responses/azure");
const example = (f: string) =>
  JSON.parse(readFileSync(join(FIX, f), "utf8")) as {
    parameters: Record<string, unknown>;
    responses: Record<string, { body?: Record<string, unknown>; headers?: Record<string, string> }>;
  };

interface Sent {
  method: string;
  path: string;
  apiVersion: string | null;
  auth: string | undefined;
  body: unknown;
}
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A transport that answers from a route table and records every request. */
function stub(routes: [string, RegExp, Answer | (() => Answer)][]) {
  const sent: Sent[] = [];
  const client: HttpClient = {
    sendRequest: (req: PipelineRequest): Promise<PipelineResponse> => {
      const url = new URL(req.url);
      const body = typeof req.body === "string" ? (JSON.parse(req.body) as unknown) : undefined;
      sent.push({
        method: req.method,
        path: url.pathname,
        apiVersion: url.searchParams.get("api-version"),
        auth: req.headers.get("authorization"),
        body,
      });
      const hit = routes.find(([m, re]) => m === req.method && re.test(url.pathname));
      const a = hit
        ? typeof hit[2] === "function"
          ? hit[2]()
          : hit[2]
        : { status: 404, body: { error: { code: "NotFound", message: "no route" } } };
      return Promise.resolve({
        request: req,
        status: a.status,
        headers: createHttpHeaders({ "content-type": "application/json", ...a.headers }),
        bodyAsText: a.body === undefined ? "" : JSON.stringify(a.body),
      });
    },
  };
  return { client, sent };
}

const service: ServiceSpec = {
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY", DB_URL: "azure-kv:acme-vault/db-url" },
  resources: { cpu: 1, memory: 1024 },
  scaling: { min: 2, max: 4 },
  health: { path: "/healthz", status: 200, timeoutMs: 500, attempts: 1, intervalMs: 10 },
  access: "public",
  timeoutMs: 30_000,
};
const options = (o: Record<string, unknown> = {}) =>
  appService.options.parse({ subscription: SUB, resourceGroup: "testrg123", location: "eastus", ...o });
const targetOf = (o: AppServiceOptions) => ({
  name: "web",
  provider: "azure",
  platform: "app-service",
  options: o,
});
const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [] };

async function ctxWith(
  client: HttpClient,
  env: Record<string, string>,
  o = options(),
): Promise<Ctx<AzureClients>> {
  const target = targetOf(o);
  return {
    clients: await createAzureClients(
      // One send per call: each scripted answer is what the adapter sees.
      { target, env: { APISHIP_AZURE_POLL_MS: "1", ...env }, retry: ONE_SEND },
      { httpClient: client },
    ),
    stack,
    target,
    progress: { step: () => {}, done: () => {} },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  };
}

const notFound = {
  status: 404,
  body: {
    error: { code: "ResourceGroupNotFound", message: "Resource group 'testrg123' could not be found." },
  },
};
const planReq = (
  o: AppServiceOptions,
  svc = service,
  observed?: AppServiceState,
): PlanRequest<AppServiceOptions, AppServiceState> => ({
  stack: { ...stack, service: svc },
  target: targetOf(o),
  service: svc,
  name: "sitef6141",
  recorded: observed,
  observed,
  secretHashes: { API_KEY: "hmac-sha256:1" },
});

describe("azure/app-service clients", () => {
  it("send AZURE_ACCESS_TOKEN as the bearer over https, through the SDK's own policy", async () => {
    const { client, sent } = stub([["GET", /resourcegroups\/testrg123$/i, notFound]]);
    const ctx = await ctxWith(client, { AZURE_ACCESS_TOKEN: "tok-123" });
    expect(await readAppService(ctx, undefined, "sitef6141")).toBeUndefined();
    expect(sent).toEqual([
      {
        method: "GET",
        path: `/subscriptions/${SUB}/resourcegroups/testrg123`,
        apiVersion: "2025-04-01",
        auth: "Bearer tok-123",
        body: undefined,
      },
    ]);
  });

  it("send a static bearer over a plain-http endpoint, where the SDK's policy would refuse", async () => {
    const { client, sent } = stub([["GET", /resourcegroups\/testrg123$/i, notFound]]);
    const ctx = await ctxWith(client, { AZURE_RESOURCE_MANAGER_ENDPOINT: "http://127.0.0.1:9" });
    await readAppService(ctx, undefined, "sitef6141");
    expect(sent[0]?.auth).toBe("Bearer apiship-emulator-token");
    expect(ctx.clients.insecure).toBe(true);
  });
});

describe("azure/app-service read", () => {
  it("refuses to adopt the untagged site of the official GetWebApp example", async () => {
    const group = {
      status: 200,
      body: {
        id: `/subscriptions/${SUB}/resourceGroups/testrg123`,
        name: "testrg123",
        location: "eastus",
        tags: {},
      },
    };
    const { client } = stub([
      ["GET", /resourcegroups\/testrg123$/i, group],
      [
        "GET",
        /serverfarms\//,
        { status: 200, body: example("GetAppServicePlan.json").responses["200"]?.body },
      ],
      ["GET", /sites\/sitef6141$/, { status: 200, body: example("GetWebApp.json").responses["200"]?.body }],
    ]);
    const ctx = await ctxWith(client, { AZURE_ACCESS_TOKEN: "t" });
    const err = await readAppService(ctx, undefined, "sitef6141").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe("NOT_OWNED");
  });
});

describe("azure/app-service first apply", () => {
  it("creates the group, a Linux plan, the site and its slot with the bodies the REST spec defines", async () => {
    const plan = example("CreateOrUpdateAppServicePlan.json").responses["200"]?.body;
    const site = example("CreateOrUpdateWebApp.json").responses["200"]?.body;
    const { client, sent } = stub([
      ["GET", /resourcegroups\/testrg123$/i, notFound],
      ["POST", /checknameavailability$/, { status: 200, body: { nameAvailable: true } }],
      [
        "PUT",
        /resourcegroups\/testrg123$/i,
        { status: 201, body: { name: "testrg123", location: "eastus" } },
      ],
      ["PUT", /serverfarms\/sitef6141-plan$/, { status: 200, body: plan }],
      ["PUT", /sites\/sitef6141$/, { status: 200, body: site }],
      ["PUT", /sites\/sitef6141\/slots\/staging$/, { status: 200, body: site }],
    ]);
    const ctx = await ctxWith(client, { AZURE_ACCESS_TOKEN: "t" });
    const req = planReq(options());
    const changes = planAppService(req).changes;
    expect(changes.map((c) => `${c.action} ${c.type}`)).toEqual([
      "create resource-group",
      "create plan",
      "create site",
      "create slot",
    ]);
    const res = await applyAppService(ctx, { ...req, changes, secrets: { API_KEY: "v4lue" } });
    expect(
      sent.map((s) => `${s.method} ${s.path.replace(/^.*\/(resourcegroups|providers)\//i, "")}`),
    ).toEqual([
      "GET testrg123",
      "POST Microsoft.Web/checknameavailability",
      "PUT testrg123",
      "PUT Microsoft.Web/serverfarms/sitef6141-plan",
      "PUT Microsoft.Web/sites/sitef6141",
      "PUT Microsoft.Web/sites/sitef6141/slots/staging",
    ]);
    const tags = { "apiship:stack": "shop/dev", "apiship:target": "web" };
    expect(sent[2]?.body).toEqual({ location: "eastus", tags: { ...tags, "apiship:managed": "true" } });
    expect(sent[3]?.body).toEqual({
      location: "eastus",
      tags,
      kind: "linux",
      properties: { reserved: true },
      sku: { name: "P0v3", tier: "PremiumV3", capacity: 2 },
    });
    const put = sent[4]?.body as { kind: string; identity: unknown; properties: Record<string, unknown> };
    expect(put.kind).toBe("app,linux,container");
    expect(put.identity).toEqual({ type: "SystemAssigned" });
    expect(put.properties).toMatchObject({
      serverFarmId: `/subscriptions/${SUB}/resourceGroups/testrg123/providers/Microsoft.Web/serverfarms/sitef6141-plan`,
      httpsOnly: true,
      reserved: true,
      siteConfig: {
        linuxFxVersion: "DOCKER|ghcr.io/acme/shop:1",
        alwaysOn: true,
        healthCheckPath: "/healthz",
        appSettings: [
          { name: "LOG_LEVEL", value: "info" },
          { name: "API_KEY", value: "v4lue" },
          {
            name: "DB_URL",
            value: "@Microsoft.KeyVault(SecretUri=https://acme-vault.vault.azure.net/secrets/db-url)",
          },
          // The fingerprint beside the value, so a later read knows it from the cloud.
          { name: "APISHIP_SECRET_HASHES", value: '{"API_KEY":"hmac-sha256:1"}' },
          { name: "WEBSITES_PORT", value: "8080" },
        ],
      },
    });
    expect(sent.every((s) => s.auth === "Bearer t")).toBe(true);
    expect(res.endpoint).toBe("https://sitef6141.azurewebsites.net");
    // The secret's value is in the request, never in the state.
    expect(JSON.stringify(res.state)).not.toContain("v4lue");
  });
});

describe("azure/app-service errors", () => {
  const fail = (a: Answer) => stub([["GET", /resourcegroups\/testrg123$/i, a]]).client;

  it("429 is THROTTLED, retryable, with Retry-After", async () => {
    const ctx = await ctxWith(
      fail({
        status: 429,
        headers: { "retry-after": "7" },
        body: { error: { code: "TooManyRequests", message: "slow down" } },
      }),
      { AZURE_ACCESS_TOKEN: "t" },
    );
    const e = (await readAppService(ctx, undefined, "x").catch((x: unknown) => x)) as ProviderError;
    expect([e.code, e.retryable, e.retryAfter, e.fault]).toEqual(["THROTTLED", true, 7, "cloud"]);
  });

  it("403 is ACCESS_DENIED, the user's to fix", async () => {
    const ctx = await ctxWith(
      fail({ status: 403, body: { error: { code: "AuthorizationFailed", message: "no" } } }),
      { AZURE_ACCESS_TOKEN: "t" },
    );
    const e = (await readAppService(ctx, undefined, "x").catch((x: unknown) => x)) as ProviderError;
    expect([e.code, e.retryable, e.fault]).toEqual(["ACCESS_DENIED", false, "user"]);
  });

  it("503 is retryable", async () => {
    const ctx = await ctxWith(
      fail({ status: 503, body: { error: { code: "ServiceUnavailable", message: "busy" } } }),
      { AZURE_ACCESS_TOKEN: "t" },
    );
    const e = (await readAppService(ctx, undefined, "x").catch((x: unknown) => x)) as ProviderError;
    expect([e.code, e.retryable]).toEqual(["AZURE_UNAVAILABLE", true]);
  });
});

describe("azure/app-service plan (pure)", () => {
  it("a Basic plan has no slot and deploys in place", () => {
    const changes = planAppService(planReq(options({ sku: "B1" }))).changes;
    expect(changes.map((c) => c.type)).toEqual(["resource-group", "plan", "site"]);
  });

  it("refuses scaling.min above what the SKU runs, and secret stores Azure cannot read", () => {
    expect(() =>
      planAppService(planReq(options({ sku: "B1" }), { ...service, scaling: { min: 5, max: 5 } })),
    ).toThrow(/scaling.min 5 is more than a B1 plan runs \(3\)/);
    expect(() => planAppService(planReq(options(), { ...service, secrets: { X: "aws-sm:prod/x" } }))).toThrow(
      /secret X refers to aws-sm:/,
    );
  });

  it("a location change replaces plan, site and slot", () => {
    const before = planReq(options());
    const state: AppServiceState = {
      name: "sitef6141",
      subscription: SUB,
      resourceGroup: "testrg123",
      group: {
        name: "testrg123",
        location: "eastus",
        managed: true,
        tags: { "apiship:stack": "shop/dev", "apiship:target": "web", "apiship:managed": "true" },
      },
    };
    const s = planAppService({ ...before, observed: state });
    expect(s.changes.find((c) => c.type === "resource-group")?.action).toBe("no-op");
    const moved = planAppService({
      ...planReq(options({ location: "westeurope" })),
      observed: {
        ...state,
        plan: {
          name: "sitef6141-plan",
          id: "",
          location: "eastus",
          resourceGroup: "testrg123",
          sku: "P0v3",
          capacity: 2,
          tags: { "apiship:stack": "shop/dev", "apiship:target": "web" },
        },
      },
    });
    expect(moved.changes.find((c) => c.type === "plan")?.action).toBe("replace");
    expect(moved.changes.find((c) => c.type === "plan")?.replacePaths).toEqual(["location"]);
  });
});
