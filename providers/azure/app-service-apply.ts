// apply, rollback and destroy of azure/app-service. apply converges: it reads what is there now
// and makes only the calls that close the gap. A new release (image, settings) goes to the
// staging slot, is health-checked there and swapped into production, so production only ever
// serves a release that answered; the slot keeps the previous one for an instant swap back.

import type { ApplyResult, PlannedChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { AppServiceOptions } from "./app-service.js";
import { releaseParts } from "./app-service-state.js";
import type { AppServiceState, SiteAttrs, SiteState, SlotState } from "./app-service-state.js";
import { FORCES_REPLACE, desiredFarm, desiredSite, slotName, usesSlot } from "./app-service-planner.js";
import { readAppService, siteUrl } from "./app-service-read.js";
import type { AzCtx } from "./resource-group.js";
import { destroyInGroup, ensureGroup, replaceInGroup } from "./resource-group.js";
import { deleteFarm, ensureFarm } from "./server-farm.js";
import { probeSlot } from "./probe.js";
import { appSettings, heldSecrets } from "./settings.js";
import { farmNameFor, releaseId } from "./state.js";
import {
  checkSiteName,
  deleteSite,
  listSettings,
  patchSite,
  putSite,
  siteEnvelope,
  swapIntoProduction,
} from "./web-site.js";
import type { Site } from "@azure/arm-appservice";

type Change = PlannedChange<AppServiceOptions, AppServiceState>;
const SITE_LEVEL = ["plan", "httpsOnly", "allowedIps", "alwaysOn", "healthCheckPath", "identity"] as const;

const releaseOf = (a: SiteAttrs) => releaseId(releaseParts(a));

function mustReplace(live: AppServiceState, want: SiteAttrs): boolean {
  const s = live.site;
  const p = live.plan;
  return (
    (s !== undefined && FORCES_REPLACE.some((k) => s[k as keyof SiteAttrs] !== want[k as keyof SiteAttrs])) ||
    (p !== undefined && (p.location !== want.location || p.resourceGroup !== want.resourceGroup))
  );
}

function siteStateOf(want: SiteAttrs, res: Site, live?: SiteState): SiteState {
  const s: SiteState = {
    ...want,
    id: res.id ?? live?.id ?? "",
    hostName: res.defaultHostName ?? live?.hostName ?? "",
  };
  const state = res.state ?? live?.state;
  if (state !== undefined) s.state = state;
  return s;
}

/** Slot, site and plan of `s`, in reverse creation order; gone is success. */
async function tearDown(ctx: AzCtx, s: AppServiceState): Promise<void> {
  const group = s.resourceGroup;
  if (s.slot) await deleteSite(ctx, { group, name: s.name, slot: s.slot.name });
  await deleteSite(ctx, { group, name: s.name });
  await deleteFarm(ctx, group, farmNameFor(s.name));
}

function settingsFor(change: Change, want: SiteAttrs): Record<string, string> {
  return appSettings(want, { WEBSITES_PORT: String(want.port) }, change.secrets, change.target.name);
}

/** Deploys `want`'s release to the slot, checks it, swaps it in; the slot keeps production's. */
async function releaseThroughSlot(
  ctx: AzCtx,
  change: Change,
  live: SiteState,
  want: SiteAttrs,
  settings: Record<string, string>,
): Promise<SlotState> {
  const group = want.resourceGroup;
  const slot = slotName(change.target.options);
  ctx.progress.step(`deploy to slot ${slot}`);
  const res = await putSite(
    ctx,
    { group, name: change.name, slot },
    siteEnvelope(ctx.clients.subscription, want, settings),
  );
  ctx.progress.done(`deploy to slot ${slot}`);
  const host = res.defaultHostName ?? "";
  // A slot restricted to allowedIps may refuse this machine, so it is called only when the
  // target says it can be (health.probe: http); otherwise the swap follows the slot's creation,
  // which ARM reports only once the slot runs, as the platform probe does for production.
  const probe = change.target.health?.probe ?? (want.allowedIps.length > 0 ? "platform" : "http");
  if (probe === "http") await probeSlot(ctx, siteUrl(ctx, host), change.service.health, slot);
  await swapIntoProduction(ctx, group, change.name, slot);
  return { name: slot, hostName: host, image: live.image, release: releaseOf(live) };
}

interface SiteOutcome {
  site: SiteState;
  slot?: SlotState | undefined;
}

async function ensureSite(
  ctx: AzCtx,
  change: Change,
  live: AppServiceState | undefined,
  want: SiteAttrs,
): Promise<SiteOutcome> {
  const sub = ctx.clients.subscription;
  const ref = { group: want.resourceGroup, name: change.name };
  const settings = settingsFor(change, want);
  const have = live?.site;
  if (!have) {
    ctx.progress.step("create site");
    const res = await putSite(ctx, ref, siteEnvelope(sub, want, settings));
    ctx.progress.done("create site");
    return { site: siteStateOf(want, res) };
  }
  if (SITE_LEVEL.some((k) => JSON.stringify(have[k]) !== JSON.stringify(want[k])))
    await patchSite(ctx, ref, want, sub);
  const site = siteStateOf(want, { location: want.location }, have);
  if (releaseOf(have) === releaseOf(want)) return { site, slot: live.slot };
  if (usesSlot(change.target.options))
    return { site, slot: await releaseThroughSlot(ctx, change, have, want, settings) };
  ctx.progress.step("deploy release in place");
  await putSite(ctx, ref, siteEnvelope(sub, want, settings));
  ctx.progress.done("deploy release in place");
  return { site };
}

/** The staging slot exists exactly when slots are in use; a new one starts as production's twin. */
async function ensureSlot(
  ctx: AzCtx,
  change: Change,
  want: SiteAttrs,
  have: SlotState | undefined,
): Promise<SlotState | undefined> {
  const o = change.target.options;
  const group = want.resourceGroup;
  if (!usesSlot(o)) {
    if (have) await deleteSite(ctx, { group, name: change.name, slot: have.name });
    return undefined;
  }
  if (have?.name === slotName(o)) return have;
  const slot = slotName(o);
  ctx.progress.step(`create slot ${slot}`);
  const res = await putSite(
    ctx,
    { group, name: change.name, slot },
    siteEnvelope(ctx.clients.subscription, want, settingsFor(change, want)),
  );
  ctx.progress.done(`create slot ${slot}`);
  return { name: slot, hostName: res.defaultHostName ?? "", image: want.image, release: releaseOf(want) };
}

export function resultOf(ctx: AzCtx, state: AppServiceState): ApplyResult<AppServiceState> {
  const outputs: Record<string, string> = { site: state.name, resourceGroup: state.resourceGroup };
  if (state.plan) outputs.plan = state.plan.name;
  const out: ApplyResult<AppServiceState> = { state, outputs };
  if (state.site?.hostName) {
    out.endpoint = siteUrl(ctx, state.site.hostName);
    outputs.url = out.endpoint;
  }
  // Restricted to allowedIps, the site may refuse this machine: the health check reads the
  // platform's state instead of calling it.
  if (state.site?.allowedIps?.length) {
    out.privateEndpoint = true;
    outputs.allowedIps = state.site.allowedIps.join(",");
  }
  if (state.release) out.release = state.release;
  return out;
}

/** Tears down what cannot change in place; what is left (the group, when it stays) is returned. */
function replaceAll(ctx: AzCtx, change: Change, live: AppServiceState): Promise<AppServiceState | undefined> {
  return replaceInGroup(ctx, live, change.name, change.target.options.resourceGroup, "replace site", () =>
    tearDown(ctx, live),
  );
}

export async function applyAppService(ctx: AzCtx, change: Change): Promise<ApplyResult<AppServiceState>> {
  const o = change.target.options;
  let live = await readAppService(ctx, change.observed ?? change.recorded, change.name);
  const want = desiredSite({ ...change, observed: live });
  if (live && mustReplace(live, want)) live = await replaceAll(ctx, change, live);
  // A name held elsewhere fails before a group or plan is made for it.
  if (!live?.site) await checkSiteName(ctx, change.name);
  // read() reports the group whenever it exists, so no live state means no group.
  const group = await ensureGroup(ctx, o.resourceGroup, o.location, live?.group);
  const plan = await ensureFarm(ctx, farmNameFor(change.name), desiredFarm(change), live?.plan);
  const { site, slot } = await ensureSite(ctx, change, live, want);
  const state: AppServiceState = {
    name: change.name,
    subscription: ctx.clients.subscription,
    resourceGroup: o.resourceGroup,
    group,
    plan,
    site,
  };
  const s = await ensureSlot(ctx, change, want, slot);
  if (s) state.slot = s;
  state.release = releaseOf(site);
  return resultOf(ctx, state);
}

/**
 * Native rollback to `to`, decided on what the cloud runs now rather than on what was recorded:
 * production already on `to` (its release failed in the slot and was never swapped in) is left
 * alone, since rewriting a site's settings restarts it; else the swap back when the slot holds
 * `to`; else `to`'s release redeployed in place.
 */
export async function rollbackAppService(
  ctx: AzCtx,
  state: AppServiceState,
  to: AppServiceState,
): Promise<ApplyResult<AppServiceState>> {
  const back = to.site;
  const live = state.site && back && to.release ? await readAppService(ctx, state, state.name) : undefined;
  const site = live?.site;
  if (!live || !site || !back || !to.release) {
    throw new ProviderError(`the release to roll back to has no App Service site ${state.name}`, {
      code: "NO_RELEASE",
      fault: "user",
      target: ctx.target.name,
      hint: "roll back to a release that was deployed with apiship (see `apiship status`)",
    });
  }
  if (live.release === to.release) return resultOf(ctx, live);
  const restored: SiteState = { ...site, ...releaseParts(back) };
  if (live.slot?.release === to.release) {
    await swapIntoProduction(ctx, live.resourceGroup, live.name, live.slot.name);
    const slot: SlotState = { ...live.slot, image: site.image, release: live.release ?? releaseOf(site) };
    return resultOf(ctx, { ...live, site: restored, slot, release: to.release });
  }
  // No slot holds it: the release goes back in place, with the secret values production holds
  // now, and their fingerprints with them.
  const current = await listSettings(ctx, { group: live.resourceGroup, name: live.name });
  const { values: secrets, hashes } = heldSecrets(current, back.secrets);
  restored.secrets = hashes;
  const settings = appSettings(restored, { WEBSITES_PORT: String(restored.port) }, secrets, ctx.target.name);
  ctx.progress.step("redeploy previous release");
  await putSite(
    ctx,
    { group: live.resourceGroup, name: live.name },
    siteEnvelope(ctx.clients.subscription, restored, settings),
  );
  ctx.progress.done("redeploy previous release");
  return resultOf(ctx, { ...live, site: restored, release: releaseOf(restored) });
}

/** The whole group when apiship made it for this target alone; else slot, site, plan. */
export function destroyAppService(ctx: AzCtx, state: AppServiceState): Promise<void> {
  return destroyInGroup(ctx, state.resourceGroup, "delete site", () => tearDown(ctx, state));
}
