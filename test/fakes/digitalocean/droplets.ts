// Droplets, reserved IPs and actions in the fake. A new Droplet is `new` for a few reads, then
// `active` with a public IPv4; that address is a loopback one (127.0.0.10, .11, ...) where the
// fake runs a tiny HTTP responder playing the Droplet's container: 200 unless its user data runs
// an image the test marked unhealthy. A reserved IP (127.0.1.x) has a responder too, answering
// as the Droplet it is assigned to does. Actions (assign/unassign) complete on their first read.

import { createServer } from "node:http";
import type { Server } from "node:http";
import type { FakeRequest } from "../_shared/server.js";
import type { Droplet } from "../../../providers/digitalocean/types.js";
import { err, notFound } from "./apps.js";
import type { Handler } from "./apps.js";
import type { DoWorld, FakeDroplet } from "./world.js";

export class Responders {
  private readonly servers = new Map<string, Server>();
  port = 0;
  constructor(private readonly answer: (ip: string) => number) {}

  async start(): Promise<void> {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.2", r));
    this.port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
  }

  async open(ip: string): Promise<void> {
    if (this.servers.has(ip)) return;
    const s = createServer((req, res) => {
      const status = this.answer(ip);
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status === 200 ? "ok" : "unhealthy");
    });
    this.servers.set(ip, s);
    await new Promise<void>((r) => s.listen(this.port, ip, r));
  }

  async close(ip?: string): Promise<void> {
    const ips = ip ? [ip] : [...this.servers.keys()];
    for (const i of ips) {
      const s = this.servers.get(i);
      this.servers.delete(i);
      if (s) await new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));
    }
  }
}

function dropletView(fd: FakeDroplet): Droplet {
  return fd.droplet;
}

/** The status the Droplet's "container" answers with: 503 for an unhealthy image, 0 when gone. */
export function dropletAnswer(w: DoWorld, ip: string): number {
  const reserved = w.reservedIps.get(ip);
  const fd = reserved
    ? reserved.dropletId !== null
      ? w.droplets.get(reserved.dropletId)
      : undefined
    : [...w.droplets.values()].find((d) => d.ip === ip);
  if (!fd || fd.droplet.status !== "active") return 503;
  const unhealthy = (w.opts.unhealthyImages ?? []).some((i) => fd.userData.includes(i));
  return unhealthy ? 503 : 200;
}

function boot(w: DoWorld, fd: FakeDroplet, responders: Responders): Promise<void> | undefined {
  if (fd.droplet.status !== "new") return undefined;
  fd.reads++;
  if (fd.reads < (w.opts.dropletBootReads ?? 1)) return undefined;
  fd.droplet.status = "active";
  fd.droplet.networks = {
    v4: [
      { ip_address: fd.ip, netmask: "255.255.240.0", gateway: "127.0.0.1", type: "public" },
      { ip_address: `10.131.0.${fd.droplet.id % 250}`, netmask: "255.255.0.0", gateway: "", type: "private" },
    ],
  };
  return responders.open(fd.ip);
}

function reservedView(w: DoWorld, ip: string) {
  const r = w.reservedIps.get(ip);
  if (!r) return undefined;
  const { dropletId, ...rest } = r;
  return { ...rest, droplet: dropletId !== null ? (w.droplets.get(dropletId)?.droplet ?? null) : null };
}

function act(
  w: DoWorld,
  type: string,
): { id: number; status: "in-progress"; type: string; resource_type: string } {
  const a = { id: w.actionId(), status: "in-progress" as const, type, reads: 0 };
  w.actions.set(a.id, a);
  return { id: a.id, status: a.status, type, resource_type: "reserved_ip" };
}

export function dropletRoutes(responders: Responders): [string, RegExp, Handler][] {
  return [
    [
      "GET",
      /^\/v2\/droplets$/,
      (w, req: FakeRequest) => {
        const tag = req.query.get("tag_name");
        const all = [...w.droplets.values()].filter((d) => !tag || d.droplet.tags.includes(tag));
        return {
          status: 200,
          body: { droplets: all.map(dropletView), links: {}, meta: { total: all.length } },
        };
      },
    ],
    [
      "POST",
      /^\/v2\/droplets$/,
      (w, req) => {
        const b = req.json as {
          name: string;
          region: string;
          size: string;
          image: string | number;
          tags?: string[];
          user_data?: string;
        };
        if ((b.user_data ?? "").length > 64 * 1024)
          return err(422, "unprocessable_entity", "user_data may not exceed 64 KiB");
        const id = w.dropletId();
        // The required fields of #/components/schemas/droplet, as the API fills them in.
        const droplet = {
          id,
          name: b.name,
          memory: 1024,
          vcpus: 1,
          disk: 25,
          locked: false,
          status: "new",
          kernel: null,
          features: ["monitoring"],
          backup_ids: [],
          next_backup_window: null,
          snapshot_ids: [],
          volume_ids: [],
          size: {
            slug: b.size,
            memory: 1024,
            vcpus: 1,
            disk: 25,
            transfer: 1,
            price_monthly: 6,
            price_hourly: 0.00893,
            regions: [b.region],
            available: true,
            description: "Basic",
          },
          size_slug: b.size,
          tags: b.tags ?? [],
          networks: { v4: [] },
          region: {
            slug: b.region,
            name: b.region,
            sizes: [b.size],
            available: true,
            features: ["metadata"],
          },
          image:
            typeof b.image === "number"
              ? { id: b.image }
              : { id: 1, slug: b.image, name: b.image, distribution: "Ubuntu", public: true },
          created_at: new Date().toISOString(),
        } as unknown as Droplet;
        w.droplets.set(id, { droplet, userData: b.user_data ?? "", reads: 0, ip: w.dropletIp() });
        return {
          status: 202,
          body: {
            droplet,
            links: { actions: [{ id: w.actionId(), rel: "create", href: `${w.url}/v2/actions/1` }] },
          },
        };
      },
    ],
    [
      "GET",
      /^\/v2\/droplets\/(\d+)$/,
      async (w, _r, m) => {
        const fd = w.droplets.get(Number(m[1]));
        if (!fd) return err(404, "not_found", "The resource you were accessing could not be found.");
        await boot(w, fd, responders);
        return { status: 200, body: { droplet: dropletView(fd) } };
      },
    ],
    [
      "DELETE",
      /^\/v2\/droplets\/(\d+)$/,
      async (w, _r, m) => {
        const fd = w.droplets.get(Number(m[1]));
        if (!fd) return err(404, "not_found", "The resource you were accessing could not be found.");
        w.droplets.delete(fd.droplet.id);
        for (const r of w.reservedIps.values()) if (r.dropletId === fd.droplet.id) r.dropletId = null;
        await responders.close(fd.ip);
        return { status: 204 };
      },
    ],
    [
      "GET",
      /^\/v2\/actions\/(\d+)$/,
      (w, _r, m) => {
        const a = w.actions.get(Number(m[1]));
        if (!a) return notFound("action");
        if (a.reads++ >= 0) a.status = "completed";
        return {
          status: 200,
          body: { action: { id: a.id, status: a.status, type: a.type, resource_type: "reserved_ip" } },
        };
      },
    ],
    [
      "POST",
      /^\/v2\/reserved_ips$/,
      async (w, req) => {
        const b = req.json as { region?: string; droplet_id?: number };
        const fd = b.droplet_id !== undefined ? w.droplets.get(b.droplet_id) : undefined;
        if (b.droplet_id !== undefined && !fd) return err(422, "unprocessable_entity", "Droplet not found");
        const ip = w.reservedIp();
        w.reservedIps.set(ip, {
          ip,
          region: { slug: b.region ?? fd?.droplet.region.slug ?? "" },
          locked: false,
          dropletId: fd?.droplet.id ?? null,
        });
        await responders.open(ip);
        return { status: 202, body: { reserved_ip: reservedView(w, ip), links: {} } };
      },
    ],
    [
      "GET",
      /^\/v2\/reserved_ips\/([^/]+)$/,
      (w, _r, m) => {
        const r = reservedView(w, m[1] as string);
        return r
          ? { status: 200, body: { reserved_ip: r } }
          : err(404, "not_found", "The resource you were accessing could not be found.");
      },
    ],
    [
      "DELETE",
      /^\/v2\/reserved_ips\/([^/]+)$/,
      async (w, _r, m) => {
        if (!w.reservedIps.delete(m[1] as string))
          return err(404, "not_found", "The resource you were accessing could not be found.");
        await responders.close(m[1] as string);
        return { status: 204 };
      },
    ],
    [
      "POST",
      /^\/v2\/reserved_ips\/([^/]+)\/actions$/,
      (w, req, m) => {
        const r = w.reservedIps.get(m[1] as string);
        if (!r) return err(404, "not_found", "The resource you were accessing could not be found.");
        const b = req.json as { type: string; droplet_id?: number };
        if (b.type === "assign") {
          const fd = w.droplets.get(b.droplet_id ?? -1);
          if (!fd) return err(422, "unprocessable_entity", "Droplet not found");
          if (fd.droplet.region.slug !== r.region?.slug)
            return err(
              422,
              "unprocessable_entity",
              "the reserved IP and the Droplet are in different regions",
            );
          r.dropletId = fd.droplet.id;
        } else r.dropletId = null;
        return { status: 201, body: { action: act(w, `${b.type}_ip`) } };
      },
    ],
  ];
}
