// The fake speaks what gax's REST transport sends: driven here through the real client
// libraries (providers/gcp/clients.ts), so a drift between the two shows up as a failure.
import { afterEach, describe, expect, it } from "vitest";
import { createGcpClients } from "../../../providers/gcp/clients.js";
import type { GcpClients } from "../../../providers/gcp/clients.js";
import { ProviderError } from "../../../src/errors.js";
import { startGcpFake } from "./index.js";
import type { GcpFake } from "./index.js";

const PARENT = "projects/acme/locations/europe-west1";
const signal = new AbortController().signal;
let fake: GcpFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(knobs = {}): Promise<{ fake: GcpFake; clients: GcpClients }> {
  fake = await startGcpFake({ knobs });
  const clients = createGcpClients({
    target: { name: "t", provider: "gcp", platform: "cloud-run", options: { endpoint: fake.url } },
    env: { APISHIP_GCP_POLL_MS: "1" },
  });
  return { fake, clients };
}

describe("gcp fake: Cloud Run v2", () => {
  it("creates a service through an operation, with server defaults and a first revision", async () => {
    const { fake, clients } = await setup();
    const run = await clients.run();
    const svc = await run.createService(
      PARENT,
      "api",
      { template: { containers: [{ image: "ghcr.io/a/b:1" }] }, ingress: "INGRESS_TRAFFIC_ALL" },
      signal,
    );
    expect(svc.uri).toMatch(/^https:\/\/api-.*\.a\.run\.app$/);
    expect(svc.template?.maxInstanceRequestConcurrency).toBe(80);
    expect(svc.template?.containers?.[0]?.resources?.limits).toEqual({ cpu: "1000m", memory: "512Mi" });
    expect(svc.latestReadyRevision).toMatch(
      /^projects\/acme\/locations\/europe-west1\/services\/api\/revisions\/api-00001-/,
    );
    expect(svc.traffic?.[0]?.type).toBe("TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST");
    const post = fake.requests.find((r) => r.method === "POST");
    expect(post?.query.get("serviceId")).toBe("api");
    // Numeric enums on the wire, as gax sends them.
    expect((post?.json as { ingress: unknown }).ingress).toBe(1);
    expect(fake.requests.some((r) => r.method === "GET" && /\/operations\//.test(r.path))).toBe(true);
    expect(await run.getService(`${PARENT}/services/missing`)).toBeUndefined();
  });

  it("refuses a stale etag with ABORTED, which is retryable", async () => {
    const { clients } = await setup();
    const run = await clients.run();
    const svc = await run.createService(
      PARENT,
      "api",
      { template: { containers: [{ image: "i:1" }] } },
      signal,
    );
    await run.updateService({ ...svc, labels: { a: "b" } }, ["labels"], signal);
    const err = await run
      .updateService({ ...svc, labels: { a: "c" } }, ["labels"], signal)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe("CONFLICT");
    expect((err as ProviderError).retryable).toBe(true);
  });

  it("throttles with 429 RESOURCE_EXHAUSTED", async () => {
    const { clients } = await setup({ throttleRate: 1 });
    const run = await clients.run();
    const err = await run.getService(`${PARENT}/services/x`).catch((e: unknown) => e);
    expect((err as ProviderError).code).toBe("THROTTLED");
  });

  it("keeps IAM policies with etags", async () => {
    const { clients } = await setup();
    const run = await clients.run();
    const svc = await run.createService(
      PARENT,
      "api",
      { template: { containers: [{ image: "i:1" }] } },
      signal,
    );
    const name = svc.name ?? "";
    const p = await run.getIamPolicy(name);
    const set = await run.setIamPolicy(name, {
      ...p,
      bindings: [{ role: "roles/run.invoker", members: ["allUsers"] }],
    });
    expect(set.bindings).toEqual([
      expect.objectContaining({ role: "roles/run.invoker", members: ["allUsers"] }),
    ]);
    await expect(run.setIamPolicy(name, { ...p, bindings: [] })).rejects.toMatchObject({ code: "CONFLICT" });
    await run.deleteService(name, signal);
    expect(await run.getService(name)).toBeUndefined();
    await run.deleteService(name, signal);
  });
});

describe("gcp fake: Cloud Functions v2", () => {
  it("uploads to the signed URL, builds, and deploys a Run service", async () => {
    const { fake, clients } = await setup();
    const fns = await clients.functions();
    const up = await fns.generateUploadUrl(PARENT);
    await fns.upload(up.uploadUrl, Buffer.from("PK zip"), signal);
    const fn = await fns.createFunction(
      PARENT,
      "hello",
      {
        buildConfig: {
          runtime: "nodejs20",
          entryPoint: "handler",
          source: { storageSource: up.storageSource },
        },
        serviceConfig: { availableMemory: "512M" },
      },
      signal,
    );
    expect(fn.state).toBe("ACTIVE");
    expect(fn.serviceConfig?.service).toBe(`${PARENT}/services/hello`);
    expect(fn.serviceConfig?.timeoutSeconds).toBe(60);
    expect(fake.world.services.has(`${PARENT}/services/hello`)).toBe(true);
    fake.knobs.failBuild = "npm ERR! missing script: build";
    const err = await fns
      .updateFunction({ ...fn, labels: { a: "b" } }, ["labels"], signal)
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/npm ERR! missing script: build.*cloud-build\/builds/);
    await fns.deleteFunction(fn.name ?? "", signal);
    expect(await fns.getFunction(fn.name ?? "")).toBeUndefined();
  });
});
