// What the cloud holds of an azure/functions target now (read) and how the app is doing
// (status): the group, the storage account and its deployment container, the FC1 plan, the
// function app with its functionAppConfig, and its app settings (the package hash among them).

import type { Site } from "@azure/arm-appservice";
import type { StatusReport } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { FunctionsOptions } from "./functions.js";
import { containerNameFor, storageNameOf } from "./functions-planner.js";
import { FUNCTION_RESERVED, PACKAGE_SETTING } from "./functions-state.js";
import type { FunctionAppState, FunctionsState } from "./functions-state.js";
import type { AzCtx } from "./resource-group.js";
import { readGroup } from "./resource-group.js";
import { readFarm } from "./server-farm.js";
import { splitSettings } from "./settings.js";
import { hasContainer, readStorage } from "./storage-account.js";
import { TAG_STACK, farmNameFor, isOwnedBy, lastSegment, releaseId } from "./state.js";
import { getSite, listSettings } from "./web-site.js";

function checkOwner(tags: Record<string, string> | undefined, name: string, ctx: AzCtx): void {
  if (isOwnedBy(tags, ctx.stack.id, ctx.target.name)) return;
  const owner = tags?.[TAG_STACK];
  throw new ProviderError(
    `function app ${name} exists but belongs to ${owner ? `stack ${owner}` : "no apiship stack"}`,
    {
      code: "NOT_OWNED",
      fault: "user",
      target: ctx.target.name,
      hint: "apiship does not adopt a function app it did not create; delete or rename it, or deploy under another target name",
    },
  );
}

export function scmHostOf(site: Site): string {
  const repo = site.hostNameSslStates?.find((h) => h.hostType === "Repository")?.name;
  return repo ?? (site.defaultHostName ?? "").replace(/^([^.]+)/, "$1.scm");
}

async function readApp(
  ctx: AzCtx,
  group: string,
  name: string,
  prior: FunctionsState | undefined,
): Promise<FunctionAppState | undefined> {
  const site = await getSite(ctx, { group, name });
  if (!site) return undefined;
  checkOwner(site.tags, name, ctx);
  const props = await listSettings(ctx, { group, name });
  const secretNames = [
    ...new Set([...Object.keys(ctx.stack.service.secrets), ...Object.keys(prior?.app?.secrets ?? {})]),
  ];
  const split = splitSettings(props, secretNames, prior?.app?.secrets ?? {}, FUNCTION_RESERVED);
  const cfg = site.functionAppConfig;
  const rt = cfg?.runtime;
  const url = cfg?.deployment?.storage?.value ?? "";
  const app: FunctionAppState = {
    resourceGroup: group,
    location: (site.location ?? "").toLowerCase().replace(/\s+/g, ""),
    plan: lastSegment(site.serverFarmId),
    storageAccount: /^https?:\/\/([^.]+)\./.exec(url)?.[1] ?? "",
    container: url.slice(url.lastIndexOf("/") + 1),
    runtime: rt?.name ? `${rt.name}|${rt.version ?? ""}` : "",
    instanceMemoryMB: cfg?.scaleAndConcurrency?.instanceMemoryMB ?? 0,
    maximumInstanceCount: cfg?.scaleAndConcurrency?.maximumInstanceCount ?? 0,
    alwaysReady: cfg?.scaleAndConcurrency?.alwaysReady?.find((a) => a.name === "http")?.instanceCount ?? 0,
    httpsOnly: site.httpsOnly ?? false,
    env: split.env,
    secrets: split.secrets,
    keyVault: split.keyVault,
    identity: (site.identity?.type ?? "None").includes("SystemAssigned"),
    codeSha256: props[PACKAGE_SETTING] ?? "",
    tags: { ...site.tags },
    id: site.id ?? "",
    hostName: site.defaultHostName ?? "",
    scmHost: scmHostOf(site),
  };
  if (site.state !== undefined) app.state = site.state;
  return app;
}

export async function readFunctions(
  ctx: AzCtx,
  prior: FunctionsState | undefined,
  name: string,
): Promise<FunctionsState | undefined> {
  const o = ctx.target.options as FunctionsOptions;
  const group = prior?.resourceGroup ?? o.resourceGroup;
  const g = await readGroup(ctx, group);
  if (!g) return undefined;
  const state: FunctionsState = {
    name,
    subscription: ctx.clients.subscription,
    resourceGroup: group,
    group: g,
  };
  const account = prior?.storage?.name ?? storageNameOf({ target: ctx.target as never, name });
  const storage = await readStorage(ctx, group, account);
  if (storage) {
    state.storage = { ...storage, managed: storage.managed && !o.storageAccount };
    const container = containerNameFor(name);
    if (await hasContainer(ctx, group, account, container)) state.container = container;
  }
  const plan = await readFarm(ctx, group, farmNameFor(name));
  if (plan) state.plan = plan;
  const app = await readApp(ctx, group, name, prior);
  if (app) {
    state.app = app;
    state.release = releaseId({
      code: app.codeSha256,
      env: app.env,
      secrets: app.secrets,
      keyVault: app.keyVault,
    });
  }
  return state;
}

export async function statusFunctions(ctx: AzCtx, state: FunctionsState): Promise<StatusReport> {
  const site = await getSite(ctx, { group: state.resourceGroup, name: state.name });
  if (!site)
    return { health: "missing", detail: `function app ${state.name} is not in ${state.resourceGroup}` };
  const report: StatusReport = { health: "unknown" };
  if (site.defaultHostName)
    report.endpoint = `${ctx.clients.insecure ? "http" : "https"}://${site.defaultHostName}`;
  if (state.release) report.release = state.release;
  if (site.state === "Running" && site.enabled !== false)
    report.health = state.app?.codeSha256 ? "ready" : "partial";
  else report.health = "down";
  if (report.health !== "ready")
    report.detail = site.state === "Running" ? "no package deployed" : `app state ${site.state ?? "unknown"}`;
  return report;
}
