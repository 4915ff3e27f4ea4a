// build, apply, rollback and destroy of azure/functions. apply converges: it reads what is there
// now and makes only the calls that close the gap. The package goes out through OneDeploy only
// when its content hash differs from the one the app records (the APISHIP_PACKAGE_SHA256
// setting, written after the package is in), so an unchanged redeploy sends nothing. Flex
// Consumption has no slots: a rollback redeploys the previous package, when the app runs another.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Site } from "@azure/arm-appservice";
import type { ApplyResult, PlannedChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { canonicalJson } from "../../src/plan/diff.js";
import type { ZipArtifact } from "../_shared/artifact.js";
import { az } from "./errors.js";
import type { FunctionsOptions } from "./functions.js";
import { FORCES_REPLACE, desiredApp } from "./functions-planner.js";
import { readFunctions, scmHostOf } from "./functions-read.js";
import { CACHE, buildFunctions, envelope } from "./functions-site.js";
import { DEPLOYMENT_STORAGE_SETTING, PACKAGE_SETTING } from "./functions-state.js";
import type { FunctionAppAttrs, FunctionAppState, FunctionsState } from "./functions-state.js";
import { oneDeploy } from "./one-deploy.js";
import type { AzCtx } from "./resource-group.js";
import { destroyInGroup, ensureGroup, replaceInGroup } from "./resource-group.js";
import { deleteFarm, ensureFarm } from "./server-farm.js";
import { appSettings, heldSecrets } from "./settings.js";
import { connectionString, deleteStorage, ensureContainer, ensureStorage } from "./storage-account.js";
import { farmNameFor, ownerTags, releaseId } from "./state.js";
import { checkSiteName, deleteSite, listSettings, putSite } from "./web-site.js";

export { buildFunctions } from "./functions-site.js";

type Change = PlannedChange<FunctionsOptions, FunctionsState>;

/** "python|3.12": the platform installs requirements.txt (a remote build). */
const isPython = (runtime: string) => runtime.startsWith("python|");

const releaseOf = (a: FunctionAppAttrs) =>
  releaseId({ code: a.codeSha256, env: a.env, secrets: a.secrets, keyVault: a.keyVault });
const CONFIG_KEYS = [
  "plan",
  "storageAccount",
  "container",
  "runtime",
  "instanceMemoryMB",
  "maximumInstanceCount",
  "alwaysReady",
  "httpsOnly",
  "env",
  "secrets",
  "keyVault",
  "identity",
] as const;

function configDiffers(have: FunctionAppState, want: FunctionAppAttrs): boolean {
  return CONFIG_KEYS.some((k) => canonicalJson(have[k]) !== canonicalJson(want[k]));
}

interface Storage {
  conn: string;
  blobBase: string;
}

async function ensureStorageFor(
  ctx: AzCtx,
  change: Change,
  live: FunctionsState | undefined,
  want: FunctionAppAttrs,
): Promise<Storage & { managed: boolean }> {
  const o = change.target.options;
  const managed = !o.storageAccount;
  const tags = ownerTags(ctx.stack.id, ctx.target.name);
  await ensureStorage(
    ctx,
    o.resourceGroup,
    o.location,
    { name: want.storageAccount, managed, tags },
    live?.storage,
  );
  await ensureContainer(
    ctx,
    o.resourceGroup,
    want.storageAccount,
    want.container,
    live?.container === want.container,
  );
  const suffix = ctx.clients.endpoint.includes("usgovcloudapi") ? "usgovcloudapi.net" : "windows.net";
  return {
    conn: await connectionString(ctx, o.resourceGroup, want.storageAccount),
    blobBase: `https://${want.storageAccount}.blob.core.${suffix}/`,
    managed,
  };
}

function settingsFor(
  change: Change,
  want: FunctionAppAttrs,
  conn: string,
  sha: string,
): Record<string, string> {
  const extra = { AzureWebJobsStorage: conn, [DEPLOYMENT_STORAGE_SETTING]: conn, [PACKAGE_SETTING]: sha };
  return appSettings(want, extra, change.secrets, change.target.name);
}

async function putSettings(
  ctx: AzCtx,
  group: string,
  name: string,
  settings: Record<string, string>,
): Promise<void> {
  const c = ctx.clients;
  ctx.progress.step("record package in app settings");
  await az("WebApps_UpdateApplicationSettings", c.target, () =>
    c.web.webApps.updateApplicationSettings(
      group,
      name,
      { properties: settings },
      { abortSignal: ctx.signal },
    ),
  );
  ctx.progress.done("record package in app settings");
}

async function tearDown(ctx: AzCtx, s: FunctionsState): Promise<void> {
  await deleteSite(ctx, { group: s.resourceGroup, name: s.name });
  await deleteFarm(ctx, s.resourceGroup, farmNameFor(s.name));
  if (s.storage?.managed) await deleteStorage(ctx, s.resourceGroup, s.storage.name);
}

function mustReplace(live: FunctionsState, want: FunctionAppAttrs): boolean {
  const a = live.app;
  return (
    (a !== undefined &&
      FORCES_REPLACE.some((k) => a[k as keyof FunctionAppAttrs] !== want[k as keyof FunctionAppAttrs])) ||
    (live.plan !== undefined && live.plan.location !== want.location) ||
    live.resourceGroup !== want.resourceGroup
  );
}

/** Tears down what cannot change in place; what is left (the group, when it stays) is returned. */
function replaceAll(ctx: AzCtx, change: Change, live: FunctionsState): Promise<FunctionsState | undefined> {
  return replaceInGroup(
    ctx,
    live,
    change.name,
    change.target.options.resourceGroup,
    "replace function app",
    () => tearDown(ctx, live),
  );
}

export function resultOf(ctx: AzCtx, state: FunctionsState): ApplyResult<FunctionsState> {
  const outputs: Record<string, string> = { functionApp: state.name, resourceGroup: state.resourceGroup };
  if (state.storage) outputs.storageAccount = state.storage.name;
  const out: ApplyResult<FunctionsState> = { state, outputs };
  if (state.app?.hostName) {
    out.endpoint = `${ctx.clients.insecure ? "http" : "https"}://${state.app.hostName}`;
    outputs.url = out.endpoint;
  }
  // Private: the trigger's `function` auth level wants a key (x-functions-key header or ?code=).
  // The key is a secret, so no plan, log or state holds it: the outputs say where to get it, and
  // the health check uses the platform's readiness, which needs no key.
  if (state.app?.env.APISHIP_AUTH_LEVEL === "function") {
    out.privateEndpoint = true;
    outputs.auth = "function key: x-functions-key header or ?code=";
    outputs.functionKey = `az functionapp keys list -g ${state.resourceGroup} -n ${state.name} --query functionKeys.default -o tsv`;
  }
  if (state.release) out.release = state.release;
  return out;
}

async function ensureApp(
  ctx: AzCtx,
  change: Change,
  live: FunctionsState | undefined,
  want: FunctionAppAttrs,
  st: Storage,
  zip: ZipArtifact,
): Promise<FunctionAppState> {
  const sub = ctx.clients.subscription;
  const ref = { group: want.resourceGroup, name: change.name };
  const have = live?.app;
  let site: Site | undefined;
  if (!have || configDiffers(have, want)) {
    const step = have ? "update function app" : "create function app";
    ctx.progress.step(step);
    site = await putSite(
      ctx,
      ref,
      envelope(sub, want, settingsFor(change, want, st.conn, have?.codeSha256 ?? ""), st.blobBase),
    );
    ctx.progress.done(step);
  }
  const scmHost = site ? scmHostOf(site) : (have?.scmHost ?? "");
  if (have?.codeSha256 !== want.codeSha256) {
    await oneDeploy(ctx, scmHost, zip.path, isPython(want.runtime));
    await putSettings(ctx, ref.group, ref.name, settingsFor(change, want, st.conn, want.codeSha256));
  }
  const out: FunctionAppState = {
    ...want,
    id: site?.id ?? have?.id ?? "",
    hostName: site?.defaultHostName ?? have?.hostName ?? "",
    scmHost,
  };
  const state = site?.state ?? have?.state;
  if (state !== undefined) out.state = state;
  return out;
}

export async function applyFunctions(ctx: AzCtx, change: Change): Promise<ApplyResult<FunctionsState>> {
  const o = change.target.options;
  let live = await readFunctions(ctx, change.observed ?? change.recorded, change.name);
  const zip = (change.artifact as ZipArtifact | undefined) ?? (await buildFunctions(ctx, change.service));
  const want = { ...desiredApp({ ...change, observed: live }), codeSha256: zip.sha256 };
  if (live && mustReplace(live, want)) live = await replaceAll(ctx, change, live);
  if (!live?.app) await checkSiteName(ctx, change.name);
  const group = await ensureGroup(ctx, o.resourceGroup, o.location, live?.group);
  const st = await ensureStorageFor(ctx, change, live, want);
  const farm = {
    resourceGroup: o.resourceGroup,
    location: o.location,
    sku: "FC1",
    capacity: 1,
    tags: ownerTags(ctx.stack.id, ctx.target.name),
  };
  const plan = await ensureFarm(ctx, farmNameFor(change.name), farm, live?.plan);
  const app = await ensureApp(ctx, change, live, want, st, zip);
  const state: FunctionsState = {
    name: change.name,
    subscription: ctx.clients.subscription,
    resourceGroup: o.resourceGroup,
    group,
    storage: {
      name: want.storageAccount,
      managed: st.managed,
      tags: ownerTags(ctx.stack.id, ctx.target.name),
    },
    container: want.container,
    plan,
    app,
    release: releaseOf(app),
  };
  return resultOf(ctx, state);
}

/**
 * Back to `to`, decided on what the cloud runs now: nothing when the app already runs `to`'s
 * release (the failed apply never changed it), the package only when the code differs (kept by
 * hash where it was built), and `to`'s settings with the secret values the app holds now.
 */
export async function rollbackFunctions(
  ctx: AzCtx,
  state: FunctionsState,
  to: FunctionsState,
): Promise<ApplyResult<FunctionsState>> {
  const back = to.app;
  const live = state.app && back ? await readFunctions(ctx, state, state.name) : undefined;
  const app = live?.app;
  if (live && app && back && releaseOf(app) === releaseOf(back)) return resultOf(ctx, live);
  const zip = back ? join(CACHE, `${back.codeSha256}.zip`) : "";
  const sameCode = app?.codeSha256 === back?.codeSha256;
  if (!live || !app || !back || (!sameCode && !existsSync(zip))) {
    throw new ProviderError(`the package of the release to roll back to is not on this machine`, {
      code: "NO_RELEASE",
      fault: "user",
      target: ctx.target.name,
      hint: "Flex Consumption has no slots: apiship redeploys the previous package from where it was built; deploy the previous commit instead",
    });
  }
  const current = await listSettings(ctx, { group: live.resourceGroup, name: live.name });
  const { values: keep, hashes } = heldSecrets(current, back.secrets);
  const restored: FunctionAppState = {
    ...app,
    env: back.env,
    secrets: hashes,
    keyVault: back.keyVault,
    codeSha256: back.codeSha256,
  };
  const conn = current.AzureWebJobsStorage ?? "";
  if (!sameCode) await oneDeploy(ctx, app.scmHost, zip, isPython(app.runtime));
  const extra = {
    AzureWebJobsStorage: conn,
    [DEPLOYMENT_STORAGE_SETTING]: current[DEPLOYMENT_STORAGE_SETTING] ?? conn,
    [PACKAGE_SETTING]: back.codeSha256,
  };
  await putSettings(ctx, live.resourceGroup, live.name, appSettings(restored, extra, keep, ctx.target.name));
  return resultOf(ctx, { ...live, app: restored, release: releaseOf(restored) });
}

/** The whole group when apiship made it for this target alone; else app, plan, storage. */
export function destroyFunctions(ctx: AzCtx, state: FunctionsState): Promise<void> {
  return destroyInGroup(ctx, state.resourceGroup, "delete function app", () => tearDown(ctx, state));
}
