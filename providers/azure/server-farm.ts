// The App Service plan (Microsoft.Web/serverfarms) a site runs on: Linux (`reserved: true`),
// with the target's SKU and as many instances as `scaling` asks for. App Service for containers
// and Flex Consumption function apps both sit on one.

import type { AppServicePlan } from "@azure/arm-appservice";
import { az, azMaybe } from "./errors.js";
import type { AzCtx } from "./resource-group.js";
import type { FarmState } from "./state.js";

export type FarmAttrs = Omit<FarmState, "id" | "name">;

/** The tier ARM files a SKU under (the `sku.tier` it answers with). */
export function tierOf(sku: string): string {
  if (sku === "FC1") return "FlexConsumption";
  if (/^P\d+mv3$/.test(sku)) return "PremiumMV3";
  if (/^P\d+v3$/.test(sku)) return "PremiumV3";
  if (sku.startsWith("S")) return "Standard";
  if (sku.startsWith("B")) return "Basic";
  return "Premium";
}

/** Most instances a plan of this SKU scales out to. */
export function maxInstancesOf(sku: string): number {
  if (sku.startsWith("B")) return 3;
  if (sku.startsWith("S")) return 10;
  return 30;
}

/** Deployment slots need Standard or higher. */
export function hasSlots(sku: string): boolean {
  return !sku.startsWith("B") && sku !== "FC1";
}

function toFarm(p: AppServicePlan, name: string, group: string): FarmState {
  return {
    name: p.name ?? name,
    id: p.id ?? "",
    location: (p.location ?? "").toLowerCase().replace(/\s+/g, ""),
    resourceGroup: group,
    sku: p.sku?.name ?? "",
    capacity: p.sku?.capacity ?? 1,
    tags: { ...p.tags },
  };
}

export async function readFarm(ctx: AzCtx, group: string, name: string): Promise<FarmState | undefined> {
  const c = ctx.clients;
  const p = await azMaybe("AppServicePlans_Get", c.target, () =>
    c.web.appServicePlans.get(group, name, { abortSignal: ctx.signal }),
  );
  return p ? toFarm(p, name, group) : undefined;
}

function differs(have: FarmState, want: FarmAttrs): boolean {
  // Flex Consumption scales itself: its plan has no instance count to keep.
  return have.sku !== want.sku || (want.sku !== "FC1" && have.capacity !== want.capacity);
}

export async function ensureFarm(
  ctx: AzCtx,
  name: string,
  want: FarmAttrs,
  have: FarmState | undefined,
): Promise<FarmState> {
  if (have && !differs(have, want)) return have;
  const c = ctx.clients;
  const step = have ? "update App Service plan" : "create App Service plan";
  const body: AppServicePlan = {
    location: want.location,
    kind: want.sku === "FC1" ? "functionapp" : "linux",
    reserved: true,
    sku: {
      name: want.sku,
      tier: tierOf(want.sku),
      ...(want.sku === "FC1" ? {} : { capacity: want.capacity }),
    },
    tags: want.tags,
  };
  ctx.progress.step(step);
  const p = await az("AppServicePlans_CreateOrUpdate", c.target, () =>
    c.web.appServicePlans.beginCreateOrUpdateAndWait(want.resourceGroup, name, body, {
      abortSignal: ctx.signal,
      updateIntervalInMs: c.pollIntervalMs,
    }),
  );
  ctx.progress.done(step);
  return { ...toFarm(p, name, want.resourceGroup), tags: want.tags };
}

export async function deleteFarm(ctx: AzCtx, group: string, name: string): Promise<void> {
  const c = ctx.clients;
  await azMaybe("AppServicePlans_Delete", c.target, () =>
    c.web.appServicePlans.delete(group, name, { abortSignal: ctx.signal }),
  );
}
