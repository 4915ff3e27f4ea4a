// digitalocean/app-platform against a scripted HTTP layer: every request asserted, the answers
// taken from the official OpenAPI examples (fixtures/responses/digitalocean).
import { describe, expect, it } from "vitest";
import type { PlannedChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import { ctxOf, example, scripted } from "../../test/fakes/digitalocean/http-stub.js";
import type { Sent } from "../../test/fakes/digitalocean/http-stub.js";
import { validateRequest } from "../../test/fakes/digitalocean/validate.js";
import { appPlatform } from "./app-platform.js";
import type { AppState } from "./app-plan.js";
import { imageSource, instanceSizeFor } from "./app-spec.js";
import type { AppOptions } from "./app-spec.js";
import type { App, AppDeployment, AppSpec } from "./types.js";

const service: ServiceSpec = {
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { cpu: 1, memory: 512 },
  scaling: { min: 2, max: 2 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  access: "public",
  timeoutMs: 30_000,
};
const options = appPlatform.options.parse({ region: "fra" }) as AppOptions;
const target = { name: "web", provider: "digitalocean", platform: "app-platform", options } as TargetSpec & {
  options: AppOptions;
};
const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
const NAME = "shop-dev-web";
const APP_ID = "c2a93513-8d9b-4223-9d61-5e7272c81cf5";

const appExample = () => example<{ app: App }>("app.json").app;
const deploymentExample = () => example<{ deployment: AppDeployment }>("deployment.json").deployment;

/** The official app example holding the spec apiship sent, as App Platform echoes it (encrypted). */
function echo(sent: Sent[]): { app: App } {
  const body = [...sent].reverse().find((x) => (x.body as { spec?: unknown } | undefined)?.spec)?.body as {
    spec: AppSpec;
  };
  const services = body.spec.services?.map((s) => ({
    ...s,
    envs: s.envs?.map((e) => (e.type === "SECRET" ? { ...e, value: "EV[1:encrypted]" } : e)),
  }));
  return { app: { ...appExample(), spec: { ...body.spec, services } } };
}

function planned(observed: AppState | undefined, svc = service): PlannedChange<AppOptions, AppState> {
  const req = {
    stack,
    target,
    service: svc,
    name: NAME,
    recorded: observed,
    observed,
    secretHashes: { API_KEY: "hmac:1" },
  };
  return { ...req, changes: appPlatform.plan!(req).changes, secrets: { API_KEY: "s3cret" } };
}

async function created(): Promise<{ state: AppState; sent: Sent[]; endpoint?: string }> {
  const s = scripted([
    { method: "GET", path: "/v2/apps", body: { apps: [], links: {}, meta: { total: 0 } } },
    {
      method: "POST",
      path: "/v2/apps",
      body: (sent: Sent[]) => ({ app: { ...echo(sent).app, pending_deployment: deploymentExample() } }),
    },
    {
      method: "GET",
      path: `/v2/apps/${APP_ID}/deployments/${deploymentExample().id}`,
      body: { deployment: deploymentExample() },
    },
    {
      method: "GET",
      path: `/v2/apps/${APP_ID}/deployments/${deploymentExample().id}`,
      body: { deployment: { ...deploymentExample(), phase: "ACTIVE" } },
    },
    { method: "GET", path: `/v2/apps/${APP_ID}`, body: echo },
  ]);
  const ctx = ctxOf(s.clients, stack, target);
  expect(await appPlatform.read!(ctx, undefined, NAME)).toBeUndefined();
  const change = planned(undefined);
  expect(change.changes.map((c) => c.action)).toEqual(["create"]);
  const r = await appPlatform.apply!(ctx, change);
  expect(s.left()).toBe(0);
  return { state: r.state, sent: s.sent, ...(r.endpoint ? { endpoint: r.endpoint } : {}) };
}

describe("digitalocean/app-platform", () => {
  it("maps images to DOCR, Docker Hub and GHCR sources, and sizes from resources", () => {
    expect(imageSource("ghcr.io/acme/shop:1")).toEqual({
      registry_type: "GHCR",
      registry: "acme",
      repository: "shop",
      tag: "1",
    });
    expect(imageSource("nginx")).toEqual({
      registry_type: "DOCKER_HUB",
      registry: "library",
      repository: "nginx",
      tag: "latest",
    });
    expect(imageSource(`registry.digitalocean.com/acme/api@sha256:${"a".repeat(64)}`)).toEqual({
      registry_type: "DOCR",
      repository: "api",
      digest: `sha256:${"a".repeat(64)}`,
    });
    expect(() => imageSource("quay.io/acme/api:1")).toThrow(/DOCR, Docker Hub or GHCR/);
    expect(instanceSizeFor("apps-s-1vcpu-0.5gb", { cpu: 2, memory: 3000 })).toBe("apps-s-2vcpu-4gb");
    expect(instanceSizeFor("apps-d-1vcpu-0.5gb", { memory: 8192 })).toBe("apps-d-2vcpu-8gb");
  });

  it("creates the app with a spec the OpenAPI accepts, follows the deployment to ACTIVE, returns live_url", async () => {
    const { state, sent, endpoint } = await created();
    expect(validateRequest("POST", "/v2/apps", sent[1]?.body).errors).toEqual([]);
    expect(sent[1]?.headers.authorization).toBe("Bearer do-token");
    expect((sent[1]?.body as { spec: AppSpec }).spec).toEqual({
      name: NAME,
      region: "fra",
      services: [
        {
          name: "api",
          image: { registry_type: "GHCR", registry: "acme", repository: "shop", tag: "1" },
          http_port: 8080,
          instance_size_slug: "apps-s-1vcpu-0.5gb",
          instance_count: 2,
          envs: [
            { key: "LOG_LEVEL", value: "info", scope: "RUN_TIME", type: "GENERAL" },
            { key: "API_KEY", value: "s3cret", scope: "RUN_TIME", type: "SECRET" },
          ],
          routes: [{ path: "/" }],
          health_check: { http_path: "/healthz", timeout_seconds: 2 },
        },
      ],
    });
    expect(endpoint).toBe("https://sample-golang-zyhgn.ondigitalocean.app");
    expect(state).toMatchObject({
      appId: APP_ID,
      deploymentId: deploymentExample().id,
      ciphertexts: { API_KEY: "EV[1:encrypted]" },
    });
    expect(JSON.stringify(state)).not.toContain("s3cret");
  });

  it("re-plans no change, then updates resending the secret's ciphertext, not a value it does not have", async () => {
    const { state } = await created();
    expect(planned(state).changes.map((c) => c.action)).toEqual(["no-op"]);
    const svc = { ...service, container: { image: "ghcr.io/acme/shop:2", port: 8080 } };
    const s = scripted([
      {
        method: "PUT",
        path: `/v2/apps/${APP_ID}`,
        body: (sent: Sent[]) => ({ app: { ...echo(sent).app, pending_deployment: deploymentExample() } }),
      },
      {
        method: "GET",
        path: /\/deployments\//,
        body: { deployment: { ...deploymentExample(), phase: "ACTIVE" } },
      },
      { method: "GET", path: `/v2/apps/${APP_ID}`, body: echo },
    ]);
    const change = { ...planned(state, svc), secrets: {} };
    expect(change.changes[0]?.reason).toBe("image.tag changed");
    await appPlatform.apply!(ctxOf(s.clients, stack, target), change);
    const envs = (s.sent[0]?.body as { spec: AppSpec }).spec.services?.[0]?.envs;
    expect(envs?.find((e) => e.key === "API_KEY")?.value).toBe("EV[1:encrypted]");
  });

  it("reports a failed deployment with the failing step and its log URL", async () => {
    const failed: AppDeployment = {
      ...deploymentExample(),
      phase: "ERROR",
      progress: {
        steps: [
          {
            name: "deploy",
            status: "ERROR",
            steps: [
              {
                name: "deploy",
                status: "ERROR",
                component_name: "api",
                message_base: "Deploying service",
                reason: { message: "container exited with code 1" },
              },
            ],
          },
        ],
      },
    };
    const s = scripted([
      {
        method: "POST",
        path: "/v2/apps",
        body: (sent: Sent[]) => ({ app: { ...echo(sent).app, pending_deployment: failed } }),
      },
      { method: "GET", path: /\/deployments\/[^/]+$/, body: { deployment: failed } },
      {
        method: "GET",
        path: `/v2/apps/${APP_ID}/deployments/${failed.id}/components/api/logs`,
        body: example("logs.json"),
      },
    ]);
    const err = (await appPlatform.apply!(ctxOf(s.clients, stack, target), planned(undefined)).catch(
      (e: unknown) => e,
    )) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.code).toBe("DEPLOYMENT_FAILED");
    expect(err.message).toContain("step Deploying service api failed: container exited with code 1");
    expect(err.hint).toContain("https://logs-example/build.log");
    expect(s.sent[2]?.url.searchParams.get("type")).toBe("DEPLOY");
  });

  it("rolls back natively to the earlier deployment, unpinned", async () => {
    const { state } = await created();
    const now = { ...state, deploymentId: "new-deployment" };
    const back = { ...deploymentExample(), id: "rollback-deployment", cloned_from: state.deploymentId! };
    const s = scripted([
      {
        method: "GET",
        path: `/v2/apps/${APP_ID}`,
        body: { app: { ...appExample(), active_deployment: { id: "new-deployment", phase: "ACTIVE" } } },
      },
      { method: "POST", path: `/v2/apps/${APP_ID}/rollback`, body: { deployment: back } },
      {
        method: "GET",
        path: `/v2/apps/${APP_ID}/deployments/rollback-deployment`,
        body: { deployment: { ...back, phase: "ACTIVE" } },
      },
      {
        method: "GET",
        path: `/v2/apps/${APP_ID}`,
        body: () => ({ app: { ...appExample(), spec: appSpecOf(state) } }),
      },
    ]);
    const r = await appPlatform.rollback!(ctxOf(s.clients, stack, target), now, state);
    expect(s.sent[1]?.body).toEqual({ deployment_id: state.deploymentId, skip_pin: true });
    expect(validateRequest("POST", `/v2/apps/${APP_ID}/rollback`, s.sent[1]?.body).errors).toEqual([]);
    expect(r.release).toBe("rollback-deployment");
    expect(r.state.attributes.secrets).toEqual({ API_KEY: "hmac:1" });
  });

  it("changes nothing on rollback when the earlier deployment is still the active one", async () => {
    const { state } = await created();
    const s = scripted([
      {
        method: "GET",
        path: `/v2/apps/${APP_ID}`,
        body: () => ({
          app: {
            ...appExample(),
            spec: appSpecOf(state),
            active_deployment: { id: state.deploymentId, phase: "ACTIVE" },
          },
        }),
      },
    ]);
    const r = await appPlatform.rollback!(ctxOf(s.clients, stack, target), state, state);
    expect(s.sent.map((x) => x.method)).toEqual(["GET"]);
    expect(r.release).toBe(state.deploymentId);
  });

  it("retries a 429 after RateLimit-Reset and maps a 404 to absent", async () => {
    const s = scripted([
      {
        method: "GET",
        path: `/v2/apps/${APP_ID}`,
        status: 429,
        headers: { "ratelimit-reset": "0" },
        body: { id: "too_many_requests", message: "API rate limit exceeded." },
      },
      {
        method: "GET",
        path: `/v2/apps/${APP_ID}`,
        status: 404,
        body: { id: "not_found", message: "app not found" },
      },
      { method: "GET", path: "/v2/apps", body: { apps: [], links: {} } },
    ]);
    const prior = { name: NAME, appId: APP_ID } as AppState;
    expect(await appPlatform.read!(ctxOf(s.clients, stack, target), prior, NAME)).toBeUndefined();
    expect(s.left()).toBe(0);
  });

  it("refuses a function without a git source and private access at plan time, as the user's to fix", () => {
    const fn: ServiceSpec = {
      ...service,
      kind: "function",
      function: { runtime: "nodejs18", handler: "index.main", source: "." },
    };
    // nodejs18 is not a runtime App Platform's buildpack builds; a function needs `git` first.
    expect(() => planned(undefined, fn)).toThrow(/git repository, and the target names none/);
    expect(() => planned(undefined, { ...service, access: "private" })).toThrow(/private/);
  });
});

function appSpecOf(state: AppState): AppSpec {
  return {
    name: state.name,
    region: state.attributes.region,
    services: [
      {
        name: "api",
        image: state.attributes.image,
        http_port: state.attributes.port,
        instance_size_slug: state.attributes.instanceSize,
        instance_count: state.attributes.instanceCount ?? 1,
        envs: [
          { key: "LOG_LEVEL", value: "info", scope: "RUN_TIME", type: "GENERAL" },
          { key: "API_KEY", value: state.ciphertexts.API_KEY ?? "", scope: "RUN_TIME", type: "SECRET" },
        ],
        health_check: { http_path: "/healthz" },
      },
    ],
  };
}
