// What the cloud holds of an azure/app-service target now (read) and how production is doing
// (status). Read only: the resource group, the plan, the site with its configuration and app
// settings, and the staging slot with its own. Secret fingerprints come from the settings
// themselves (settings.ts), so production's and the slot's releases are what the cloud holds.

import type { StatusReport } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { AppServiceOptions } from "./app-service.js";
import { releaseParts } from "./app-service-state.js";
import type { AppServiceState, SiteState, SlotState } from "./app-service-state.js";
import { slotName, usesSlot } from "./app-service-planner.js";
import type { AzCtx } from "./resource-group.js";
import { readGroup } from "./resource-group.js";
import { readFarm } from "./server-farm.js";
import { SECRET_HASHES_SETTING, splitSettings } from "./settings.js";
import { TAG_STACK, farmNameFor, isOwnedBy, lastSegment, releaseId } from "./state.js";
import { getConfig, getSite, listSettings } from "./web-site.js";
import type { SiteRef } from "./web-site.js";

const imageOf = (fx: string) => (fx.startsWith("DOCKER|") ? fx.slice("DOCKER|".length) : fx);

/** Where a site answers: https, or http behind an emulator's plain-http endpoint. */
export function siteUrl(ctx: AzCtx, hostName: string): string {
  return `${ctx.clients.insecure ? "http" : "https"}://${hostName}`;
}

function checkOwner(tags: Record<string, string> | undefined, name: string, ctx: AzCtx): void {
  if (isOwnedBy(tags, ctx.stack.id, ctx.target.name)) return;
  const owner = tags?.[TAG_STACK];
  throw new ProviderError(
    `App Service site ${name} exists but belongs to ${owner ? `stack ${owner}` : "no apiship stack"}`,
    {
      code: "NOT_OWNED",
      fault: "user",
      target: ctx.target.name,
      hint: "apiship does not adopt a site it did not create; delete or rename it, or deploy under another target name",
    },
  );
}

async function readSiteState(
  ctx: AzCtx,
  ref: SiteRef,
  prior: AppServiceState | undefined,
): Promise<SiteState | undefined> {
  const site = await getSite(ctx, ref);
  if (!site) return undefined;
  checkOwner(site.tags, ref.name, ctx);
  const cfg = await getConfig(ctx, ref);
  const secretNames = [
    ...new Set([...Object.keys(ctx.stack.service.secrets), ...Object.keys(prior?.site?.secrets ?? {})]),
  ];
  const split = splitSettings(await listSettings(ctx, ref), secretNames, prior?.site?.secrets ?? {});
  const s: SiteState = {
    resourceGroup: ref.group,
    location: (site.location ?? "").toLowerCase().replace(/\s+/g, ""),
    plan: lastSegment(site.serverFarmId),
    httpsOnly: site.httpsOnly ?? false,
    allowedIps: cfg.allowedIps,
    alwaysOn: cfg.alwaysOn,
    healthCheckPath: cfg.healthCheckPath,
    image: imageOf(cfg.linuxFxVersion),
    port: split.port ?? 80,
    env: split.env,
    secrets: split.secrets,
    keyVault: split.keyVault,
    identity: (site.identity?.type ?? "None").includes("SystemAssigned"),
    tags: { ...site.tags },
    id: site.id ?? "",
    hostName: site.defaultHostName ?? "",
  };
  if (site.state !== undefined) s.state = site.state;
  return s;
}

async function readSlot(
  ctx: AzCtx,
  group: string,
  name: string,
  slot: string,
  prior: SlotState | undefined,
): Promise<SlotState | undefined> {
  const ref = { group, name, slot };
  const s = await getSite(ctx, ref);
  if (!s) return undefined;
  const image = imageOf((await getConfig(ctx, ref)).linuxFxVersion);
  const props = await listSettings(ctx, ref);
  const names = Object.keys(ctx.stack.service.secrets);
  // The slot's settings carry their secrets' fingerprints (or there are no secrets): its release
  // is known from the cloud, whatever a failed deploy left there. Written before apiship kept
  // fingerprints, the slot's release is the one the last swap recorded, while its image matches.
  if (props[SECRET_HASHES_SETTING] !== undefined || !names.some((n) => n in props)) {
    const split = splitSettings(props, names, {});
    const release = releaseId(releaseParts({ ...split, image, port: split.port ?? 80 }));
    return { name: slot, hostName: s.defaultHostName ?? "", image, release };
  }
  const release = prior?.image === image ? prior.release : releaseId({ image });
  return { name: slot, hostName: s.defaultHostName ?? "", image, release };
}

export async function readAppService(
  ctx: AzCtx,
  prior: AppServiceState | undefined,
  name: string,
): Promise<AppServiceState | undefined> {
  const o = ctx.target.options as AppServiceOptions;
  const group = prior?.resourceGroup ?? o.resourceGroup;
  const g = await readGroup(ctx, group);
  if (!g) return undefined;
  const state: AppServiceState = {
    name,
    subscription: ctx.clients.subscription,
    resourceGroup: group,
    group: g,
  };
  const plan = await readFarm(ctx, group, farmNameFor(name));
  if (plan) state.plan = plan;
  const site = await readSiteState(ctx, { group, name }, prior);
  // A group of the user's alone is still reported: the plan then knows not to create it.
  if (!site) return state;
  state.site = site;
  state.release = releaseId(releaseParts(site));
  const slot = prior?.slot?.name ?? (usesSlot(o) ? slotName(o) : undefined);
  if (slot) {
    const s = await readSlot(ctx, group, name, slot, prior?.slot);
    if (s) state.slot = s;
  }
  return state;
}

export async function statusAppService(ctx: AzCtx, state: AppServiceState): Promise<StatusReport> {
  const site = await getSite(ctx, { group: state.resourceGroup, name: state.name });
  if (!site) return { health: "missing", detail: `site ${state.name} is not in ${state.resourceGroup}` };
  const report: StatusReport = { health: "unknown" };
  if (site.defaultHostName) report.endpoint = siteUrl(ctx, site.defaultHostName);
  if (state.release) report.release = state.release;
  if (site.state === "Running" && site.enabled !== false) {
    report.health = site.availabilityState === "Limited" ? "partial" : "ready";
    if (report.health === "partial") report.detail = "the site's availability is limited";
  } else {
    report.health = "down";
    report.detail = `site state ${site.state ?? "unknown"}`;
  }
  return report;
}
