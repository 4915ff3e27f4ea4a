// App Service plans (Microsoft.Web/serverfarms) in the fake: PUT is long-running, the body is
// filled with the fields ARM answers (AppServicePlans_CreateOrUpdate example), and a plan that
// still has sites cannot be deleted.

import type { FakeResponse } from "../_shared/server.js";
import { farmId } from "./web.js";
import type { Scope } from "./web.js";
import { accepted, armError, key } from "./world.js";
import type { Dict, FakeWorld, FarmRecord } from "./world.js";

const TIERS: Record<string, string> = { B: "Basic", S: "Standard", P: "PremiumV3", F: "FlexConsumption" };
const tierOf = (sku: string) =>
  sku === "FC1" ? "FlexConsumption" : /mv3$/.test(sku) ? "PremiumMV3" : (TIERS[sku[0] ?? ""] ?? "Premium");

export function farmBody(f: FarmRecord, w: FakeWorld): Dict {
  const sites = [...w.sites.values()].filter(
    (s) => key(s.serverFarmId) === key(farmId({ subscription: f.subscription, group: f.group }, f.name)),
  );
  return {
    id: farmId({ subscription: f.subscription, group: f.group }, f.name),
    name: f.name,
    type: "Microsoft.Web/serverfarms",
    kind: f.kind,
    location: f.location,
    tags: f.tags,
    properties: {
      provisioningState: "Succeeded",
      status: "Ready",
      geoRegion: f.location,
      maximumNumberOfWorkers: f.sku.tier === "Basic" ? 3 : f.sku.tier === "Standard" ? 10 : 30,
      numberOfSites: sites.length,
      reserved: f.reserved,
      isSpot: false,
      targetWorkerCount: 0,
      targetWorkerSizeId: 0,
    },
    sku: {
      name: f.sku.name,
      tier: f.sku.tier,
      size: f.sku.name,
      family: f.sku.name.replace(/\d.*$/, ""),
      capacity: f.sku.capacity,
    },
  };
}

export function putFarm(w: FakeWorld, s: Scope, name: string, body: Dict): FakeResponse {
  const sku = body.sku as { name?: string; capacity?: number } | undefined;
  if (typeof body.location !== "string" || !sku?.name)
    return armError(400, "InvalidRequestContent", "location and sku.name are required");
  const props = (body.properties ?? {}) as Dict;
  const existing = w.farms.get(key(s.subscription, s.group, name));
  const f: FarmRecord = {
    subscription: s.subscription,
    group: s.group,
    name: existing?.name ?? name,
    location: existing?.location ?? body.location,
    kind: typeof body.kind === "string" ? body.kind : "app",
    tags: (body.tags as Record<string, string>) ?? {},
    sku: { name: sku.name, tier: tierOf(sku.name), capacity: sku.capacity ?? 1 },
    reserved: props.reserved === true,
  };
  if (existing && existing.location.toLowerCase() !== String(body.location).toLowerCase())
    return armError(409, "Conflict", "The location of an App Service plan cannot change");
  w.farms.set(key(s.subscription, s.group, name), f);
  return accepted(w, s.subscription, farmBody(f, w));
}

export function deleteFarm(w: FakeWorld, s: Scope, name: string): FakeResponse {
  const f = w.farms.get(key(s.subscription, s.group, name));
  if (!f) return { status: 204 };
  const id = key(farmId(s, f.name));
  if ([...w.sites.values()].some((x) => key(x.serverFarmId) === id))
    return armError(
      409,
      "Conflict",
      `Server farm '${f.name}' cannot be deleted because it has web app(s) assigned to it.`,
    );
  w.farms.delete(key(s.subscription, s.group, name));
  return { status: 200 };
}
