// The resource group of an Azure target: used as it is when it exists, created (tagged as
// apiship's) when it does not, and deleted by destroy only when apiship created it for this
// target and it holds nothing else.

import type { Ctx } from "../../src/core/provider.js";
import type { AzureClients } from "./clients.js";
import { az, azMaybe } from "./errors.js";
import { TAG_MANAGED, isOwnedBy, ownerTags } from "./state.js";
import type { GroupState } from "./state.js";

export type AzCtx = Ctx<AzureClients>;

export async function readGroup(ctx: AzCtx, name: string): Promise<GroupState | undefined> {
  const c = ctx.clients;
  const g = await azMaybe("ResourceGroups_Get", c.target, () =>
    c.resources.resourceGroups.get(name, { abortSignal: ctx.signal }),
  );
  if (!g) return undefined;
  const tags = { ...g.tags };
  return {
    name: g.name ?? name,
    location: g.location,
    managed: tags[TAG_MANAGED] === "true" && isOwnedBy(tags, ctx.stack.id, ctx.target.name),
    tags,
  };
}

/** The tags of a group apiship creates for this target. */
export function groupTags(ctx: Pick<AzCtx, "stack" | "target">): Record<string, string> {
  return { ...ownerTags(ctx.stack.id, ctx.target.name), [TAG_MANAGED]: "true" };
}

export async function ensureGroup(
  ctx: AzCtx,
  name: string,
  location: string,
  have: GroupState | undefined,
): Promise<GroupState> {
  if (have) return have;
  const c = ctx.clients;
  const tags = groupTags(ctx);
  ctx.progress.step("create resource group");
  const g = await az("ResourceGroups_CreateOrUpdate", c.target, () =>
    c.resources.resourceGroups.createOrUpdate(name, { location, tags }, { abortSignal: ctx.signal }),
  );
  ctx.progress.done("create resource group");
  return { name: g.name ?? name, location: g.location, managed: true, tags };
}

/** True when every resource in the group belongs to this target (so the group may go whole). */
export async function holdsOnlyOurs(ctx: AzCtx, name: string): Promise<boolean> {
  const c = ctx.clients;
  const found = await azMaybe("Resources_ListByResourceGroup", c.target, async () => {
    const out: { tags?: Record<string, string> }[] = [];
    for await (const r of c.resources.resources.listByResourceGroup(name, { abortSignal: ctx.signal }))
      out.push(r);
    return out;
  });
  return (found ?? []).every((r) => isOwnedBy(r.tags, ctx.stack.id, ctx.target.name));
}

export async function deleteGroup(ctx: AzCtx, name: string): Promise<void> {
  const c = ctx.clients;
  await azMaybe("ResourceGroups_Delete", c.target, () =>
    c.resources.resourceGroups.beginDeleteAndWait(name, {
      abortSignal: ctx.signal,
      updateIntervalInMs: c.pollIntervalMs,
    }),
  );
}

/** Where an Azure target lives, as its state records it (App Service and Functions alike). */
export interface TargetInGroup {
  name: string;
  subscription: string;
  resourceGroup: string;
  group?: GroupState;
}

/**
 * Tears down what cannot change in place (`tearDown`, reported as `step`), and the group `live`
 * was in when the target moves to `to` out of a group apiship made for it alone. Returns what is
 * left, a target named `name` in its group, when it stays in one or `to` exists already.
 */
export async function replaceInGroup(
  ctx: AzCtx,
  live: TargetInGroup,
  name: string,
  to: string,
  step: string,
  tearDown: () => Promise<void>,
): Promise<TargetInGroup | undefined> {
  ctx.progress.step(step);
  await tearDown();
  const moved = live.resourceGroup !== to;
  if (moved && live.group?.managed && (await holdsOnlyOurs(ctx, live.resourceGroup)))
    await deleteGroup(ctx, live.resourceGroup);
  ctx.progress.done(step);
  if (!moved && live.group)
    return {
      name: live.name,
      subscription: live.subscription,
      resourceGroup: live.resourceGroup,
      group: live.group,
    };
  const g = await readGroup(ctx, to);
  return g ? { name, subscription: ctx.clients.subscription, resourceGroup: to, group: g } : undefined;
}

/**
 * Destroys a target: its whole group when apiship made it for this target alone and it holds
 * nothing else, else only the target's resources (`tearDown`, reported as `step`).
 */
export async function destroyInGroup(
  ctx: AzCtx,
  resourceGroup: string,
  step: string,
  tearDown: () => Promise<void>,
): Promise<void> {
  const group = await readGroup(ctx, resourceGroup);
  if (!group) return;
  if (group.managed && (await holdsOnlyOurs(ctx, group.name))) {
    ctx.progress.step("delete resource group");
    await deleteGroup(ctx, group.name);
    ctx.progress.done("delete resource group");
    return;
  }
  ctx.progress.step(step);
  await tearDown();
  ctx.progress.done(step);
}
