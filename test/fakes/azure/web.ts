// Microsoft.Web in the fake: App Service plans (serverfarms), sites and their slots, site
// configuration, app settings and slot swaps. Bodies follow the 2025-03-01 REST spec and its
// examples (WebApps_CreateOrUpdate, AppServicePlans_CreateOrUpdate, ...): the server fills the
// defaults and read-only fields a real control plane does; PUT and swap are long-running.

import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { checkRestrictions, keyMissing, restricted, restrictionsView } from "./access.js";
import { accepted, armError, key, notFound } from "./world.js";
export { deleteFarm, farmBody, putFarm } from "./farms.js";
import type { Dict, FakeWorld, FarmRecord, SiteRecord, SiteSlot } from "./world.js";

export interface Scope {
  subscription: string;
  group: string;
}

const hasSlots = (f: FarmRecord | undefined) =>
  f !== undefined && !["Basic", "FlexConsumption", "Free", "Shared"].includes(f.sku.tier);

export function farmId(s: Scope, name: string): string {
  return `/subscriptions/${s.subscription}/resourceGroups/${s.group}/providers/Microsoft.Web/serverfarms/${name}`;
}

export function siteId(r: Pick<SiteRecord, "subscription" | "group" | "name">, slot?: string): string {
  const base = `/subscriptions/${r.subscription}/resourceGroups/${r.group}/providers/Microsoft.Web/sites/${r.name}`;
  return slot ? `${base}/slots/${slot}` : base;
}

const CONFIG_DEFAULTS: Dict = {
  numberOfWorkers: 1,
  linuxFxVersion: "",
  alwaysOn: false,
  http20Enabled: false,
  minTlsVersion: "1.2",
  ftpsState: "AllAllowed",
  healthCheckPath: null,
  use32BitWorkerProcess: true,
  webSocketsEnabled: false,
};

function slotBody(w: FakeWorld, site: SiteRecord, slot: SiteSlot, slotName?: string): Dict {
  const name = slotName ? `${site.name}/${slotName}` : site.name;
  const host = slot.hostName;
  const scm = host.includes("/__sites/")
    ? host.replace("/__sites/", "/__scm/")
    : host.replace(/^([^.]+)/, "$1.scm");
  return {
    id: siteId(site, slotName),
    name,
    type: slotName ? "Microsoft.Web/sites/slots" : "Microsoft.Web/sites",
    kind: site.kind,
    location: site.location,
    tags: slot.tags,
    ...(site.identity ? { identity: site.identity } : {}),
    properties: {
      state: site.state,
      hostNames: [host],
      repositorySiteName: site.name,
      usageState: "Normal",
      enabled: true,
      enabledHostNames: [host, scm],
      hostNameSslStates: [
        { name: host, sslState: "Disabled", hostType: "Standard" },
        { name: scm, sslState: "Disabled", hostType: "Repository" },
      ],
      availabilityState: "Normal",
      serverFarmId: site.serverFarmId,
      reserved: true,
      lastModifiedTimeUtc: new Date().toISOString(),
      // GET site carries only part of the configuration; config/web has all of it.
      siteConfig: { numberOfWorkers: 1, linuxFxVersion: slot.config.linuxFxVersion, appSettings: null },
      resourceGroup: site.group,
      defaultHostName: host,
      httpsOnly: site.httpsOnly,
      outboundIpAddresses: "70.37.102.201,20.225.43.144",
      ...(site.functionAppConfig && !slotName ? { functionAppConfig: site.functionAppConfig } : {}),
    },
  };
}

export function siteBody(w: FakeWorld, site: SiteRecord, slot?: string): Dict | undefined {
  const s = slot ? site.slots.get(slot) : site;
  return s ? slotBody(w, site, s, slot) : undefined;
}

function settingsOf(cfg: Dict | undefined): Record<string, string> | undefined {
  const list = cfg?.appSettings;
  if (!Array.isArray(list)) return undefined;
  return Object.fromEntries(
    (list as { name?: string; value?: string }[])
      .filter((p) => p.name)
      .map((p) => [p.name ?? "", p.value ?? ""]),
  );
}

function mergeConfig(base: Dict, patch: Dict | undefined): Dict {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch ?? {}))
    if (k !== "appSettings" && v !== undefined && v !== null) out[k] = v;
  return out;
}

function checkSiteBody(w: FakeWorld, s: Scope, body: Dict): FakeResponse | undefined {
  const props = (body.properties ?? {}) as Dict;
  if (typeof body.location !== "string")
    return armError(400, "LocationRequired", "The location property is required for this definition.");
  const farm = typeof props.serverFarmId === "string" ? props.serverFarmId : "";
  const f = [...w.farms.values()].find(
    (x) => key(farmId({ subscription: x.subscription, group: x.group }, x.name)) === key(farm),
  );
  if (!f)
    return armError(
      404,
      "NotFound",
      `Server farm with name ${farm.slice(farm.lastIndexOf("/") + 1)} not found.`,
    );
  const fx = ((props.siteConfig ?? {}) as Dict).linuxFxVersion;
  if (typeof fx === "string" && fx !== "" && !f.reserved)
    return armError(400, "BadRequest", "linuxFxVersion needs a Linux App Service plan (reserved: true)");
  return checkRestrictions(props.siteConfig as Dict | undefined);
}

export function putSite(w: FakeWorld, s: Scope, name: string, body: Dict): FakeResponse {
  const lower = name.toLowerCase();
  const existing = w.sites.get(lower);
  if (
    w.takenSiteNames.has(lower) ||
    (existing && key(existing.subscription, existing.group) !== key(s.subscription, s.group))
  )
    return armError(409, "Conflict", `Website with given name ${name} already exists.`);
  const bad = checkSiteBody(w, s, body);
  if (bad) return bad;
  const props = (body.properties ?? {}) as Dict;
  const cfg = (props.siteConfig ?? {}) as Dict;
  const site: SiteRecord = existing ?? {
    subscription: s.subscription,
    group: s.group,
    name,
    location: String(body.location),
    kind: String(body.kind ?? "app"),
    serverFarmId: "",
    httpsOnly: false,
    state: "Running",
    config: { ...CONFIG_DEFAULTS },
    settings: {},
    tags: {},
    hostName: w.hostFor(name),
    slots: new Map(),
    packages: [],
  };
  if (existing && existing.location.toLowerCase() !== String(body.location).toLowerCase())
    return armError(409, "Conflict", "The location of a site cannot change");
  site.kind = String(body.kind ?? site.kind);
  site.tags = (body.tags as Record<string, string>) ?? {};
  site.serverFarmId = String(props.serverFarmId);
  site.httpsOnly = props.httpsOnly === true;
  if (body.identity)
    site.identity = {
      ...(body.identity as Dict),
      principalId: w.nextId(),
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    };
  if (props.functionAppConfig) site.functionAppConfig = props.functionAppConfig as Dict;
  site.config = mergeConfig(site.config, cfg);
  site.settings = settingsOf(cfg) ?? site.settings;
  w.sites.set(lower, site);
  return existing
    ? { status: 200, body: slotBody(w, site, site) }
    : accepted(w, s.subscription, slotBody(w, site, site));
}

export function patchSite(w: FakeWorld, site: SiteRecord, body: Dict, slot?: string): FakeResponse {
  const target = slot ? site.slots.get(slot) : site;
  if (!target) return notFound("Microsoft.Web/sites/slots", `${site.name}/${slot ?? ""}`);
  const props = (body.properties ?? {}) as Dict;
  const bad = checkRestrictions(props.siteConfig as Dict | undefined);
  if (bad) return bad;
  if (!slot) {
    if (typeof props.serverFarmId === "string") site.serverFarmId = props.serverFarmId;
    if (typeof props.httpsOnly === "boolean") site.httpsOnly = props.httpsOnly;
    if (body.identity) site.identity = { ...(body.identity as Dict), principalId: w.nextId() };
  }
  target.config = mergeConfig(target.config, props.siteConfig as Dict | undefined);
  return { status: 200, body: slotBody(w, site, target, slot) };
}

export function putSlot(w: FakeWorld, site: SiteRecord, slot: string, body: Dict): FakeResponse {
  const farm = [...w.farms.values()].find(
    (f) => key(farmId({ subscription: f.subscription, group: f.group }, f.name)) === key(site.serverFarmId),
  );
  if (!hasSlots(farm))
    return armError(
      409,
      "Conflict",
      `Cannot create more than 0 deployment slots for this app: the ${farm?.sku.tier ?? "current"} tier has no slots.`,
    );
  const props = (body.properties ?? {}) as Dict;
  const cfg = (props.siteConfig ?? {}) as Dict;
  const bad = checkRestrictions(cfg);
  if (bad) return bad;
  const existing = site.slots.get(slot);
  const rec: SiteSlot = existing ?? {
    config: { ...CONFIG_DEFAULTS },
    settings: {},
    tags: {},
    hostName: w.hostFor(site.name, slot),
  };
  rec.config = mergeConfig(rec.config, cfg);
  rec.settings = settingsOf(cfg) ?? rec.settings;
  rec.tags = (body.tags as Record<string, string>) ?? rec.tags;
  site.slots.set(slot, rec);
  return accepted(w, site.subscription, slotBody(w, site, rec, slot));
}

/** Swap moves the release (image, app settings) between production and the slot. */
export function swap(w: FakeWorld, site: SiteRecord, body: Dict): FakeResponse {
  const slotName = typeof body.targetSlot === "string" ? body.targetSlot : "";
  if (typeof body.preserveVnet !== "boolean") return armError(400, "BadRequest", "preserveVnet is required");
  const slot = site.slots.get(slotName);
  if (!slot) return notFound("Microsoft.Web/sites/slots", `${site.name}/${slotName}`);
  const [fx, settings] = [site.config.linuxFxVersion, site.settings];
  site.config = { ...site.config, linuxFxVersion: slot.config.linuxFxVersion };
  site.settings = slot.settings;
  slot.config = { ...slot.config, linuxFxVersion: fx };
  slot.settings = settings;
  return accepted(w, site.subscription);
}

export function configBody(site: SiteRecord, slot?: string): FakeResponse {
  const s = slot ? site.slots.get(slot) : site;
  if (!s) return notFound("Microsoft.Web/sites/slots", `${site.name}/${slot ?? ""}`);
  return {
    status: 200,
    body: {
      id: `${siteId(site, slot)}/config/web`,
      name: "web",
      type: "Microsoft.Web/sites/config",
      properties: { ...s.config, ...restrictionsView(s.config) },
    },
  };
}

export function settingsBody(site: SiteRecord, slot?: string, put?: Dict): FakeResponse {
  const s = slot ? site.slots.get(slot) : site;
  if (!s) return notFound("Microsoft.Web/sites/slots", `${site.name}/${slot ?? ""}`);
  if (put) s.settings = { ...((put.properties ?? {}) as Record<string, string>) };
  return {
    status: 200,
    body: {
      id: `${siteId(site, slot)}/config/appsettings`,
      name: "appsettings",
      type: "Microsoft.Web/sites/config",
      kind: "app",
      properties: { ...s.settings },
    },
  };
}

/** A request to a site's own host (/__sites/<name>[--<slot>]/...): the container answering. */
export function serveSite(w: FakeWorld, req: FakeRequest): FakeResponse {
  const [, host = ""] = /^\/__sites\/([^/]+)/.exec(req.path) ?? [];
  const [name = "", slot] = host.split("--");
  const site = w.sites.get(name.toLowerCase());
  const s = slot ? site?.slots.get(slot) : site;
  if (!site || !s) return { status: 404, body: "site not found" };
  const denied = restricted(s) ?? (site.kind.includes("functionapp") ? keyMissing(site, req) : undefined);
  if (denied) return denied;
  if (site.kind.includes("functionapp"))
    return site.packages.length > 0
      ? { status: 200, body: "ok" }
      : { status: 503, body: "Function host is not running." };
  const image = String(s.config.linuxFxVersion ?? "").replace(/^DOCKER\|/, "");
  if (w.crashImages.has(image)) return { status: 503, body: "Application Error" };
  return { status: 200, body: `ok ${image}` };
}

/** POST /providers/Microsoft.Web/checknameavailability: site names are global. */
export function checkName(w: FakeWorld, body: Dict): FakeResponse {
  const name = String(body.name ?? "").toLowerCase();
  if (body.type !== "Site" && body.type !== "Microsoft.Web/sites")
    return armError(400, "BadRequest", "type must be Site");
  if (!/^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$/.test(name))
    return {
      status: 200,
      body: {
        nameAvailable: false,
        reason: "Invalid",
        message: "The name must be 2-60 letters, digits or hyphens.",
      },
    };
  const taken = w.takenSiteNames.has(name) || w.sites.has(name);
  return {
    status: 200,
    body: taken
      ? {
          nameAvailable: false,
          reason: "AlreadyExists",
          message: `Hostname '${name}' already exists. Please select a different name.`,
        }
      : { nameAvailable: true },
  };
}
