// The storage account of a Flex Consumption app: the Functions host keeps its state there
// (AzureWebJobsStorage) and the deployment package lives in one of its blob containers. apiship
// creates one (Standard_LRS, TLS 1.2, no public blobs) unless the target names its own. Its
// keys are read while applying, go into app settings, and are never recorded.

import type { StorageAccountCreateParameters } from "@azure/arm-storage";
import { az, azMaybe, isConflict, mapAzureError, nameTaken } from "./errors.js";
import type { AzCtx } from "./resource-group.js";
import { isOwnedBy } from "./state.js";
import type { StorageState } from "./functions-state.js";

export async function readStorage(
  ctx: AzCtx,
  group: string,
  name: string,
): Promise<StorageState | undefined> {
  const c = ctx.clients;
  const s = await c.storage();
  const a = await azMaybe("StorageAccounts_GetProperties", c.target, () =>
    s.storageAccounts.getProperties(group, name, { abortSignal: ctx.signal }),
  );
  if (!a) return undefined;
  const tags = { ...a.tags };
  return { name, managed: isOwnedBy(tags, ctx.stack.id, ctx.target.name), tags };
}

export async function ensureStorage(
  ctx: AzCtx,
  group: string,
  location: string,
  want: StorageState,
  have: StorageState | undefined,
): Promise<StorageState> {
  if (have || !want.managed) return have ?? want;
  const c = ctx.clients;
  const s = await c.storage();
  const body: StorageAccountCreateParameters = {
    location,
    kind: "StorageV2",
    sku: { name: "Standard_LRS" },
    tags: want.tags,
    minimumTlsVersion: "TLS1_2",
    allowBlobPublicAccess: false,
  };
  ctx.progress.step("create storage account");
  try {
    await s.storageAccounts.beginCreateAndWait(group, want.name, body, {
      abortSignal: ctx.signal,
      updateIntervalInMs: c.pollIntervalMs,
    });
  } catch (e) {
    if (isConflict(e)) throw nameTaken("storage account", want.name, c.target, e);
    throw mapAzureError(e, "StorageAccounts_Create", c.target);
  }
  ctx.progress.done("create storage account");
  return want;
}

export async function ensureContainer(
  ctx: AzCtx,
  group: string,
  account: string,
  name: string,
  have: boolean,
): Promise<void> {
  if (have) return;
  const c = ctx.clients;
  const s = await c.storage();
  ctx.progress.step("create deployment container");
  await az("BlobContainers_Create", c.target, () =>
    s.blobContainers.create(group, account, name, { publicAccess: "None" }, { abortSignal: ctx.signal }),
  );
  ctx.progress.done("create deployment container");
}

export async function hasContainer(
  ctx: AzCtx,
  group: string,
  account: string,
  name: string,
): Promise<boolean> {
  const c = ctx.clients;
  const s = await c.storage();
  const got = await azMaybe("BlobContainers_Get", c.target, () =>
    s.blobContainers.get(group, account, name, { abortSignal: ctx.signal }),
  );
  return got !== undefined;
}

/** The account's connection string (a secret: it never leaves the apply that asked for it). */
export async function connectionString(ctx: AzCtx, group: string, account: string): Promise<string> {
  const c = ctx.clients;
  const s = await c.storage();
  const keys = await az("StorageAccounts_ListKeys", c.target, () =>
    s.storageAccounts.listKeys(group, account, { abortSignal: ctx.signal }),
  );
  const key = keys.keys?.[0]?.value ?? "";
  const suffix = c.endpoint.includes("usgovcloudapi")
    ? "core.usgovcloudapi.net"
    : c.endpoint.includes("chinacloudapi")
      ? "core.chinacloudapi.cn"
      : "core.windows.net";
  return `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=${key};EndpointSuffix=${suffix}`;
}

export async function deleteStorage(ctx: AzCtx, group: string, name: string): Promise<void> {
  const c = ctx.clients;
  const s = await c.storage();
  await azMaybe("StorageAccounts_Delete", c.target, () =>
    s.storageAccounts.delete(group, name, { abortSignal: ctx.signal }),
  );
}
