// read, apply, destroy, status and rollback of digitalocean/droplet. A deploy is blue/green:
// the new Droplet boots and passes its health check, then the reserved IP moves to it; the
// Droplet it replaced keeps running as `previous` (so a rollback moves the IP back at once)
// until the next deploy retires it. Droplets are found by the target's tag, the reserved IP by
// its address in the state.

import type { ApplyResult, Ctx, PlannedChange, StatusReport } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { poll } from "../_shared/poll.js";
import { resolvedSecrets } from "../_shared/plan.js";
import type { DoClients } from "./clients.js";
import { desiredServer, hashesFor, tagOf } from "./droplet-plan.js";
import type { DropletOptions, DropletRecord, DropletState } from "./droplet-plan.js";
import { createServer, deleteServer, httpBase, probeServer, publicIp } from "./droplet-server.js";
import { maybe } from "./errors.js";
import type { Droplet, ReservedIp } from "./types.js";

type DCtx = Ctx<DoClients>;

function liveRecord(d: Droplet, recorded: DropletRecord | undefined): DropletRecord | undefined {
  if (!recorded || recorded.id !== d.id) return undefined;
  // What runs inside is not readable from the API; size, region and base image are.
  const attributes = { ...recorded.attributes, size: d.size_slug, region: d.region.slug };
  const rec: DropletRecord = { ...recorded, attributes };
  const ip = publicIp(d);
  if (ip) rec.ip = ip;
  return rec;
}

export async function readDroplet(
  ctx: DCtx,
  prior: DropletState | undefined,
  name: string,
): Promise<DropletState | undefined> {
  const { api } = ctx.clients;
  const tag = tagOf(name);
  const droplets = await api.listDroplets(tag, ctx.signal);
  const rip = prior?.reservedIp
    ? await maybe(() => api.getReservedIp(prior.reservedIp!.ip, ctx.signal))
    : undefined;
  if (droplets.length === 0 && !rip) return undefined;
  const state: DropletState = { name, tag };
  if (rip) state.reservedIp = { ip: rip.ip, region: rip.region?.slug ?? prior?.reservedIp?.region ?? "" };
  const byId = new Map(droplets.map((d) => [d.id, d]));
  const servingId = rip?.droplet?.id ?? prior?.droplet?.id;
  const serving = servingId !== undefined ? byId.get(servingId) : undefined;
  const known = [prior?.droplet, prior?.previous].find((r) => r?.id === serving?.id);
  const current = serving ? liveRecord(serving, known) : undefined;
  if (current) state.droplet = current;
  else if (serving || droplets[0]) {
    // A Droplet apiship did not record (lost state): what it runs is unknown, so a plan updates it.
    const d = (serving ?? droplets[0]) as Droplet;
    state.droplet = { id: d.id, name: d.name, generation: 0, attributes: unknownAttrs(d) };
  }
  const prev =
    prior?.previous && prior.previous.id !== state.droplet?.id ? byId.get(prior.previous.id) : undefined;
  const previous = prev ? liveRecord(prev, prior?.previous) : undefined;
  if (previous) state.previous = previous;
  return state;
}

function unknownAttrs(d: Droplet): DropletRecord["attributes"] {
  return {
    region: d.region.slug,
    size: d.size_slug,
    baseImage: d.image.slug ?? d.image.id ?? "",
    sshKeys: [],
    image: "(unknown)",
    port: 0,
    command: [],
    args: [],
    healthPath: "",
    env: {},
    secrets: {},
  };
}

async function awaitAssigned(ctx: DCtx, ip: string, dropletId: number): Promise<ReservedIp> {
  const { api, timing } = ctx.clients;
  return poll(
    () => api.getReservedIp(ip, ctx.signal),
    (r) => r.droplet?.id === dropletId && r.locked !== true,
    {
      what: `reserved IP ${ip} to point at Droplet ${dropletId}`,
      intervalMs: timing.pollMs,
      timeoutMs: 5 * 60_000,
      signal: ctx.signal,
    },
  );
}

/** Points the reserved IP at the Droplet (creating the IP on first deploy); returns its address. */
async function pointIp(ctx: DCtx, current: DropletState["reservedIp"], to: DropletRecord): Promise<string> {
  const { api } = ctx.clients;
  if (!current) {
    ctx.progress.step("create reserved IP");
    const r = await api.createReservedIp({ droplet_id: to.id }, ctx.signal);
    ctx.progress.done("create reserved IP");
    await awaitAssigned(ctx, r.ip, to.id);
    return r.ip;
  }
  ctx.progress.step(`move reserved IP to ${to.name}`);
  const action = await api.reservedIpAction(current.ip, { type: "assign", droplet_id: to.id }, ctx.signal);
  await poll(
    () => api.getActionStatus(action.id, ctx.signal),
    (a) => a.status === "completed",
    {
      what: `reserved IP ${current.ip} to move`,
      failed: (a) => (a.status === "errored" ? "the assign action errored" : undefined),
      intervalMs: ctx.clients.timing.pollMs,
      timeoutMs: 5 * 60_000,
      signal: ctx.signal,
    },
  );
  ctx.progress.done(`move reserved IP to ${to.name}`);
  return current.ip;
}

function result(ctx: DCtx, state: DropletState): ApplyResult<DropletState> {
  const ip = state.reservedIp?.ip;
  const endpoint = ip ? httpBase(ip, ctx.clients.timing.dropletHttpPort) : undefined;
  const outputs: Record<string, string> = {};
  if (ip) outputs.ip = ip;
  if (state.droplet) outputs.droplet = String(state.droplet.id);
  const r: ApplyResult<DropletState> = { state, outputs };
  if (endpoint) r.endpoint = endpoint;
  if (state.droplet) r.release = state.droplet.name;
  return r;
}

export async function applyDroplet(
  ctx: DCtx,
  change: PlannedChange<DropletOptions, DropletState>,
): Promise<ApplyResult<DropletState>> {
  const want = desiredServer(change.service, change.target.options, hashesFor(change));
  const live = change.observed;
  const serverAction = change.changes.find((c) => c.type === "server")?.action ?? "create";
  const ipAction = change.changes.find((c) => c.type === "reserved-ip")?.action ?? "create";
  if (live?.droplet && live.reservedIp && serverAction === "no-op" && ipAction === "no-op")
    return result(ctx, live);
  const state: DropletState = { name: change.name, tag: tagOf(change.name) };
  let green = live?.droplet;
  if (serverAction !== "no-op" || !green) {
    const secrets = resolvedSecrets(
      Object.keys(want.secrets),
      change.secrets,
      change.target.name,
      "the Droplet's env file",
    );
    const generation = Math.max(live?.droplet?.generation ?? 0, live?.previous?.generation ?? 0) + 1;
    green = await createServer(ctx, change.name, generation, want, secrets);
    try {
      ctx.progress.step("health check new droplet");
      await probeServer(ctx, green, change.service.health.status, change.service.health.timeoutMs);
      ctx.progress.done("health check new droplet");
    } catch (e) {
      // The reserved IP never moved: the old Droplet still serves. The new one is removed.
      await deleteServer(ctx, green).catch(() => undefined);
      throw e;
    }
  }
  state.droplet = green;
  const keepIp = live?.reservedIp && ipAction !== "replace" ? live.reservedIp : undefined;
  state.reservedIp = { ip: await pointIp(ctx, keepIp, green), region: want.region };
  if (live?.reservedIp && !keepIp) {
    ctx.progress.step("delete old reserved IP");
    await maybe(() => ctx.clients.api.deleteReservedIp(live.reservedIp!.ip, ctx.signal));
    ctx.progress.done("delete old reserved IP");
  }
  await retire(ctx, change.name, green, live);
  // The Droplet that served until now stays as the rollback target (same region only).
  const blue = live?.droplet && live.droplet.id !== green.id && keepIp ? live.droplet : undefined;
  if (blue) state.previous = blue;
  else if (live?.droplet && live.droplet.id !== green.id) await deleteServer(ctx, live.droplet);
  return result(ctx, state);
}

/** Deletes the target's Droplets that are neither the new one nor the one it replaced. */
async function retire(
  ctx: DCtx,
  name: string,
  green: DropletRecord,
  live: DropletState | undefined,
): Promise<void> {
  const keep = new Set([green.id, live?.droplet?.id]);
  for (const d of await ctx.clients.api.listDroplets(tagOf(name), ctx.signal)) {
    if (!keep.has(d.id)) await deleteServer(ctx, d);
  }
}

export async function destroyDroplet(ctx: DCtx, state: DropletState): Promise<void> {
  const { api } = ctx.clients;
  if (state.reservedIp) {
    ctx.progress.step("delete reserved IP");
    await maybe(() => api.deleteReservedIp(state.reservedIp!.ip, ctx.signal));
    ctx.progress.done("delete reserved IP");
  }
  const ids = new Set([state.droplet?.id, state.previous?.id]);
  for (const d of await api.listDroplets(state.tag || tagOf(state.name), ctx.signal)) ids.add(d.id);
  for (const id of ids) if (id !== undefined) await deleteServer(ctx, { id, name: String(id) });
}

export async function statusDroplet(ctx: DCtx, state: DropletState): Promise<StatusReport> {
  if (!state.reservedIp) return { health: "missing" };
  const rip = await maybe(() => ctx.clients.api.getReservedIp(state.reservedIp!.ip, ctx.signal));
  if (!rip) return { health: "missing", detail: `reserved IP ${state.reservedIp.ip} is gone` };
  const endpoint = httpBase(rip.ip, ctx.clients.timing.dropletHttpPort);
  const d = rip.droplet;
  if (!d) return { health: "down", endpoint, detail: "the reserved IP points at no Droplet" };
  const r: StatusReport = { health: d.status === "active" ? "ready" : "down", endpoint, release: d.name };
  if (d.status !== "active") r.detail = `Droplet ${d.name} is ${d.status}`;
  return r;
}

function unavailable(ctx: DCtx, what: string): ProviderError {
  return new ProviderError(what, {
    code: "ROLLBACK_UNAVAILABLE",
    fault: "user",
    target: ctx.clients.target,
    hint: "apiship keeps the one Droplet that served before the last deploy; deploy the earlier manifest again to go further back",
  });
}

/**
 * Points the reserved IP at the Droplet the earlier release ran, while it still runs: the
 * previous Droplet after a deploy whose health check failed (the new one is then deleted), or
 * the current one after a deploy that failed before the IP moved (then nothing changes).
 */
export async function rollbackDroplet(
  ctx: DCtx,
  state: DropletState,
  to: DropletState,
): Promise<ApplyResult<DropletState>> {
  const { api } = ctx.clients;
  const back = [state.droplet, state.previous].find((r) => r !== undefined && r.id === to.droplet?.id);
  if (!back || !state.reservedIp)
    throw unavailable(ctx, `the Droplet of the earlier release of ${state.name} no longer runs`);
  if (!(await maybe(() => api.getDroplet(back.id, ctx.signal))))
    throw unavailable(ctx, `the previous Droplet ${back.name} is gone`);
  const rip = await api.getReservedIp(state.reservedIp.ip, ctx.signal);
  if (rip.droplet?.id !== back.id) await pointIp(ctx, state.reservedIp, back);
  const next: DropletState = {
    name: state.name,
    tag: state.tag,
    reservedIp: state.reservedIp,
    droplet: back,
  };
  if (state.droplet && state.droplet.id !== back.id) await deleteServer(ctx, state.droplet);
  else if (state.previous && state.previous.id !== back.id) next.previous = state.previous;
  return result(ctx, next);
}
