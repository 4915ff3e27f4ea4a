// digitalocean/droplet against a scripted HTTP layer: every request asserted (the API and the
// new Droplet's health probe), the answers from the official examples.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { PlannedChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import { ctxOf, example, scripted } from "../../test/fakes/digitalocean/http-stub.js";
import type { Expected } from "../../test/fakes/digitalocean/http-stub.js";
import { validateRequest } from "../../test/fakes/digitalocean/validate.js";
import { droplet } from "./droplet.js";
import { desiredServer } from "./droplet-plan.js";
import type { DropletOptions, DropletState } from "./droplet-plan.js";
import { probeServer } from "./droplet-server.js";
import type { CreateDropletRequest, Droplet } from "./types.js";

const service: ServiceSpec = {
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { memory: 512 },
  scaling: { min: 1, max: 1 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  access: "public",
  timeoutMs: 30_000,
};
const options = droplet.options.parse({ region: "nyc3" }) as DropletOptions;
const target = { name: "web", provider: "digitalocean", platform: "droplet", options } as TargetSpec & {
  options: DropletOptions;
};
const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
const NAME = "shop-dev-web";
const single = () => example<{ droplet: Droplet }>("droplet-single.json").droplet;
const OLD = single();
const NEW: Droplet = {
  ...single(),
  id: 3164445,
  name: `${NAME}-g2`,
  networks: { v4: [{ ip_address: "192.241.165.155", type: "public" }] },
};

function planned(
  observed: DropletState | undefined,
  svc = service,
): PlannedChange<DropletOptions, DropletState> {
  const req = {
    stack,
    target,
    service: svc,
    name: NAME,
    recorded: observed,
    observed,
    secretHashes: { API_KEY: "hmac:1" },
  };
  return { ...req, changes: droplet.plan!(req).changes, secrets: { API_KEY: "s3cret" } };
}

async function created(): Promise<DropletState> {
  const s = scripted([
    { method: "GET", path: "/v2/droplets", body: { droplets: [], links: {}, meta: { total: 0 } } },
    { method: "POST", path: "/v2/droplets", status: 202, body: example("droplet-create-response.json") },
    { method: "GET", path: "/v2/droplets/3164444", body: { droplet: OLD } },
    { method: "GET", path: "http://192.241.165.154/healthz", body: { ok: true } },
    { method: "POST", path: "/v2/reserved_ips", status: 202, body: example("reserved-ip-created.json") },
    { method: "GET", path: "/v2/reserved_ips/45.55.96.47", body: example("reserved-ip-assigned.json") },
    { method: "GET", path: "/v2/droplets", body: { droplets: [OLD], links: {}, meta: { total: 1 } } },
  ]);
  const ctx = ctxOf(s.clients, stack, target);
  expect(await droplet.read!(ctx, undefined, NAME)).toBeUndefined();
  expect(s.sent[0]?.url.searchParams.get("tag_name")).toBe("apiship:shop-dev-web");
  const change = planned(undefined);
  expect(change.changes.map((c) => `${c.type}:${c.action}`)).toEqual(["server:create", "reserved-ip:create"]);
  const r = await droplet.apply!(ctx, change);
  expect(s.left()).toBe(0);
  const body = s.sent[1]?.body as CreateDropletRequest;
  expect(validateRequest("POST", "/v2/droplets", body).errors).toEqual([]);
  expect(body).toMatchObject({
    name: `${NAME}-g1`,
    region: "nyc3",
    size: "s-1vcpu-1gb",
    image: "ubuntu-24-04-x64",
    tags: ["apiship:shop-dev-web"],
  });
  expect(body.user_data).toContain('"-p", "80:8080"');
  expect(body.user_data).toContain('"ghcr.io/acme/shop:1"');
  expect(body.user_data).toContain('"--health-cmd", "curl -fsS http://localhost:8080/healthz');
  const envFile = /content: (\S+)/.exec(body.user_data ?? "")?.[1] ?? "";
  expect(Buffer.from(envFile, "base64").toString()).toBe("LOG_LEVEL=info\nAPI_KEY=s3cret\n");
  expect(s.sent[4]?.body).toEqual({ droplet_id: 3164444 });
  expect(validateRequest("POST", "/v2/reserved_ips", s.sent[4]?.body).errors).toEqual([]);
  expect(r.endpoint).toBe("http://45.55.96.47");
  expect(JSON.stringify(r.state)).not.toContain("s3cret");
  return r.state;
}

const blueGreen = (probe: Expected[]): Expected[] => [
  {
    method: "POST",
    path: "/v2/droplets",
    status: 202,
    body: { droplet: { ...NEW, status: "new", networks: { v4: [] } } },
  },
  { method: "GET", path: "/v2/droplets/3164445", body: { droplet: NEW } },
  ...probe,
];

describe("digitalocean/droplet", () => {
  it("creates a Droplet, health-checks it, then creates the reserved IP on it", async () => {
    const state = await created();
    expect(state.droplet).toMatchObject({ id: 3164444, ip: "192.241.165.154" });
    expect(planned(state).changes.every((c) => c.action === "no-op")).toBe(true);
  });

  it("deploys blue/green: the new Droplet passes its probe, the IP moves, the old one stays for rollback", async () => {
    const state = await created();
    const svc = { ...service, env: { LOG_LEVEL: "debug" } };
    const s = scripted([
      ...blueGreen([{ method: "GET", path: "http://192.241.165.155/healthz", body: {} }]),
      {
        method: "POST",
        path: "/v2/reserved_ips/45.55.96.47/actions",
        status: 201,
        body: example("action.json"),
      },
      { method: "GET", path: "/v2/actions/36804636", body: example("action.json") },
      { method: "GET", path: "/v2/droplets", body: { droplets: [OLD, NEW] } },
    ]);
    const change = planned(state, svc);
    expect(change.changes.map((c) => `${c.type}:${c.action}`)).toEqual([
      "server:update",
      "reserved-ip:no-op",
    ]);
    expect(change.changes[0]?.reason).toContain("blue/green");
    const r = await droplet.apply!(ctxOf(s.clients, stack, target), change);
    expect(s.left()).toBe(0);
    expect(s.sent[3]?.body).toEqual({ type: "assign", droplet_id: 3164445 });
    expect(validateRequest("POST", "/v2/reserved_ips/45.55.96.47/actions", s.sent[3]?.body).errors).toEqual(
      [],
    );
    expect(r.state.droplet?.id).toBe(3164445);
    expect(r.state.previous?.id).toBe(3164444);

    const onNew = example<{ reserved_ip: Record<string, unknown> }>("reserved-ip-assigned.json");
    onNew.reserved_ip.droplet = NEW;
    const back = scripted([
      { method: "GET", path: "/v2/droplets/3164444", body: { droplet: OLD } },
      { method: "GET", path: "/v2/reserved_ips/45.55.96.47", body: onNew },
      {
        method: "POST",
        path: "/v2/reserved_ips/45.55.96.47/actions",
        status: 201,
        body: example("action.json"),
      },
      { method: "GET", path: "/v2/actions/36804636", body: example("action.json") },
      { method: "DELETE", path: "/v2/droplets/3164445", status: 204 },
    ]);
    const rb = await droplet.rollback!(ctxOf(back.clients, stack, target), r.state, state);
    expect(back.left()).toBe(0);
    expect(back.sent[2]?.body).toEqual({ type: "assign", droplet_id: 3164444 });
    expect(rb.state.droplet?.id).toBe(3164444);
    expect(rb.endpoint).toBe("http://45.55.96.47");
  });

  it("leaves the reserved IP where it was and removes the new Droplet when it fails its probe", async () => {
    const state = await created();
    const s = scripted([
      ...blueGreen([
        { method: "GET", path: "http://192.241.165.155/healthz", status: 503, body: {}, repeat: true },
      ]),
      { method: "DELETE", path: "/v2/droplets/3164445", status: 204 },
    ]);
    s.clients.timing.dropletTimeoutMs = 30;
    const change = planned(state, { ...service, container: { image: "ghcr.io/acme/shop:bad", port: 8080 } });
    const err = (await droplet.apply!(ctxOf(s.clients, stack, target), change).catch(
      (e: unknown) => e,
    )) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.code).toBe("HEALTH_CHECK_FAILED");
    expect(err.message).toContain("HTTP 503");
    expect(s.left()).toBe(0);
    expect(s.sent.some((x) => x.url.pathname.includes("reserved_ips"))).toBe(false);
  });
});

describe("digitalocean/droplet logs", () => {
  it("has no logs(): the hint says the container's output is on the Droplet, read with docker logs", () => {
    expect(droplet.logs).toBeUndefined();
    const state = { name: "x", tag: "t", reservedIp: { ip: "203.0.113.7", region: "fra1" } } as DropletState;
    expect(droplet.logsHint?.(state)).toMatch(/on the Droplet: ssh root@203\.0\.113\.7 docker logs .*-f api/);
    expect(droplet.logsHint?.(undefined)).toContain("ssh root@<droplet-ip>");
  });
});

describe("digitalocean/droplet probe and APISHIP_CONNECT_TO", () => {
  it("checks the new Droplet at the address the rule names, keeping its IP in the URL and Host header", async () => {
    const hosts: string[] = [];
    const server = createServer((req, res) => {
      hosts.push(`${req.headers.host ?? ""} ${req.url ?? ""}`);
      res.writeHead(req.url === "/healthz" ? 200 : 404).end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    try {
      // 203.0.113.0/24 is TEST-NET-3: without the rule the probe could reach nothing there.
      const clients = await droplet.createClients!({
        target,
        env: {
          DIGITALOCEAN_TOKEN: "t",
          APISHIP_CONNECT_TO: `203.0.113.10:80:127.0.0.1:${port}`,
          APISHIP_DO_POLL_MS: "5",
          APISHIP_DO_DROPLET_TIMEOUT_MS: "200",
        },
      });
      const ctx = ctxOf(clients, stack, target);
      const attributes = desiredServer(service, options, { API_KEY: "hmac:1" });
      await probeServer(
        ctx,
        { id: 1, name: `${NAME}-g1`, generation: 1, ip: "203.0.113.10", attributes },
        200,
        100,
      );
      expect(hosts).toEqual(["203.0.113.10 /healthz"]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
