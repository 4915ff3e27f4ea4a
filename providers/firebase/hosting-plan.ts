// The PURE half of the Hosting site: its id, the serving config apiship releases (one rewrite
// sending the API's path to the function's Cloud Run service) and the two ResourceChanges
// (the site, the released config). Compared to what the live release serves, so an unchanged
// redeploy plans nothing.

import type { Action, ResourceChange } from "../../src/core/provider.js";
import { physicalName } from "../../src/manifest/names.js";
import type { NameRule } from "../../src/core/provider.js";
import { diffAttributes } from "../../src/plan/diff.js";
import { changeReason } from "../_shared/plan.js";
import type { Rewrite, ServingConfig } from "./hosting-api.js";

/** What the state records of the Hosting half. */
export interface HostingState {
  project: string;
  site: string;
  /** apiship created the site (its labels say so), so destroy deletes it; else only disables it. */
  created: boolean;
  /** https://<site>.web.app */
  url: string;
  /** The live release, absent when the site never released or was disabled. */
  release?: HostingRelease;
}

export interface HostingRelease {
  /** sites/S/releases/R */
  name: string;
  /** sites/S/versions/V: what a rollback re-releases. */
  version: string;
  type: string;
  /** The rewrites of the released version, as apiship compares them. */
  config: DesiredConfig;
}

export interface DesiredConfig {
  rewrites: { glob: string; run: { serviceId: string; region: string } }[];
}

export interface HostingInput {
  project: string;
  region: string;
  /** hosting.site, when the manifest names one. */
  site?: string;
  path: string;
  /** The function's id, which is also its Cloud Run service's id (Cloud Functions 2nd gen). */
  functionName: string;
}

/** Site ids are DNS labels and the <id>.web.app host; the default project site is the project id (6-30). */
export const SITE_RULE: NameRule = {
  resource: "Firebase Hosting site",
  maxLength: 30,
  lowercase: true,
  extraChars: "-",
  startsWithLetter: true,
};

export const SITE_TYPE = "hosting-site";
export const RELEASE_TYPE = "hosting-release";

/** The site of a target: `hosting.site`, else one named after the target's physical name. */
export function siteIdOf(site: string | undefined, name: string): string {
  return site ?? physicalName(SITE_RULE, [name]);
}

export function desiredConfig(i: HostingInput): DesiredConfig {
  return { rewrites: [{ glob: i.path, run: { serviceId: i.functionName, region: i.region } }] };
}

/** The released config in the shape apiship compares (fields it does not set are ignored). */
export function comparableConfig(config: ServingConfig | undefined): DesiredConfig {
  const rewrites: DesiredConfig["rewrites"] = [];
  for (const r of config?.rewrites ?? []) {
    if (r.glob === undefined || r.run === undefined) continue;
    rewrites.push({
      glob: r.glob,
      run: { serviceId: r.run.serviceId, region: r.run.region ?? "us-central1" },
    });
  }
  return { rewrites };
}

/** The wire form of a desired config (ServingConfig). */
export function servingConfig(c: DesiredConfig): ServingConfig {
  return { rewrites: c.rewrites.map((r): Rewrite => ({ glob: r.glob, run: { ...r.run } })) };
}

/** The endpoint behind the rewrite: the site URL plus the glob's literal prefix ("/api/**" → /api). */
export function endpointOf(url: string, glob: string): string {
  const literal = glob.split(/[*?{[!]/)[0] ?? "";
  const prefix = literal.replace(/\/+$/, "");
  return `${url.replace(/\/+$/, "")}${prefix}`;
}

function change(
  type: string,
  name: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
  dependsOn: string[],
  forces: string[],
  cascade: boolean,
): ResourceChange {
  const diff = diffAttributes(before, after, { forcesReplace: forces });
  const replaced = cascade && before !== null;
  const action: Action = replaced ? "replace" : diff.action;
  const c: ResourceChange = {
    type,
    name,
    action,
    before,
    after,
    sensitivePaths: [],
    replacePaths: diff.replacePaths,
    dependsOn,
  };
  const reason = changeReason(
    action,
    diff.changedPaths,
    diff.replacePaths,
    replaced ? "the site" : undefined,
  );
  if (reason !== undefined) c.reason = reason;
  return c;
}

/** PURE: the site and its release, after the function's changes (`fnTypes`). */
export function planHosting(
  i: HostingInput,
  observed: HostingState | undefined,
  fnTypes: string[],
): ResourceChange[] {
  const site = siteIdOf(i.site, i.functionName);
  const siteBefore = observed ? { site: observed.site, project: observed.project } : null;
  const siteChange = change(
    SITE_TYPE,
    site,
    siteBefore,
    { site, project: i.project },
    [],
    ["site", "project"],
    false,
  );
  const moved = siteChange.action === "replace";
  const relBefore = observed?.release ? { config: observed.release.config } : null;
  const rel = change(
    RELEASE_TYPE,
    `${site}/release`,
    relBefore,
    { config: desiredConfig(i) },
    [SITE_TYPE, ...fnTypes],
    [],
    moved,
  );
  return [siteChange, rel];
}

/** PURE: `hosting:` left the manifest: the release goes, and the site when apiship created it. */
export function planHostingRemoval(observed: HostingState): ResourceChange[] {
  const gone = (
    type: string,
    name: string,
    before: Record<string, unknown>,
    dependsOn: string[],
  ): ResourceChange => ({
    type,
    name,
    action: "delete",
    reason: "no longer wanted",
    before,
    after: null,
    sensitivePaths: [],
    replacePaths: [],
    dependsOn,
  });
  const out = [
    gone(RELEASE_TYPE, `${observed.site}/release`, { config: observed.release?.config ?? null }, [SITE_TYPE]),
  ];
  if (observed.created)
    out.push(gone(SITE_TYPE, observed.site, { site: observed.site, project: observed.project }, []));
  return out;
}
