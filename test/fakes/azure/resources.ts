// Microsoft.Resources in the fake: resource groups (deleting one deletes what it holds, as a
// long-running operation) and the list of resources in a group.

import type { FakeResponse } from "../_shared/server.js";
import { farmBody, siteBody } from "./web.js";
import { accepted, armError, key } from "./world.js";
import type { Dict, FakeWorld, GroupRecord } from "./world.js";

function groupBody(g: GroupRecord): Dict {
  return {
    id: `/subscriptions/${g.subscription}/resourceGroups/${g.name}`,
    name: g.name,
    type: "Microsoft.Resources/resourceGroups",
    location: g.location,
    tags: g.tags,
    properties: { provisioningState: "Succeeded" },
  };
}

const groupNotFound = (name: string) =>
  armError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`);

export function getGroup(w: FakeWorld, sub: string, name: string): FakeResponse {
  const g = w.groups.get(key(sub, name));
  return g ? { status: 200, body: groupBody(g) } : groupNotFound(name);
}

export function putGroup(w: FakeWorld, sub: string, name: string, body: Dict): FakeResponse {
  if (typeof body.location !== "string")
    return armError(400, "LocationRequired", "The location property is required for this definition.");
  const existing = w.groups.get(key(sub, name));
  if (existing && existing.location !== body.location)
    return armError(
      409,
      "InvalidResourceGroupLocation",
      `Invalid resource group location '${body.location}'. The Resource group already exists in location '${existing.location}'.`,
    );
  const g: GroupRecord = {
    subscription: sub,
    name: existing?.name ?? name,
    location: body.location,
    tags: (body.tags as Record<string, string>) ?? {},
  };
  w.groups.set(key(sub, name), g);
  return { status: existing ? 200 : 201, body: groupBody(g) };
}

function inGroup<T extends { subscription: string; group: string }>(
  m: Map<string, T>,
  sub: string,
  group: string,
): [string, T][] {
  return [...m.entries()].filter(([, v]) => key(v.subscription, v.group) === key(sub, group));
}

export function deleteGroup(w: FakeWorld, sub: string, name: string): FakeResponse {
  if (!w.groups.has(key(sub, name))) return groupNotFound(name);
  for (const m of [w.sites, w.farms, w.storage, w.clusters] as Map<
    string,
    { subscription: string; group: string }
  >[])
    for (const [k] of inGroup(m, sub, name)) m.delete(k);
  w.groups.delete(key(sub, name));
  return accepted(w, sub);
}

export function listResources(w: FakeWorld, sub: string, name: string): FakeResponse {
  if (!w.groups.has(key(sub, name))) return groupNotFound(name);
  const value: Dict[] = [];
  for (const [, f] of inGroup(w.farms, sub, name)) value.push(farmBody(f, w));
  for (const [, s] of inGroup(w.sites, sub, name)) {
    const b = siteBody(w, s);
    if (b)
      value.push({ id: b.id, name: b.name, type: b.type, location: b.location, tags: b.tags, kind: b.kind });
    for (const slot of s.slots.keys()) {
      const sb = siteBody(w, s, slot);
      if (sb) value.push({ id: sb.id, name: sb.name, type: sb.type, location: sb.location, tags: sb.tags });
    }
  }
  for (const [, a] of inGroup(w.storage, sub, name))
    value.push({
      id: a.body.id,
      name: a.name,
      type: "Microsoft.Storage/storageAccounts",
      location: a.location,
      tags: a.tags,
    });
  for (const [, c] of inGroup(w.clusters, sub, name))
    value.push({
      id: c.body.id,
      name: c.name,
      type: "Microsoft.ContainerService/managedClusters",
      location: c.location,
      tags: c.body.tags,
    });
  return { status: 200, body: { value } };
}

/** The tenant every fake subscription belongs to. */
export const FAKE_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Subscriptions - Get (Microsoft.Resources, api-version 2022-12-01): the subscription the
 * caller can see, in the shape ARM answers it; a malformed id is 400 InvalidSubscriptionId and
 * one the caller cannot see 404 SubscriptionNotFound, as ARM answers them.
 */
export function getSubscription(w: FakeWorld, id: string): FakeResponse {
  if (!GUID.test(id))
    return armError(
      400,
      "InvalidSubscriptionId",
      `The provided subscription identifier '${id}' is malformed or invalid.`,
    );
  const known = w.subscriptions ? w.subscriptions[id] : { displayName: "Fake subscription" };
  if (!known) return armError(404, "SubscriptionNotFound", `The subscription '${id}' could not be found.`);
  return {
    status: 200,
    body: {
      id: `/subscriptions/${id}`,
      authorizationSource: "RoleBased",
      managedByTenants: [],
      subscriptionId: id,
      tenantId: FAKE_TENANT,
      displayName: known.displayName,
      state: known.state ?? "Enabled",
      subscriptionPolicies: {
        locationPlacementId: "Public_2014-09-01",
        quotaId: "PayAsYouGo_2014-09-01",
        spendingLimit: "Off",
      },
    },
  };
}
