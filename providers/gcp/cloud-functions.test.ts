// gcp/cloud-functions with its Functions and Run APIs stubbed at the clients.ts boundary: every
// request is recorded and asserted; answers take the shape of cloudfunctions-v2.json's Function
// as @google-cloud/functions returns it (enum names, server-filled serviceConfig).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Artifact, Ctx, PlanRequest } from "../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import type { CloudFunction, FunctionsApi, GcpClients, RunApi } from "./clients.js";
import { cloudFunctions } from "./cloud-functions.js";
import type { CloudFunctionsOptions, FunctionsState } from "./cloud-functions.js";
import { buildError } from "./functions-build.js";
import { quietCtx } from "../../test/support/quiet-ctx.js";

const NAME = "shop-dev-fn";
const PARENT = "projects/acme-shop/locations/europe-west1";
const src = mkdtempSync(join(tmpdir(), "apiship-gcf-unit-"));
writeFileSync(join(src, "main.py"), "def handler(request):\n    return 'ok'\n");
afterAll(() => rmSync(src, { recursive: true, force: true }));

const service: ServiceSpec = {
  kind: "function",
  function: { runtime: "python3.12", handler: "main.handler", source: src, interface: "native" },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY", DB: "gcp-sm:db-url@2" },
  resources: { memory: 512 },
  scaling: { min: 1, max: 5 },
  health: { path: "/", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  access: "public",
  timeoutMs: 60_000,
};
const target: TargetSpec & { options: CloudFunctionsOptions } = {
  name: "fn",
  provider: "gcp",
  platform: "cloud-functions",
  options: cloudFunctions.options.parse({ project: "acme-shop", region: "europe-west1" }),
};
const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };

interface Call {
  op: string;
  args: unknown[];
}

/** What Cloud Functions fills in on a function it deployed. */
function deployed(body: CloudFunction, name: string): CloudFunction {
  return {
    ...body,
    name,
    state: "ACTIVE",
    url: `https://europe-west1-acme-shop.cloudfunctions.net/${NAME}`,
    serviceConfig: {
      availableCpu: "0.3333",
      serviceAccountEmail: "123456789012-compute@developer.gserviceaccount.com",
      ...body.serviceConfig,
      service: `${PARENT}/services/${NAME}`,
      revision: `${NAME}-00001-abc`,
      uri: `https://${NAME}-x.a.run.app`,
    },
  };
}

function stubs() {
  const calls: Call[] = [];
  let fn: CloudFunction | undefined;
  const rec = (op: string, ...args: unknown[]) => calls.push({ op, args });
  const functions: FunctionsApi = {
    getFunction: async (n) => (rec("getFunction", n), fn && structuredClone(fn)),
    generateUploadUrl: async (p) => (
      rec("generateUploadUrl", p),
      {
        uploadUrl: "https://storage.googleapis.com/up?sig=1",
        storageSource: { bucket: "gcf-v2-uploads", object: "a.zip" },
      }
    ),
    upload: async (url, zip) => void rec("upload", url, zip.length),
    createFunction: async (p, id, body) => (
      rec("createFunction", p, id, body),
      (fn = deployed(body, `${p}/functions/${id}`))
    ),
    updateFunction: async (body, mask) => (
      rec("updateFunction", body, mask),
      (fn = deployed({ ...fn, ...body }, body.name ?? ""))
    ),
    deleteFunction: async (n) => void rec("deleteFunction", n),
  };
  let pol = { etag: "BwE", bindings: [] as { role: string; members: string[] }[] };
  const run: RunApi = {
    getService: async (n) => (
      rec("getService", n),
      { name: n, etag: "e1", traffic: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }] }
    ),
    createService: async () => ({}),
    updateService: async (b, m) => (rec("updateService", b, m), b),
    deleteService: async () => {},
    getRevision: async () => undefined,
    getIamPolicy: async (r) => (rec("getIamPolicy", r), structuredClone(pol)),
    setIamPolicy: async (r, p) => (rec("setIamPolicy", r, p), (pol = p as typeof pol)),
  };
  const clients: GcpClients = {
    target: "fn",
    pollIntervalMs: 1,
    run: async () => run,
    functions: async () => functions,
    container: async () => Promise.reject(new Error("unused")),
  };
  const ctx: Ctx<GcpClients> = quietCtx(clients, stack, target);
  return { ctx, calls, ops: () => calls.map((c) => c.op), reset: () => calls.splice(0) };
}

async function deploy(s: ReturnType<typeof stubs>, svc: ServiceSpec, recorded?: FunctionsState) {
  const artifact = (await cloudFunctions.build?.(s.ctx, svc)) as Artifact;
  const observed = await cloudFunctions.read?.(s.ctx, recorded, NAME);
  const req: PlanRequest<CloudFunctionsOptions, FunctionsState> = {
    stack: { ...stack, service: svc },
    target,
    service: svc,
    name: NAME,
    recorded,
    observed,
    secretHashes: { API_KEY: "hmac:1" },
    artifact,
  };
  const changes = cloudFunctions.plan?.(req).changes ?? [];
  if (changes.every((c) => c.action === "no-op")) return { changes, state: observed };
  const res = await cloudFunctions.apply?.(s.ctx, { ...req, changes, secrets: { API_KEY: "k3y" } });
  return { changes, state: res?.state, res };
}

describe("gcp/cloud-functions against stubbed APIs", () => {
  it("uploads, creates with the mapped runtime, entry point, secrets and labels, then grants allUsers", async () => {
    const s = stubs();
    const { res } = await deploy(s, service);
    expect(s.ops()).toEqual([
      "getFunction",
      "getFunction",
      "generateUploadUrl",
      "upload",
      "createFunction",
      "getIamPolicy",
      "setIamPolicy",
    ]);
    const [parent, id, body] = s.calls[4]?.args as [string, string, CloudFunction];
    expect([parent, id]).toEqual([PARENT, NAME]);
    expect(body.buildConfig).toEqual({
      runtime: "python312",
      entryPoint: "handler",
      source: { storageSource: { bucket: "gcf-v2-uploads", object: "a.zip" } },
    });
    expect(body.serviceConfig).toEqual({
      environmentVariables: { LOG_LEVEL: "info", API_KEY: "k3y" },
      secretEnvironmentVariables: [{ key: "DB", projectId: "acme-shop", secret: "db-url", version: "2" }],
      availableMemory: "512Mi",
      timeoutSeconds: 60,
      minInstanceCount: 1,
      maxInstanceCount: 5,
      maxInstanceRequestConcurrency: 1,
      ingressSettings: "ALLOW_ALL",
      allTrafficOnLatestRevision: true,
    });
    expect(body.labels?.["apiship-source"]).toMatch(/^[0-9a-f]{60}$/);
    expect(s.calls[6]?.args).toEqual([
      `${PARENT}/services/${NAME}`,
      { etag: "BwE", bindings: [{ role: "roles/run.invoker", members: ["allUsers"] }] },
    ]);
    expect(res?.endpoint).toBe(`https://europe-west1-acme-shop.cloudfunctions.net/${NAME}`);
    expect(JSON.stringify(res?.state)).not.toContain("k3y");
  });

  it("an unchanged source and configuration read only; a memory change patches without uploading", async () => {
    const s = stubs();
    const first = await deploy(s, service);
    s.reset();
    const same = await deploy(s, service, first.state);
    expect(same.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    expect(s.ops()).toEqual(["getFunction", "getService", "getIamPolicy"]);
    s.reset();
    const bigger = { ...service, resources: { memory: 1024 } };
    await deploy(s, bigger, same.state);
    expect(s.ops()).not.toContain("upload");
    const [body, mask] = s.calls.find((c) => c.op === "updateFunction")?.args as [CloudFunction, string[]];
    expect(mask).toEqual(["serviceConfig.allTrafficOnLatestRevision", "serviceConfig.availableMemory"]);
    expect(body.name).toBe(`${PARENT}/functions/${NAME}`);
    expect(body.buildConfig?.source).toBeUndefined();
  });

  it("rollback sends the Run service's traffic to the previous revision", async () => {
    const s = stubs();
    const { state } = await deploy(s, service);
    const to = {
      ...state,
      function: { ...state?.function, revision: `${NAME}-00000-old` },
    } as FunctionsState;
    await cloudFunctions.rollback?.(s.ctx, state as FunctionsState, to);
    const [body, mask] = s.calls.find((c) => c.op === "updateService")?.args as [unknown, string[]];
    expect(mask).toEqual(["traffic"]);
    expect(body).toEqual({
      name: `${PARENT}/services/${NAME}`,
      etag: "e1",
      traffic: [
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: `${NAME}-00000-old`, percent: 100 },
      ],
    });
  });

  it("reports a build failure with the build log's URL from the operation's stages and the last lines", () => {
    const e = buildError("fn", NAME, {
      code: 3,
      message: Array.from({ length: 14 }, (_, i) => `line ${i + 1}`).join("\n"),
      metadata: {
        stages: [
          {
            name: "BUILD",
            resourceUri:
              "https://console.cloud.google.com/cloud-build/builds;region=europe-west1/b1?project=1",
          },
        ],
      },
    });
    expect(e.code).toBe("BUILD_FAILED");
    expect(e.message).not.toContain("line 4\n");
    expect(e.message).toMatch(
      /line 5\n[\s\S]*line 14\nbuild log: https:\/\/console\.cloud\.google\.com\/cloud-build\/builds;region=europe-west1\/b1\?project=1$/,
    );
  });
});
