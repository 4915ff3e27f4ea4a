// The DigitalOcean fake itself: it refuses what the real API refuses (bodies the OpenAPI
// rejects, taken names, a reserved IP moved across regions), defaults what the service
// defaults, and its answers fit the response schemas of the official OpenAPI.
import { afterEach, describe, expect, it } from "vitest";
import { startDoFake } from "./server.js";
import type { DoFake } from "./server.js";
import type { TargetSpec } from "../../../src/manifest/types.js";
import type { AppOptions } from "../../../providers/digitalocean/app-spec.js";
import { validateRequest, validateSchema } from "./validate.js";
import { quietCtx } from "../../support/quiet-ctx.js";

let fake: DoFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${fake!.url}${path}`, {
    method,
    headers: { authorization: "Bearer t", "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

const spec = {
  name: "web-app",
  region: "fra",
  services: [
    {
      name: "api",
      image: { registry_type: "GHCR", registry: "acme", repository: "shop", tag: "1" },
      envs: [{ key: "K", value: "v", type: "SECRET" }],
    },
  ],
};

describe("DigitalOcean fake", () => {
  it("validates bodies against the OpenAPI: required fields, enums, types, patterns", () => {
    expect(validateRequest("POST", "/v2/apps", { spec }).errors).toEqual([]);
    expect(validateRequest("POST", "/v2/apps", {}).errors).toEqual(["body: spec is required"]);
    expect(validateRequest("POST", "/v2/apps", { spec: { ...spec, region: "mars" } }).errors[0]).toMatch(
      /region: "mars" is not one of/,
    );
    expect(validateRequest("POST", "/v2/apps", { spec: { ...spec, name: "Web App" } }).errors[0]).toMatch(
      /does not match/,
    );
    expect(validateRequest("POST", "/v2/functions/namespaces", { region: "fra1" }).errors).toEqual([
      "body: label is required",
    ]);
    expect(
      validateRequest("POST", "/v2/droplets", { name: "a", size: "s-1vcpu-1gb", image: false }).errors,
    ).not.toEqual([]);
    expect(validateRequest("POST", "/v2/reserved_ips/1.2.3.4/actions", { type: "move" }).errors).not.toEqual(
      [],
    );
    expect(
      validateRequest("POST", "/v2/reserved_ips/1.2.3.4/actions", { type: "assign", droplet_id: 1 }).errors,
    ).toEqual([]);
  });

  it("rejects a bad body with 422 and records it", async () => {
    fake = await startDoFake();
    const r = await call("POST", "/v2/apps", { spec: { name: "x" } });
    expect(r.status).toBe(422);
    expect(r.body.id).toBe("unprocessable_entity");
    expect(fake.rejected).toHaveLength(1);
  });

  it("defaults and encrypts like App Platform, keeps names unique, and moves deployments along as they are read", async () => {
    fake = await startDoFake();
    const created = await call("POST", "/v2/apps", { spec });
    const app = created.body.app as {
      id: string;
      spec: { services: { instance_count: number; envs: { value: string; scope: string }[] }[] };
      pending_deployment: { id: string };
    };
    expect(app.spec.services[0]?.instance_count).toBe(1);
    expect(app.spec.services[0]?.envs[0]?.value).toMatch(/^EV\[1:/);
    expect(app.spec.services[0]?.envs[0]?.scope).toBe("RUN_AND_BUILD_TIME");
    expect(validateSchema("app", app)).toEqual([]);
    expect((await call("POST", "/v2/apps", { spec })).status).toBe(409);
    const phases: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = await call("GET", `/v2/apps/${app.id}/deployments/${app.pending_deployment.id}`);
      phases.push((d.body.deployment as { phase: string }).phase);
      expect(validateSchema("apps_deployment", d.body.deployment)).toEqual([]);
    }
    expect(phases).toEqual(["BUILDING", "PENDING_DEPLOY", "DEPLOYING", "ACTIVE", "ACTIVE"]);
    const live = (await call("GET", `/v2/apps/${app.id}`)).body.app as { live_url: string };
    expect((await fetch(`${live.live_url}/healthz`)).status).toBe(200);
  });

  it("addresses a functions namespace by its fn- id, as the API does, not by its uuid", async () => {
    fake = await startDoFake();
    const made = await call("POST", "/v2/functions/namespaces", { region: "fra1", label: "ns" });
    const info = made.body.namespace as { namespace: string; uuid: string };
    expect(info.namespace).toBe(`fn-${info.uuid}`);
    expect((await call("GET", `/v2/functions/namespaces/${info.uuid}`)).status).toBe(404);
    expect((await call("GET", `/v2/functions/namespaces/${info.namespace}`)).status).toBe(200);
    expect((await call("DELETE", `/v2/functions/namespaces/${info.uuid}`)).status).toBe(404);
    expect((await call("DELETE", `/v2/functions/namespaces/${info.namespace}`)).status).toBe(204);
    expect(fake.world.namespaces.size).toBe(0);
  });

  it("boots Droplets onto loopback addresses that answer HTTP, and refuses a cross-region IP move", async () => {
    fake = await startDoFake({ world: { dropletBootReads: 1 } });
    const d = await call("POST", "/v2/droplets", {
      name: "a-g1",
      region: "fra1",
      size: "s-1vcpu-1gb",
      image: "ubuntu-24-04-x64",
      tags: ["apiship:a"],
    });
    const id = (d.body.droplet as { id: number }).id;
    const got = (await call("GET", `/v2/droplets/${id}`)).body.droplet as {
      status: string;
      networks: { v4: { ip_address: string; type: string }[] };
    };
    expect(got.status).toBe("active");
    expect(validateSchema("droplet", got)).toEqual([]);
    const ip = got.networks.v4.find((n) => n.type === "public")?.ip_address;
    expect((await fetch(`http://${ip}:${fake.dropletHttpPort}/healthz`)).status).toBe(200);
    const rip = await call("POST", "/v2/reserved_ips", { region: "nyc3" });
    const addr = (rip.body.reserved_ip as { ip: string }).ip;
    expect(
      (await call("POST", `/v2/reserved_ips/${addr}/actions`, { type: "assign", droplet_id: id })).status,
    ).toBe(422);
  });
});

describe("DigitalOcean fake throttling", () => {
  it("answers 429 with RateLimit headers, and the App Platform adapter rides it out", async () => {
    const { appPlatform } = await import("../../../providers/digitalocean/app-platform.js");
    const { baseService } = await import("../../support/test-provider/harness.js");
    const { seeded } = await import("../_shared/server.js");
    fake = await startDoFake({ knobs: { throttleRate: 0.3, random: seeded(7) } });
    const target = {
      name: "web",
      provider: "digitalocean",
      platform: "app-platform",
      options: appPlatform.options.parse({ region: "fra", endpoint: fake.url }),
    } as unknown as TargetSpec & { options: AppOptions };
    const stack = {
      id: "shop/dev",
      app: "shop",
      environment: "dev",
      service: baseService,
      targets: [target],
    };
    const clients = await appPlatform.createClients!({
      target,
      env: { DIGITALOCEAN_TOKEN: "t", APISHIP_DO_POLL_MS: "1" },
    });
    const ctx = quietCtx(clients, stack, target);
    const req = {
      stack,
      target,
      service: baseService,
      name: "shop-dev-web",
      recorded: undefined,
      observed: undefined,
      secretHashes: { API_KEY: "h" },
    };
    const r = await appPlatform.apply!(ctx, {
      ...req,
      changes: appPlatform.plan!(req).changes,
      secrets: { API_KEY: "v" },
    });
    expect(r.endpoint).toBe(`${fake.url}/__apps/shop-dev-web`);
    expect(fake.world.apps.size).toBe(1);
    // The create was throttled at least once (seeded knob) and sent again: one app, not two.
    const creates = fake.requests.filter((q) => q.method === "POST" && q.path === "/v2/apps");
    expect(creates.length).toBeGreaterThan(1);
  });
});
