import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { PlatformInfo } from "../core/provider.js";
import { ProviderError } from "../errors.js";
import type { ServiceSpec, Stack } from "../manifest/types.js";
import { manifestOnlyAdapter, manifestOnlyAttributes } from "./manifest-only.js";

const info: PlatformInfo = {
  id: "cloud/run",
  provider: "cloud",
  platform: "run",
  summary: "a platform without adapter",
  kinds: ["container"],
  options: z.object({ region: z.string() }),
  limits: {},
  capabilities: { nativeRollback: null, coldStart: "none", scalesToZero: false },
  naming: { resource: "service", maxLength: 30, lowercase: true, extraChars: "-", startsWithLetter: true },
};

const service: ServiceSpec = {
  kind: "container",
  container: { image: "ghcr.io/acme/api:1", port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { TOKEN: "env:TOKEN" },
  resources: { memory: 512 },
  scaling: { min: 0, max: 3 },
  health: { path: "/healthz", status: 200, timeoutMs: 5000, attempts: 3, intervalMs: 1000 },
  access: "public",
  timeoutMs: 30000,
};

const stack: Stack = { id: "api/prod", app: "api", environment: "prod", service, targets: [] };

function request(options: Record<string, unknown>, observed?: Record<string, unknown>) {
  return {
    stack,
    target: { name: "run", provider: "cloud", platform: "run", options },
    service,
    name: "api-prod-run",
    recorded: observed,
    observed,
    secretHashes: { TOKEN: "hmac-sha256:aa" },
  };
}

describe("manifest-only planning", () => {
  const adapter = manifestOnlyAdapter(info);

  it("plans a create of the service with the manifest's attributes, secrets sensitive", () => {
    const [change, ...rest] = adapter.plan(request({ region: "eu" })).changes;
    expect(rest).toEqual([]);
    expect(change).toMatchObject({
      type: "service",
      name: "api-prod-run",
      action: "create",
      sensitivePaths: ["secrets"],
    });
    expect(change?.after).toMatchObject({
      image: "ghcr.io/acme/api:1",
      scaling: { min: 0, max: 3 },
      options: { region: "eu" },
    });
  });

  it("is a no-op against identical recorded attributes and a replace when the region moves", () => {
    const attributes = JSON.parse(
      JSON.stringify(manifestOnlyAttributes(service, { region: "eu" }, { TOKEN: "hmac-sha256:aa" })),
    );
    expect(adapter.plan(request({ region: "eu" }, { attributes })).changes[0]?.action).toBe("no-op");
    const moved = adapter.plan(request({ region: "us" }, { attributes })).changes[0];
    expect(moved?.action).toBe("replace");
    expect(moved?.replacePaths).toEqual(["options.region"]);
  });

  it("refuses to apply or destroy, naming the platform", async () => {
    const err = await adapter.destroy({} as never, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toContain("cloud/run");
    expect((err as ProviderError).code).toBe("NOT_DEPLOYABLE");
  });
});
