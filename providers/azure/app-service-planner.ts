// The PURE planner of azure/app-service (DESIGN.md §3): the resource group, the Linux App Service
// plan, the site and its staging slot the manifest asks for, and the attribute-level changes from
// what read() observed to that. No I/O here.

import type { PlanRequest, PlanResponse } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { planChain } from "./plan-chain.js";
import type { AppServiceOptions } from "./app-service.js";
import type { AppServiceState, SiteAttrs } from "./app-service-state.js";
import { STAGING } from "./app-service-state.js";
import { PUBLIC_ARM } from "./clients.js";
import { hasSlots, maxInstancesOf } from "./server-farm.js";
import type { FarmAttrs } from "./server-farm.js";
import { desiredSecretHashes, splitSecrets } from "./settings.js";
import { TAG_MANAGED, farmNameFor, ownerTags } from "./state.js";

export type AppServicePlanRequest = PlanRequest<AppServiceOptions, AppServiceState>;
type Attrs = Record<string, unknown>;

export const RESOURCE_TYPES = ["resource-group", "plan", "site", "slot"] as const;
export type AppServiceResource = (typeof RESOURCE_TYPES)[number];
/** A site and its plan live in one resource group and one region. */
export const FORCES_REPLACE = ["resourceGroup", "location"];

const DEPENDS_ON: Record<AppServiceResource, AppServiceResource[]> = {
  "resource-group": [],
  plan: ["resource-group"],
  site: ["plan"],
  slot: ["site"],
};

/** The ARM endpoint as the target names it; Key Vault URIs follow its cloud. */
export function endpointOf(o: { endpoint?: string | undefined }): string {
  return o.endpoint ?? PUBLIC_ARM;
}

/** Slots are used unless the target turns them off or its SKU has none (Basic). */
export function usesSlot(o: AppServiceOptions): boolean {
  return o.stagingSlot !== false && hasSlots(o.sku);
}

export function slotName(o: AppServiceOptions): string {
  return o.stagingSlot === false ? STAGING : o.stagingSlot;
}

/** Without autoscale settings the plan runs a fixed count: scaling.min, at least one. */
export function instanceCount(req: AppServicePlanRequest): number {
  return Math.max(1, req.service.scaling.min);
}

function check(req: AppServicePlanRequest): void {
  const o = req.target.options;
  const max = maxInstancesOf(o.sku);
  if (instanceCount(req) > max) {
    throw new ProviderError(
      `scaling.min ${req.service.scaling.min} is more than a ${o.sku} plan runs (${max})`,
      {
        code: "CONFIG",
        fault: "user",
        target: req.target.name,
        hint: `lower scaling.min to ${max} or less, or choose a larger sku (Standard: 10, Premium v3: 30 instances)`,
      },
    );
  }
  // Private is enforced by access restrictions (default Deny, allow the listed ranges), so it
  // needs the ranges; a list with public access would quietly make the site private.
  if (req.service.access === "private" && !o.allowedIps) {
    throw new ProviderError("access: private on azure/app-service needs allowedIps: the ranges allowed in", {
      code: "CONFIG",
      fault: "user",
      target: req.target.name,
      hint: "add `allowedIps: [10.0.0.0/16]` (CIDR blocks, e.g. your VNet's or office's) to this target; everyone else gets 403",
    });
  }
  if (req.service.access === "public" && o.allowedIps) {
    throw new ProviderError("allowedIps restricts the site, but access is public", {
      code: "CONFIG",
      fault: "user",
      target: req.target.name,
      hint: "set service.access: private to restrict the site to allowedIps, or remove allowedIps",
    });
  }
}

export function desiredFarm(req: AppServicePlanRequest): FarmAttrs {
  const o = req.target.options;
  return {
    resourceGroup: o.resourceGroup,
    location: o.location,
    sku: o.sku,
    capacity: instanceCount(req),
    tags: ownerTags(req.stack.id, req.target.name),
  };
}

export function desiredSite(req: AppServicePlanRequest): SiteAttrs {
  const o = req.target.options;
  const svc = req.service;
  const { local, keyVault } = splitSecrets(svc.secrets, endpointOf(o), "azure/app-service");
  return {
    resourceGroup: o.resourceGroup,
    location: o.location,
    plan: farmNameFor(req.name),
    httpsOnly: true,
    allowedIps: svc.access === "private" ? [...(o.allowedIps ?? [])] : [],
    alwaysOn: o.alwaysOn && svc.scaling.min > 0,
    healthCheckPath: svc.health.path,
    image: svc.container?.image ?? "",
    port: svc.container?.port ?? 80,
    env: { ...svc.env },
    secrets: desiredSecretHashes(local, req.secretHashes, req.observed?.site?.secrets),
    keyVault,
    identity: Object.keys(keyVault).length > 0,
    tags: ownerTags(req.stack.id, req.target.name),
  };
}

function desiredAttrs(req: AppServicePlanRequest): Record<AppServiceResource, Attrs | null> {
  const o = req.target.options;
  const g = req.observed?.group;
  // A group apiship did not create is used, never managed: it is in no plan.
  const group =
    g && !g.managed && g.name === o.resourceGroup
      ? null
      : {
          name: o.resourceGroup,
          tags: { ...ownerTags(req.stack.id, req.target.name), [TAG_MANAGED]: "true" },
        };
  return {
    "resource-group": group,
    plan: desiredFarm(req) as unknown as Attrs,
    site: desiredSite(req) as unknown as Attrs,
    slot: usesSlot(o) ? { name: slotName(o) } : null,
  };
}

function observedAttrs(s: AppServiceState | undefined): Record<AppServiceResource, Attrs | null> {
  const site = s?.site;
  return {
    "resource-group": s?.group?.managed ? { name: s.group.name, tags: s.group.tags } : null,
    plan: s?.plan
      ? {
          resourceGroup: s.plan.resourceGroup,
          location: s.plan.location,
          sku: s.plan.sku,
          capacity: s.plan.capacity,
          tags: s.plan.tags,
        }
      : null,
    site: site
      ? Object.fromEntries(Object.entries(site).filter(([k]) => !["id", "hostName", "state"].includes(k)))
      : null,
    slot: s?.slot ? { name: s.slot.name } : null,
  };
}

function physical(req: AppServicePlanRequest, type: AppServiceResource): string {
  if (type === "resource-group") return req.target.options.resourceGroup;
  if (type === "plan") return farmNameFor(req.name);
  if (type === "slot") return `${req.name}/${slotName(req.target.options)}`;
  return req.name;
}

/** PURE. Changes in dependency order; resources neither present nor wanted are left out. */
export function planAppService(req: AppServicePlanRequest): PlanResponse {
  check(req);
  return planChain({
    types: RESOURCE_TYPES,
    before: observedAttrs(req.observed),
    after: desiredAttrs(req),
    dependsOn: DEPENDS_ON,
    secretsOn: "site",
    forcesReplace: (type) => (type === "resource-group" ? ["name"] : FORCES_REPLACE),
    physical: (type) => physical(req, type),
    cascadeLabel: (type) => (type === "plan" ? "the plan" : `the ${type}`),
  });
}
