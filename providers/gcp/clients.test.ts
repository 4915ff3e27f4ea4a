// Where the GCP clients point and how they authenticate, without loading a client library;
// and, against the fake, that operation polls stop on Ctrl-C and a failed revision is reported.
import { describe, expect, it } from "vitest";
import type { ProviderConfig } from "../../src/core/provider.js";
import { startGcpFake } from "../../test/fakes/gcp/index.js";
import type { staticTokenAuth } from "./clients.js";
import { clientOptions, createGcpClients, endpointFor } from "./clients.js";
import { cloudRun } from "./cloud-run.js";

const cfg = (options: Record<string, unknown>, env: Record<string, string> = {}): ProviderConfig => ({
  target: { name: "t", provider: "gcp", platform: "cloud-run", options },
  env,
});

describe("gcp client options", () => {
  it("take the target's endpoint first, then gcloud's override variable, else Google's host with ADC", async () => {
    const env = { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: "https://europe-west1-run.googleapis.com/" };
    expect(endpointFor("RUN", cfg({ endpoint: "http://127.0.0.1:9" }, env))).toBe("http://127.0.0.1:9");
    expect(endpointFor("RUN", cfg({}, env))).toBe("https://europe-west1-run.googleapis.com/");
    expect(endpointFor("CLOUDFUNCTIONS", cfg({}, env))).toBeUndefined();
    const adc = await clientOptions("RUN", cfg({}));
    expect(adc).toEqual({
      fallback: true,
      apiEndpoint: "run.googleapis.com",
      scopes: ["https://www.googleapis.com/auth/cloud-platform"],
    });
    const regional = await clientOptions("RUN", cfg({}, env));
    expect(regional).toMatchObject({
      apiEndpoint: "europe-west1-run.googleapis.com",
      port: 443,
      protocol: "https",
    });
    expect(regional.authClient).toBeUndefined();
  });

  it("use a static token for an emulator or GOOGLE_OAUTH_ACCESS_TOKEN, so no ADC lookup happens", async () => {
    const emu = await clientOptions("CLOUDFUNCTIONS", cfg({ endpoint: "http://127.0.0.1:8085" }));
    expect(emu).toMatchObject({ apiEndpoint: "127.0.0.1", port: 8085, protocol: "http" });
    expect(emu.scopes).toBeUndefined();
    const auth = emu.authClient as unknown as ReturnType<typeof staticTokenAuth>;
    expect((await auth.getRequestHeaders()).get("authorization")).toBe("Bearer emulator");
    const tok = await clientOptions("RUN", cfg({}, { GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.abc" }));
    const a2 = tok.authClient as unknown as ReturnType<typeof staticTokenAuth>;
    expect(await a2.getAccessToken()).toEqual({ token: "ya29.abc" });
  });
});

describe("gcp operations against the fake", () => {
  it("a poll stops at once when the run is cancelled", async () => {
    const fake = await startGcpFake({ knobs: { opPolls: 1_000_000 } });
    try {
      const run = await createGcpClients({
        ...cfg({ endpoint: fake.url }),
        env: { APISHIP_GCP_POLL_MS: "5" },
      }).run();
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const p = run.createService(
        "projects/p-123456/locations/europe-west1",
        "api",
        { template: { containers: [{ image: "i:1" }] } },
        ac.signal,
      );
      await expect(p).rejects.toMatchObject({ code: "ABORTED" });
    } finally {
      await fake.close();
    }
  });

  it("a revision that fails to start fails the deploy with Cloud Run's message, and status says so", async () => {
    const fake = await startGcpFake();
    try {
      const target = {
        name: "api",
        provider: "gcp",
        platform: "cloud-run",
        options: cloudRun.options.parse({ project: "acme-shop", region: "europe-west1", endpoint: fake.url }),
      };
      const clients = createGcpClients({ target, env: { APISHIP_GCP_POLL_MS: "1" } });
      const run = await clients.run();
      const err = await run
        .createService(
          "projects/acme-shop/locations/europe-west1",
          "api",
          { template: { containers: [{ image: "ghcr.io/a/b:broken" }] } },
          new AbortController().signal,
        )
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "OPERATION_FAILED", fault: "user" });
      expect((err as Error).message).toMatch(
        /Revision 'api-00001-\w+' is not ready and cannot serve traffic/,
      );
      const ctx = {
        clients,
        stack: { id: "s/d", app: "s", environment: "d", service: {} as never, targets: [] },
        target,
        progress: { step: () => {}, done: () => {} },
        log: { debug: () => {}, info: () => {}, warn: () => {} },
        signal: new AbortController().signal,
      };
      const st = await cloudRun.status?.(ctx, { name: "api", project: "acme-shop", region: "europe-west1" });
      expect(st?.health).toBe("down");
    } finally {
      await fake.close();
    }
  });
});

describe("the signed upload URL", () => {
  it("is reached through APISHIP_CONNECT_TO, like every host the platform names", async () => {
    const fake = await startGcpFake({ uploadHost: "storage.googleapis.com" });
    try {
      const base = cfg({ endpoint: fake.url });
      const parent = "projects/p/locations/us-central1";
      const rule = `storage.googleapis.com:${fake.port}:127.0.0.1:${fake.port}`;
      const routed = await createGcpClients({ ...base, env: { APISHIP_CONNECT_TO: rule } }).functions();
      const up = await routed.generateUploadUrl(parent);
      expect(new URL(up.uploadUrl).hostname).toBe("storage.googleapis.com");
      await routed.upload(up.uploadUrl, Buffer.from("PK zip"), new AbortController().signal);
      expect(fake.requests.some((r) => r.method === "PUT" && r.path.startsWith("/upload/"))).toBe(true);
    } finally {
      await fake.close();
    }
  });
});

describe("creates under a 5xx", () => {
  it("a CreateService answered 500 is looked for, then sent again, and makes one service", async () => {
    const fake = await startGcpFake();
    try {
      const run = await createGcpClients({
        ...cfg({ endpoint: fake.url }),
        env: { APISHIP_GCP_POLL_MS: "1" },
        retry: { maxAttempts: 4, baseMs: 1, capMs: 2, maxWaitMs: 1000 },
      }).run();
      // The first request (the create) gets the injected 500, then nothing fails.
      const rolls = [0.1];
      Object.assign(fake.knobs, { errorRate: 0.5, random: () => rolls.shift() ?? 0.99 });
      const s = await run.createService(
        "projects/p-1/locations/europe-west1",
        "api",
        { template: { containers: [{ image: "i:1" }] } },
        new AbortController().signal,
      );
      expect(s.name).toBe("projects/p-1/locations/europe-west1/services/api");
      const calls = fake.requests.map((r) => `${r.method} ${r.path.replace(/^\/v2\//, "")}`);
      expect(calls.slice(0, 3)).toEqual([
        "POST projects/p-1/locations/europe-west1/services",
        "GET projects/p-1/locations/europe-west1/services/api",
        "POST projects/p-1/locations/europe-west1/services",
      ]);
      expect(fake.world.services.size).toBe(1);
    } finally {
      await fake.close();
    }
  });
});
