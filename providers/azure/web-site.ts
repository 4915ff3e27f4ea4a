// A Microsoft.Web site (production or one of its slots): read, create or update with a release
// (image and app settings), patch of its site-level settings, slot swap, delete. Shared by App
// Service for containers; function apps use readSite/deleteSite too.

import type { Site } from "@azure/arm-appservice";
import { az, azMaybe, isConflict, mapAzureError, nameTaken } from "./errors.js";
import type { AzCtx } from "./resource-group.js";
import type { SiteAttrs } from "./app-service-state.js";
import { farmId } from "./state.js";

export interface SiteRef {
  group: string;
  name: string;
  /** Production when undefined. */
  slot?: string;
}

export interface SiteConfigRead {
  linuxFxVersion: string;
  allowedIps: string[];
  alwaysOn: boolean;
  healthCheckPath: string;
}

const label = (r: SiteRef) => (r.slot ? `slot ${r.slot}` : "site");

export async function getSite(ctx: AzCtx, r: SiteRef): Promise<Site | undefined> {
  const c = ctx.clients;
  const opts = { abortSignal: ctx.signal };
  return r.slot
    ? azMaybe("WebApps_GetSlot", c.target, () => c.web.webApps.getSlot(r.group, r.name, r.slot ?? "", opts))
    : azMaybe("WebApps_Get", c.target, () => c.web.webApps.get(r.group, r.name, opts));
}

export async function getConfig(ctx: AzCtx, r: SiteRef): Promise<SiteConfigRead> {
  const c = ctx.clients;
  const opts = { abortSignal: ctx.signal };
  const cfg = r.slot
    ? await az("WebApps_GetConfigurationSlot", c.target, () =>
        c.web.webApps.getConfigurationSlot(r.group, r.name, r.slot ?? "", opts),
      )
    : await az("WebApps_GetConfiguration", c.target, () =>
        c.web.webApps.getConfiguration(r.group, r.name, opts),
      );
  return {
    linuxFxVersion: cfg.linuxFxVersion ?? "",
    allowedIps: allowedIpsOf(cfg),
    alwaysOn: cfg.alwaysOn ?? false,
    healthCheckPath: cfg.healthCheckPath ?? "",
  };
}

/**
 * The site's access restrictions as apiship writes them: with default action Deny, the Allow
 * rules' ranges. Open (no Deny default) reads as none, whatever rules are listed.
 */
export function allowedIpsOf(cfg: {
  ipSecurityRestrictions?: { ipAddress?: string; action?: string }[];
  ipSecurityRestrictionsDefaultAction?: string;
}): string[] {
  if (cfg.ipSecurityRestrictionsDefaultAction !== "Deny") return [];
  return (cfg.ipSecurityRestrictions ?? [])
    .filter((r) => r.action === "Allow" && typeof r.ipAddress === "string" && r.ipAddress !== "Any")
    .map((r) => r.ipAddress ?? "");
}

/** siteConfig's access restrictions for `allowed`: allow each range, deny the rest; none: open. */
export function restrictionsOf(allowed: readonly string[]) {
  if (allowed.length === 0)
    return { ipSecurityRestrictions: [], ipSecurityRestrictionsDefaultAction: "Allow" as const };
  return {
    ipSecurityRestrictions: allowed.map((ipAddress, i) => ({
      ipAddress,
      action: "Allow",
      tag: "Default" as const,
      priority: 100 + i,
      name: `apiship-allow-${i + 1}`,
      description: "apiship: allowedIps (access: private)",
    })),
    ipSecurityRestrictionsDefaultAction: "Deny" as const,
  };
}

export async function listSettings(ctx: AzCtx, r: SiteRef): Promise<Record<string, string>> {
  const c = ctx.clients;
  const opts = { abortSignal: ctx.signal };
  const d = r.slot
    ? await az("WebApps_ListApplicationSettingsSlot", c.target, () =>
        c.web.webApps.listApplicationSettingsSlot(r.group, r.name, r.slot ?? "", opts),
      )
    : await az("WebApps_ListApplicationSettings", c.target, () =>
        c.web.webApps.listApplicationSettings(r.group, r.name, opts),
      );
  return { ...d.properties };
}

/** The PUT body of a site or slot that runs `want`'s image with `settings`. */
export function siteEnvelope(
  subscription: string,
  want: SiteAttrs,
  settings: Record<string, string> | undefined,
  kind = "app,linux,container",
): Site {
  const siteConfig: NonNullable<Site["siteConfig"]> = {
    linuxFxVersion: `DOCKER|${want.image}`,
    alwaysOn: want.alwaysOn,
    healthCheckPath: want.healthCheckPath,
    http20Enabled: true,
    minTlsVersion: "1.2",
    ...restrictionsOf(want.allowedIps),
  };
  if (settings) siteConfig.appSettings = Object.entries(settings).map(([name, value]) => ({ name, value }));
  const site: Site = {
    location: want.location,
    kind,
    tags: want.tags,
    serverFarmId: farmId(subscription, want.resourceGroup, want.plan),
    reserved: true,
    httpsOnly: want.httpsOnly,
    siteConfig,
  };
  if (want.identity) site.identity = { type: "SystemAssigned" };
  return site;
}

/** Before anything is created for a new site: its global name must be free. */
export async function checkSiteName(ctx: AzCtx, name: string): Promise<void> {
  const c = ctx.clients;
  const r = await az("CheckNameAvailability", c.target, () =>
    c.web.checkNameAvailability(name, "Site", { abortSignal: ctx.signal }),
  );
  if (r.nameAvailable === false && r.reason === "AlreadyExists")
    throw nameTaken("App Service site", name, c.target, new Error(r.message ?? "AlreadyExists"));
}

/** Creates or replaces a site or slot; a name held elsewhere in Azure is the user's to change. */
export async function putSite(ctx: AzCtx, r: SiteRef, body: Site): Promise<Site> {
  const c = ctx.clients;
  const opts = { abortSignal: ctx.signal, updateIntervalInMs: c.pollIntervalMs };
  try {
    return r.slot
      ? await c.web.webApps.beginCreateOrUpdateSlotAndWait(r.group, r.name, r.slot, body, opts)
      : await c.web.webApps.beginCreateOrUpdateAndWait(r.group, r.name, body, opts);
  } catch (e) {
    if (isConflict(e) && !r.slot) throw nameTaken("App Service site", r.name, c.target, e);
    throw mapAzureError(e, r.slot ? "WebApps_CreateOrUpdateSlot" : "WebApps_CreateOrUpdate", c.target);
  }
}

/**
 * Site-level settings that stay with production (never swapped): plan, HTTPS, access
 * restrictions, Always On, health path.
 */
export async function patchSite(
  ctx: AzCtx,
  r: SiteRef,
  want: SiteAttrs,
  subscription: string,
): Promise<void> {
  const c = ctx.clients;
  const body = {
    serverFarmId: farmId(subscription, want.resourceGroup, want.plan),
    httpsOnly: want.httpsOnly,
    siteConfig: {
      alwaysOn: want.alwaysOn,
      healthCheckPath: want.healthCheckPath,
      ...restrictionsOf(want.allowedIps),
    },
    ...(want.identity ? { identity: { type: "SystemAssigned" as const } } : {}),
  };
  ctx.progress.step(`update ${label(r)} settings`);
  const opts = { abortSignal: ctx.signal };
  await (r.slot
    ? az("WebApps_UpdateSlot", c.target, () =>
        c.web.webApps.updateSlot(r.group, r.name, r.slot ?? "", body, opts),
      )
    : az("WebApps_Update", c.target, () => c.web.webApps.update(r.group, r.name, body, opts)));
  ctx.progress.done(`update ${label(r)} settings`);
}

/** Swaps `slot` into production (and production into `slot`): App Service's own release switch. */
export async function swapIntoProduction(
  ctx: AzCtx,
  group: string,
  name: string,
  slot: string,
): Promise<void> {
  const c = ctx.clients;
  ctx.progress.step(`swap ${slot} into production`);
  await az("WebApps_SwapSlotWithProduction", c.target, () =>
    c.web.webApps.beginSwapSlotWithProductionAndWait(
      group,
      name,
      { targetSlot: slot, preserveVnet: true },
      { abortSignal: ctx.signal, updateIntervalInMs: c.pollIntervalMs },
    ),
  );
  ctx.progress.done(`swap ${slot} into production`);
}

export async function deleteSite(ctx: AzCtx, r: SiteRef): Promise<void> {
  const c = ctx.clients;
  const opts = { abortSignal: ctx.signal };
  await (r.slot
    ? azMaybe("WebApps_DeleteSlot", c.target, () =>
        c.web.webApps.deleteSlot(r.group, r.name, r.slot ?? "", opts),
      )
    : azMaybe("WebApps_Delete", c.target, () => c.web.webApps.delete(r.group, r.name, opts)));
}
