// `access: private` on each platform that cannot enforce it is refused at plan time, by the
// platform's pure plan(), with the reason and a hint; and the platforms that do enforce it plan it.
// Each case would plan (or silently publish) were the check taken out.

import { describe, expect, it } from "vitest";
import type { PlanRequest, TargetAdapter } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import { createBuiltinRegistry } from "../../providers/index.js";

const base = {
  env: {},
  secrets: {},
  resources: { memory: 512 },
  scaling: { min: 0, max: 2 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  timeoutMs: 30_000,
};
const container: ServiceSpec = {
  ...base,
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  access: "private",
} as ServiceSpec;
const fn = (iface: "portable" | "native", runtime = "nodejs22"): ServiceSpec =>
  ({
    ...base,
    kind: "function",
    function: { runtime, handler: "index.handler", source: "./src", interface: iface },
    access: "private",
  }) as ServiceSpec;

async function plan(id: string, raw: Record<string, unknown>, service: ServiceSpec) {
  const [provider = "", platform = ""] = id.split("/");
  const adapter = (await createBuiltinRegistry().platform(provider, platform)) as TargetAdapter;
  const options = adapter.options.parse(raw) as Record<string, unknown>;
  const target = { name: "api", provider, platform, options } as TargetSpec;
  const stack: Stack = {
    id: "shop/dev",
    app: "shop",
    environment: "dev",
    service,
    targets: [target],
    baseDir: ".",
  } as Stack;
  const req = {
    stack,
    target,
    service,
    name: "shop-dev-api",
    observed: undefined,
    recorded: undefined,
    secretHashes: {},
  };
  return () => adapter.plan?.(req as unknown as PlanRequest<Record<string, unknown>, object>);
}

const AZ = {
  subscription: "00000000-0000-0000-0000-000000000000",
  resourceGroup: "rg",
  location: "westeurope",
};

describe("access: private refused at plan time where the platform cannot enforce it", () => {
  const cases: [string, Record<string, unknown>, ServiceSpec, RegExp][] = [
    ["digitalocean/droplet", { region: "fra1" }, container, /public reserved IP/],
    ["local/process", { host: "0.0.0.0" }, fn("portable"), /listens on 0\.0\.0\.0/],
    ["local/container", { host: "0.0.0.0" }, container, /listens on 0\.0\.0\.0/],
    ["kubernetes/kubernetes", { expose: "load-balancer" }, container, /expose: load-balancer/],
    [
      "kubernetes/kubernetes",
      { expose: "ingress", ingress: { host: "api.example.com" } },
      container,
      /expose: ingress/,
    ],
    [
      "azure/aks",
      { subscription: AZ.subscription, resourceGroup: "rg", cluster: "aks", expose: "load-balancer" },
      container,
      /expose: load-balancer/,
    ],
    [
      "gcp/gke",
      { project: "acme-shop", location: "europe-west1", cluster: "c", expose: "load-balancer" },
      container,
      /expose: load-balancer/,
    ],
    ["heroku/heroku", {}, container, /public/],
    ["digitalocean/functions", { region: "fra1" }, fn("native", "nodejs18"), /private/],
    ["azure/app-service", AZ, container, /allowedIps/],
    ["azure/functions", AZ, fn("native"), /native/],
  ];
  for (const [id, raw, svc, message] of cases)
    it(`${id} ${JSON.stringify(raw)}`, async () => {
      const run = await plan(id, raw, svc);
      let thrown: unknown;
      try {
        run();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ProviderError);
      const e = thrown as ProviderError;
      expect(e.message).toMatch(message);
      expect(e.hint).toBeTruthy();
      expect(e.fault).toBe("user");
    });
});

describe("access: private planned where the platform enforces it", () => {
  const cases: [string, Record<string, unknown>, ServiceSpec][] = [
    ["local/process", {}, fn("portable")],
    ["local/container", {}, container],
    ["kubernetes/kubernetes", {}, container],
    ["azure/aks", { subscription: AZ.subscription, resourceGroup: "rg", cluster: "aks" }, container],
    ["azure/app-service", { ...AZ, allowedIps: ["10.0.0.0/16"] }, container],
    ["azure/functions", AZ, fn("portable")],
  ];
  for (const [id, raw, svc] of cases)
    it(`${id} ${JSON.stringify(raw)}`, async () => {
      const run = await plan(id, raw, svc);
      expect(run()?.changes.length).toBeGreaterThan(0);
    });
});

describe("aws/ecs-fargate behind a shared ALB", () => {
  const shared = {
    arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/1",
    listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/1/2",
  };
  const opts = { region: "us-east-1", loadBalancer: shared };

  it("plan refuses private once read() has seen the shared ALB is internet-facing", async () => {
    const [provider, platform] = ["aws", "ecs-fargate"];
    const adapter = (await createBuiltinRegistry().platform(provider, platform)) as TargetAdapter;
    const options = adapter.options.parse(opts) as Record<string, unknown>;
    const target = { name: "api", provider, platform, options } as TargetSpec;
    const stack = {
      id: "shop/dev",
      app: "shop",
      environment: "dev",
      service: container,
      targets: [target],
    } as Stack;
    const observed = { loadBalancer: { managed: false, scheme: "internet-facing" } };
    const req = {
      stack,
      target,
      service: container,
      name: "shop-dev-api",
      observed,
      recorded: undefined,
      secretHashes: {},
    };
    const plan = () => adapter.plan?.(req as unknown as PlanRequest<Record<string, unknown>, object>);
    expect(plan).toThrow(/shared loadBalancer is internet-facing/);
  });

  it("apply refuses it before the listener rule exists, on a first deploy the plan could not see", async () => {
    const { assertSharedScheme } = await import("../../providers/aws/ecs-load-balancer.js");
    expect(() => assertSharedScheme({ shared, scheme: "internal" }, "internet-facing", "api")).toThrow(
      ProviderError,
    );
    expect(() => assertSharedScheme({ shared, scheme: "internal" }, "internal", "api")).not.toThrow();
    expect(() =>
      assertSharedScheme({ shared, scheme: "internet-facing" }, "internet-facing", "api"),
    ).not.toThrow();
  });
});
