// gcp/cloud-run with its Run API stubbed at the clients.ts boundary: every request the adapter
// sends is recorded and asserted, and the answers are the discovery-document-shaped Service of
// fixtures/responses/gcp/run-service.json (as @google-cloud/run returns it over REST).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Ctx, PlanRequest } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import type { GcpClients, IamPolicy, RunApi, RunService } from "./clients.js";
import { cloudRun } from "./cloud-run.js";
import type { CloudRunOptions, RunState } from "./cloud-run.js";
import { toProviderError } from "./errors.js";
import { quietCtx } from "../../test/support/quiet-ctx.js";

const FIXTURE = JSON.parse(
  readFileSync(new URL("../../fixtures/responses/gcp/run-service.json", import.meta.url), "utf8"),
) as RunService;
const NAME = "shop-dev-api";
const RESOURCE = `projects/acme-shop/locations/europe-west1/services/${NAME}`;

const service: ServiceSpec = {
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { cpu: 0.5, memory: 512 },
  scaling: { min: 0, max: 3 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  access: "public",
  timeoutMs: 30_000,
};

function targetOf(extra: Record<string, unknown> = {}): TargetSpec & { options: CloudRunOptions } {
  const options = cloudRun.options.parse({ project: "acme-shop", region: "europe-west1", ...extra });
  return { name: "api", provider: "gcp", platform: "cloud-run", options };
}

interface Call {
  op: string;
  args: unknown[];
}

/** A Run API holding one service (or none); records every call. */
function stubRun(initial: RunService | undefined, policy: IamPolicy = { etag: "BwX1", bindings: [] }) {
  const calls: Call[] = [];
  let svc = initial ? structuredClone(initial) : undefined;
  let pol = structuredClone(policy);
  const run: RunApi = {
    getService: async (name) => (calls.push({ op: "getService", args: [name] }), svc && structuredClone(svc)),
    createService: async (parent, id, body) => {
      calls.push({ op: "createService", args: [parent, id, body] });
      svc = { ...structuredClone(FIXTURE), ...body, name: `${parent}/services/${id}` };
      return structuredClone(svc);
    },
    updateService: async (body, mask) => {
      calls.push({ op: "updateService", args: [body, mask] });
      svc = { ...svc, ...body, generation: String(Number(svc?.generation ?? 0) + 1) };
      return structuredClone(svc);
    },
    deleteService: async (name) => {
      calls.push({ op: "deleteService", args: [name] });
      svc = undefined;
    },
    getRevision: async () => undefined,
    getIamPolicy: async (r) => (calls.push({ op: "getIamPolicy", args: [r] }), structuredClone(pol)),
    setIamPolicy: async (r, p) => {
      calls.push({ op: "setIamPolicy", args: [r, p] });
      pol = structuredClone(p);
      return pol;
    },
  };
  return { run, calls, ops: () => calls.map((c) => c.op) };
}

function ctxOf(run: RunApi, target = targetOf(), svc = service): Ctx<GcpClients> {
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service: svc, targets: [target] };
  const clients: GcpClients = {
    target: "api",
    pollIntervalMs: 1,
    run: async () => run,
    functions: async () => Promise.reject(new Error("not used")),
    container: async () => Promise.reject(new Error("not used")),
  };
  return quietCtx(clients, stack, target);
}

function request(
  observed: RunState | undefined,
  svc = service,
  target = targetOf(),
): PlanRequest<CloudRunOptions, RunState> {
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service: svc, targets: [target] };
  return {
    stack,
    target,
    service: svc,
    name: NAME,
    recorded: observed,
    observed,
    secretHashes: { API_KEY: "hmac:1" },
  };
}

const plan = (observed: RunState | undefined, svc = service, target = targetOf()) =>
  cloudRun.plan?.(request(observed, svc, target)).changes ?? [];

describe("gcp/cloud-run plan (pure)", () => {
  it("creates the service, its traffic and the public invoker; secrets are sensitive", () => {
    const cs = plan(undefined);
    expect(cs.map((c) => [c.type, c.action])).toEqual([
      ["service", "create"],
      ["traffic", "create"],
      ["invoker", "create"],
    ]);
    expect(cs[0]?.sensitivePaths).toEqual(["secrets.API_KEY"]);
    expect(cs[0]?.after).toMatchObject({
      cpu: 0.5,
      memory: 512,
      concurrency: 1,
      timeoutSeconds: 30,
      ingress: "INGRESS_TRAFFIC_ALL",
    });
  });

  it("serves one request at a time below 1 vCPU, and refuses more there", () => {
    expect(plan(undefined, { ...service, resources: { cpu: 2, memory: 1024 } })[0]?.after?.concurrency).toBe(
      80,
    );
    const tooMany = { ...service, scaling: { ...service.scaling, concurrency: 10 } };
    expect(() => plan(undefined, tooMany)).toThrow(/scaling.concurrency 10 needs at least 1 vCPU/);
  });

  it("maps gcp-sm: to a secretKeyRef and refuses aws-sm:", () => {
    const withSm = { ...service, secrets: { DB: "gcp-sm:projects/acme-shop/secrets/db-url/versions/7" } };
    expect(plan(undefined, withSm)[0]?.after?.secretRefs).toEqual({
      DB: "projects/acme-shop/secrets/db-url@7",
    });
    const bad = { ...service, secrets: { DB: "aws-sm:prod/db" } };
    expect(() => plan(undefined, bad)).toThrow(/refers to aws-sm:, which gcp\/cloud-run cannot read/);
  });
});

describe("gcp/cloud-run read/apply against a stubbed Run API", () => {
  it("reads the fixture's server-defaulted service as no change", async () => {
    const s = stubRun(FIXTURE, {
      etag: "BwX1",
      bindings: [{ role: "roles/run.invoker", members: ["allUsers"] }],
    });
    const ctx = ctxOf(s.run);
    const observed = await cloudRun.read?.(
      ctx,
      {
        name: NAME,
        project: "acme-shop",
        region: "europe-west1",
        service: { secrets: { API_KEY: "hmac:1" } },
      } as unknown as RunState,
      NAME,
    );
    expect(observed?.service?.env).toEqual({ LOG_LEVEL: "info" });
    expect(observed?.service?.secrets).toEqual({ API_KEY: "hmac:1" });
    expect(plan(observed).filter((c) => c.action !== "no-op")).toEqual([]);
    expect(s.ops()).toEqual(["getService", "getIamPolicy"]);
  });

  it("creates with the full template and a stable revision name, then grants allUsers", async () => {
    const s = stubRun(undefined);
    const ctx = ctxOf(s.run);
    const req = request(undefined);
    const res = await cloudRun.apply?.(ctx, {
      ...req,
      changes: plan(undefined),
      secrets: { API_KEY: "v4lue" },
    });
    expect(s.ops()).toEqual(["getService", "createService", "getIamPolicy", "setIamPolicy"]);
    const [parent, id, body] = s.calls[1]?.args as [string, string, RunService];
    expect([parent, id]).toEqual(["projects/acme-shop/locations/europe-west1", NAME]);
    expect(body.template?.revision).toMatch(/^shop-dev-api-00001-[a-z2-7]{3}$/);
    expect(body.template?.containers?.[0]).toEqual({
      image: "ghcr.io/acme/shop:1",
      ports: [{ name: "http1", containerPort: 8080 }],
      env: [
        { name: "LOG_LEVEL", value: "info" },
        { name: "API_KEY", value: "v4lue" },
      ],
      resources: { limits: { cpu: "500m", memory: "512Mi" }, cpuIdle: true, startupCpuBoost: false },
      startupProbe: {
        httpGet: { path: "/healthz", port: 8080 },
        timeoutSeconds: 2,
        periodSeconds: 2,
        failureThreshold: 120,
      },
      livenessProbe: {
        httpGet: { path: "/healthz", port: 8080 },
        timeoutSeconds: 2,
        periodSeconds: 10,
        failureThreshold: 3,
      },
    });
    expect(body.template?.scaling).toEqual({ minInstanceCount: 0, maxInstanceCount: 3 });
    expect(body.template?.timeout).toEqual({ seconds: 30 });
    expect(body.traffic).toEqual([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
    expect(body.labels).toEqual({ "apiship-stack": "shop_dev", "apiship-target": "api" });
    expect(s.calls[3]?.args).toEqual([
      RESOURCE,
      { etag: "BwX1", bindings: [{ role: "roles/run.invoker", members: ["allUsers"] }] },
    ]);
    expect(res?.endpoint).toBe(FIXTURE.uri);
    expect(JSON.stringify(res?.state)).not.toContain("v4lue");
  });

  it("an image change updates only the template, with the etag and the next generation's revision", async () => {
    const s = stubRun(FIXTURE, {
      etag: "BwX1",
      bindings: [{ role: "roles/run.invoker", members: ["allUsers"] }],
    });
    const ctx = ctxOf(s.run);
    const svc2 = { ...service, container: { image: "ghcr.io/acme/shop:2", port: 8080 } };
    const observed = await cloudRun.read?.(ctx, undefined, NAME);
    await cloudRun.apply?.(ctx, {
      ...request(observed, svc2),
      changes: plan(observed, svc2),
      secrets: { API_KEY: "v" },
    });
    const upd = s.calls.find((c) => c.op === "updateService")?.args as [RunService, string[]];
    expect(upd[1]).toEqual(["template"]);
    expect(upd[0].etag).toBe(FIXTURE.etag);
    expect(upd[0].template?.revision).toMatch(/^shop-dev-api-00002-/);
    expect(s.ops()).not.toContain("setIamPolicy");
  });

  it("private access removes allUsers and keeps other invokers", async () => {
    const s = stubRun(FIXTURE, {
      etag: "BwX1",
      bindings: [{ role: "roles/run.invoker", members: ["allUsers", "user:ops@acme.dev"] }],
    });
    const priv = { ...service, access: "private" as const };
    const ctx = ctxOf(s.run, targetOf(), priv);
    const observed = await cloudRun.read?.(ctx, undefined, NAME);
    const res = await cloudRun.apply?.(ctx, {
      ...request(observed, priv),
      changes: plan(observed, priv),
      secrets: { API_KEY: "v" },
    });
    expect(s.calls.find((c) => c.op === "setIamPolicy")?.args[1]).toEqual({
      etag: "BwX1",
      bindings: [{ role: "roles/run.invoker", members: ["user:ops@acme.dev"] }],
    });
    expect(res?.privateEndpoint).toBe(true);
  });

  it("rollback sends 100% of traffic to the previous release's revision, with the etag", async () => {
    const s = stubRun(FIXTURE);
    const ctx = ctxOf(s.run);
    const state = (await cloudRun.read?.(ctx, undefined, NAME)) as RunState;
    const to = {
      ...state,
      service: { ...state.service, latestReadyRevision: "shop-dev-api-00001-old" },
    } as RunState;
    const res = await cloudRun.rollback?.(ctx, state, to);
    const [body, mask] = s.calls.find((c) => c.op === "updateService")?.args as [RunService, string[]];
    expect(mask).toEqual(["traffic"]);
    expect(body).toEqual({
      name: RESOURCE,
      etag: FIXTURE.etag,
      traffic: [
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: "shop-dev-api-00001-old", percent: 100 },
      ],
    });
    expect(res?.release).toBe("shop-dev-api-00001-old");
  });

  it("refuses to adopt a service of another stack", async () => {
    const s = stubRun({ ...FIXTURE, labels: { "apiship-stack": "other_prod" } });
    await expect(cloudRun.read?.(ctxOf(s.run), undefined, NAME)).rejects.toMatchObject({ code: "NOT_OWNED" });
  });
});

describe("gcp errors", () => {
  it("maps Google's JSON envelope (gaxios) and gRPC codes (GoogleError)", () => {
    const gaxios = Object.assign(
      new Error(
        JSON.stringify({ error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } }),
      ),
      { status: 429 },
    );
    const e = toProviderError("GetService", "api", gaxios);
    expect(e).toBeInstanceOf(ProviderError);
    expect([e.code, e.retryable, e.message]).toEqual(["THROTTLED", true, "GetService: Quota exceeded"]);
    expect(toProviderError("X", "api", Object.assign(new Error("denied"), { code: 7 })).code).toBe(
      "PERMISSION_DENIED",
    );
    expect(toProviderError("X", "api", Object.assign(new Error("etag"), { code: 10 })).retryable).toBe(true);
    expect(toProviderError("X", "api", new Error("Could not load the default credentials.")).code).toBe(
      "CREDENTIALS",
    );
  });
});
