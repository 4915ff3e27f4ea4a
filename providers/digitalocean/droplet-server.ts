// One Droplet of digitalocean/droplet: create it with the cloud-config, wait until it is active
// with a public IPv4, and probe its health path over HTTP before it may take the reserved IP.
// The probe goes to the Droplet's own address, one the platform handed out: it dials by
// APISHIP_CONNECT_TO like every such call, so an emulator or a tunnel can stand in for it.

import { parseConnectTo } from "../../src/apply/connect-to.js";
import type { Ctx, ProviderConfig } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { poll, sleep } from "../_shared/poll.js";
import { createDoClients } from "./clients.js";
import type { DoClients } from "./clients.js";
import { cloudInit, tagOf } from "./droplet-plan.js";
import type { DropletRecord, ServerAttrs } from "./droplet-plan.js";
import { maybe } from "./errors.js";
import type { Droplet } from "./types.js";

type DCtx = Ctx<DoClients>;

/** The DigitalOcean clients, the probe's fetch dialing by APISHIP_CONNECT_TO. */
export async function createDropletClients(cfg: ProviderConfig): Promise<DoClients> {
  const rules = parseConnectTo(cfg.env.APISHIP_CONNECT_TO);
  const [clients, { dialFetch }] = await Promise.all([createDoClients(cfg), import("../_shared/dial.js")]);
  return { ...clients, fetch: dialFetch(rules, cfg.env) };
}

export const publicIp = (d: Droplet) => d.networks.v4?.find((n) => n.type === "public")?.ip_address;

export async function createServer(
  ctx: DCtx,
  name: string,
  generation: number,
  a: ServerAttrs,
  secrets: Record<string, string>,
): Promise<DropletRecord> {
  const { api, timing } = ctx.clients;
  const dropletName = `${name}-g${generation}`;
  ctx.progress.step(`create droplet ${dropletName}`);
  const created = await api.createDroplet(
    {
      name: dropletName,
      region: a.region,
      size: a.size,
      image: a.baseImage,
      ssh_keys: a.sshKeys,
      tags: [tagOf(name)],
      user_data: cloudInit(a, secrets),
      monitoring: true,
    },
    ctx.signal,
  );
  ctx.progress.done(`create droplet ${dropletName}`);
  const rec: DropletRecord = { id: created.id, name: dropletName, generation, attributes: a };
  const up = await poll(
    () => api.getDroplet(created.id, ctx.signal),
    (d) => d.status === "active" && publicIp(d) !== undefined,
    {
      what: `Droplet ${dropletName} to boot`,
      failed: (d) => (d.status === "off" || d.status === "archive" ? `it is ${d.status}` : undefined),
      intervalMs: timing.pollMs,
      maxIntervalMs: Math.max(timing.pollMs, 10_000),
      timeoutMs: timing.dropletTimeoutMs,
      signal: ctx.signal,
    },
  );
  const ip = publicIp(up);
  if (ip) rec.ip = ip;
  return rec;
}

export function httpBase(ip: string, port: number): string {
  return `http://${ip}${port === 80 ? "" : `:${port}`}`;
}

/**
 * Probes the new Droplet until its container answers the health path with the expected status.
 * Cloud-init installs Docker and pulls the image first, so this waits up to the boot timeout.
 */
export async function probeServer(
  ctx: DCtx,
  rec: DropletRecord,
  expect: number,
  timeoutMs: number,
): Promise<void> {
  const { timing } = ctx.clients;
  if (!rec.ip)
    throw new ProviderError(`Droplet ${rec.name} has no public IPv4`, {
      code: "RESOURCE_FAILED",
      target: ctx.clients.target,
    });
  const url = `${httpBase(rec.ip, timing.dropletHttpPort)}${rec.attributes.healthPath}`;
  const deadline = Date.now() + timing.dropletTimeoutMs;
  let last = "no answer yet";
  for (let attempt = 1; ; attempt++) {
    const perTry = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
    try {
      const res = await ctx.clients.fetch(url, { signal: perTry, redirect: "manual" });
      await res.body?.cancel();
      if (res.status === expect) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      last = (e as Error).message;
    }
    if (Date.now() + timing.pollMs > deadline)
      throw new ProviderError(
        `the new Droplet ${rec.name} did not pass its health check at ${url} (${last} after ${attempt} attempts)`,
        {
          code: "HEALTH_CHECK_FAILED",
          fault: "user",
          target: ctx.clients.target,
          hint: "the reserved IP still points at the Droplet that served before; check the container's logs (`docker logs api` on the new Droplet)",
        },
      );
    await sleep(Math.min(timing.pollMs * attempt, 10_000), ctx.signal);
  }
}

export async function deleteServer(ctx: DCtx, rec: Pick<DropletRecord, "id" | "name">): Promise<void> {
  ctx.progress.step(`delete droplet ${rec.name}`);
  await maybe(() => ctx.clients.api.deleteDroplet(rec.id, ctx.signal));
  ctx.progress.done(`delete droplet ${rec.name}`);
}
