// The I/O half of the Hosting site: read what it serves, deploy a config (create a version,
// finalize it, release it), re-release an older version for a rollback, and destroy (delete a
// site apiship created; disable one it adopted). A version carries only the rewrite: the API is
// served by the function, and Hosting finalizes a version without files (populateFiles is only
// needed for static content, which apiship does not deploy).

import type { Ctx, ResourceChange } from "../../src/core/provider.js";
import { physicalName } from "../../src/manifest/names.js";
import { ProviderError } from "../../src/errors.js";
import type { HostingClients } from "./clients.js";
import { isConflict, isNotFound, siteTaken } from "./errors.js";
import type { Release, Site } from "./hosting-api.js";
import { comparableConfig, servingConfig } from "./hosting-plan.js";
import type { DesiredConfig, HostingRelease, HostingState } from "./hosting-plan.js";

export interface HostingCtx {
  hosting: HostingClients;
  ctx: Ctx<unknown>;
}

/** Site identity: where it is and who owns it. */
export interface SiteRef {
  project: string;
  site: string;
  /** hosting.site named it, so a site without apiship's labels may be adopted. */
  explicit: boolean;
}

const LABEL_RULE = {
  resource: "label",
  maxLength: 63,
  lowercase: true,
  extraChars: "-_",
  startsWithLetter: false,
};

/** Ownership labels (DESIGN.md §2), in GCP's label charset. */
export function ownerLabels(stackId: string, target: string): Record<string, string> {
  return {
    "apiship-stack": physicalName(LABEL_RULE, [stackId]),
    "apiship-target": physicalName(LABEL_RULE, [target]),
  };
}

function ownership(h: HostingCtx, ref: SiteRef, site: Site): boolean {
  const mine = ownerLabels(h.ctx.stack.id, h.ctx.target.name);
  const labels = site.labels ?? {};
  const stack = labels["apiship-stack"];
  if (stack === mine["apiship-stack"] && labels["apiship-target"] === mine["apiship-target"]) return true;
  const target = h.ctx.target.name;
  if (stack !== undefined)
    throw new ProviderError(
      `Hosting site ${ref.site} belongs to apiship stack ${stack}, target ${labels["apiship-target"] ?? "?"}`,
      {
        code: "Conflict",
        fault: "user",
        target,
        hint: `set \`hosting.site\` on target ${target} to another site id`,
      },
    );
  if (ref.explicit) return false;
  throw new ProviderError(
    `Hosting site ${ref.site} exists in project ${ref.project} but was not created by apiship for target ${target}`,
    {
      code: "Conflict",
      fault: "user",
      target,
      hint: `set \`hosting.site: ${ref.site}\` on target ${target} to deploy to that site anyway (its content is replaced), or \`hosting.site\` another id`,
    },
  );
}

function liveRelease(r: Release | undefined): HostingRelease | undefined {
  if (!r || r.type === "SITE_DISABLE" || !r.version?.name) return undefined;
  return {
    name: r.name,
    version: r.version.name,
    type: r.type ?? "DEPLOY",
    config: comparableConfig(r.version.config),
  };
}

function stateOf(ref: SiteRef, site: Site, created: boolean, latest: Release | undefined): HostingState {
  const s: HostingState = {
    project: ref.project,
    site: ref.site,
    created,
    url: site.defaultUrl ?? `https://${ref.site}.web.app`,
  };
  const rel = liveRelease(latest);
  if (rel) s.release = rel;
  return s;
}

/** Two GETs: the site and its newest release. undefined when the site does not exist. */
export async function readHosting(h: HostingCtx, ref: SiteRef): Promise<HostingState | undefined> {
  const { api } = h.hosting;
  let site: Site;
  try {
    site = await api.getSite(ref.project, ref.site, h.ctx.signal);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  const created = ownership(h, ref, site);
  const [latest] = await api.listReleases(ref.site, 1, h.ctx.signal);
  return stateOf(ref, site, created, latest);
}

async function step<T>(h: HostingCtx, name: string, fn: () => Promise<T>): Promise<T> {
  h.ctx.progress.step(name);
  const v = await fn();
  h.ctx.progress.done(name);
  return v;
}

/** Creates the site; a 409 is either our own earlier attempt (adopted) or a taken id. */
export async function createSite(h: HostingCtx, ref: SiteRef): Promise<HostingState> {
  const labels = ownerLabels(h.ctx.stack.id, h.ctx.target.name);
  const { api } = h.hosting;
  try {
    const site = await step(h, `create Hosting site ${ref.site}`, () =>
      api.createSite(ref.project, ref.site, labels, h.ctx.signal),
    );
    return stateOf(ref, site, true, undefined);
  } catch (e) {
    if (!isConflict(e)) throw e;
    const mine = await readHosting(h, ref).catch(() => undefined);
    if (mine) return mine;
    throw siteTaken(ref.site, h.ctx.target.name, e);
  }
}

/** version → finalize → release: three mutating calls, in this order. */
export async function deployConfig(
  h: HostingCtx,
  s: HostingState,
  config: DesiredConfig,
  message: string,
): Promise<HostingState> {
  const { api } = h.hosting;
  const signal = h.ctx.signal;
  const labels = ownerLabels(h.ctx.stack.id, h.ctx.target.name);
  const v = await step(h, `create Hosting version of ${s.site}`, () =>
    api.createVersion(s.site, servingConfig(config), labels, signal),
  );
  await step(h, `finalize ${v.name}`, () => api.finalizeVersion(v.name, signal));
  const r = await step(h, `release ${v.name}`, () => api.createRelease(s.site, v.name, message, signal));
  return { ...s, release: { name: r.name, version: v.name, type: r.type ?? "DEPLOY", config } };
}

/** Native rollback: the site serves `version` again (a release of type ROLLBACK). */
export async function rereleaseVersion(
  h: HostingCtx,
  s: HostingState,
  to: HostingRelease,
): Promise<HostingState> {
  const r = await step(h, `release ${to.version} again`, () =>
    h.hosting.api.createRelease(s.site, to.version, `apiship rollback to ${to.version}`, h.ctx.signal),
  );
  return { ...s, release: { ...to, name: r.name, type: r.type ?? "ROLLBACK" } };
}

/** Applies the site and release changes of a plan; `observed` is what read() found. */
export async function applyHosting(
  h: HostingCtx,
  ref: SiteRef,
  changes: { site: ResourceChange; release: ResourceChange },
  observed: HostingState | undefined,
  config: DesiredConfig,
): Promise<HostingState> {
  const siteAction = changes.site.action;
  let s =
    siteAction === "create" || siteAction === "replace" || !observed ? await createSite(h, ref) : observed;
  if (changes.release.action !== "no-op" || !s.release)
    s = await deployConfig(h, s, config, `apiship deploy of ${h.ctx.stack.id}`);
  // The old site goes only once the new one serves.
  if (siteAction === "replace" && observed && observed.site !== s.site) await destroyHosting(h, observed);
  return s;
}

/** Idempotent: a site already gone or already disabled is success. */
export async function destroyHosting(h: HostingCtx, s: HostingState): Promise<void> {
  const { api } = h.hosting;
  const signal = h.ctx.signal;
  try {
    if (s.created) {
      await step(h, `delete Hosting site ${s.site}`, () => api.deleteSite(s.project, s.site, signal));
      return;
    }
    const [latest] = await api.listReleases(s.site, 1, signal);
    if (!latest || latest.type === "SITE_DISABLE") return;
    await step(h, `disable Hosting site ${s.site}`, () => api.disableSite(s.site, signal));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
