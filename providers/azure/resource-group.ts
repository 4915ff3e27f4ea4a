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
