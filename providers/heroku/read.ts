// read() and status(): what Heroku holds of a target now. Four GETs: the app, its config vars
// (only the ones the APISHIP_MANAGED marker lists are recorded, so an add-on's DATABASE_URL
// never reaches the state), the formation and the newest releases. Heroku apps carry no labels,
// so that marker is also how an app is known to be this target's.

import type { Ctx, StatusReport } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { HerokuClients } from "./clients.js";
import { nameTaken } from "./errors.js";
import { shortImageId } from "./image.js";
import type { HerokuOptions } from "./plan.js";
import { MANAGED_VAR, ownerOf, parseMarker } from "./state.js";
import type { HerokuReleaseState, HerokuState, ManagedMarker } from "./state.js";
import type { App, ConfigVars, Formation, Release } from "./types.js";

export type HerokuCtx = Ctx<HerokuClients>;

/** Releases read to find what runs now: enough to walk back through config-only releases. */
export const RELEASES_READ = 25;

export function optionsOf(ctx: HerokuCtx): HerokuOptions {
  return ctx.target.options as unknown as HerokuOptions;
}

/** Someone else's app under our name would otherwise be taken over, or deleted by destroy. */
function ownership(
  ctx: HerokuCtx,
  app: App,
  marker: ManagedMarker | undefined,
  untouched: boolean,
): ManagedMarker {
  const me = ownerOf(ctx.stack.id, ctx.target.name);
  if (marker?.owner === me) return marker;
  const target = ctx.target.name;
  if (marker) {
    throw new ProviderError(
      `Heroku app ${app.name} belongs to apiship stack/target ${marker.owner}, not ${me}`,
      {
        code: "Conflict",
        fault: "user",
        target,
        hint: `set \`app:\` on target ${target} to another name; physical names derive from the app, environment and target names`,
      },
    );
  }
  // An app named explicitly is adopted: the user pointed the target at it. Destroy then only
  // empties it, because apiship did not create it.
  if (optionsOf(ctx).app === app.name) return { owner: me, created: false, env: [], secrets: {} };
  // A run that died between creating the app and writing its config vars leaves an app with
  // no config and no release but the initial one: ours, under our derived name. Nothing in it
  // can be lost by taking it, and refusing would wedge every later deploy.
  if (untouched) {
    ctx.log.warn(
      "taking over an empty app under the target's name (an earlier run stopped after creating it)",
      {
        app: app.name,
      },
    );
    return { owner: me, created: true, env: [], secrets: {} };
  }
  throw new ProviderError(
    `Heroku app ${app.name} exists in your account but was not created by apiship for target ${target}`,
    {
      code: "Conflict",
      fault: "user",
      target,
      hint: `set \`app: ${app.name}\` on target ${target} to deploy to that app anyway, or \`app:\` another name`,
    },
  );
}

const IMAGE_DESC = /^Deployed web \(([0-9a-f]{12})\)/;
const ROLLBACK_DESC = /^Rollback to v(\d+)/;
const BUILD_DESC = /^Deploy (\S+)/;

/**
 * What the current release runs, from the release descriptions Heroku writes: "Deployed web
 * (<short image id>)" for an image, "Deploy <version>" for a build, "Rollback to vN" for a
 * rollback; config changes and add-ons make releases that keep what ran before.
 */
function previousOf(releases: Release[], r: Release): Release | undefined {
  let best: Release | undefined;
  for (const x of releases) if (x.version < r.version && (!best || x.version > best.version)) best = x;
  return best;
}

export function runningOf(
  releases: Release[],
  recorded: { image?: string } | undefined,
): Pick<HerokuReleaseState, "image" | "source"> {
  const byVersion = new Map(releases.map((r) => [r.version, r]));
  let r = releases.find((x) => x.current) ?? releases[0];
  for (let hops = 0; r && hops < releases.length; hops++) {
    const image = IMAGE_DESC.exec(r.description)?.[1];
    if (image !== undefined) {
      // The full id when it is the one recorded; Heroku's description only holds 12 hex digits.
      const full = recorded?.image !== undefined && shortImageId(recorded.image) === image;
      return { image: full ? recorded.image : `sha256:${image}` };
    }
    const build = BUILD_DESC.exec(r.description)?.[1];
    if (build !== undefined && r.slug !== null) return { source: build };
    const back = ROLLBACK_DESC.exec(r.description)?.[1];
    r = back !== undefined ? byVersion.get(Number(back)) : previousOf(releases, r);
  }
  return {};
}

export function releaseState(
  current: Release,
  running: Pick<HerokuReleaseState, "image" | "source">,
): HerokuReleaseState {
  return {
    id: current.id,
    version: current.version,
    status: current.status,
    description: current.description,
    ...running,
  };
}

export function stateOf(
  app: App,
  config: ConfigVars,
  formation: Formation[],
  releases: Release[],
  marker: ManagedMarker,
  recorded?: HerokuReleaseState,
): HerokuState {
  const env: Record<string, string> = {};
  for (const k of marker.env) if (config[k] !== undefined) env[k] = config[k];
  const secrets: Record<string, string> = {};
  for (const [k, h] of Object.entries(marker.secrets)) if (config[k] !== undefined) secrets[k] = h;
  const s: HerokuState = {
    app: app.name,
    appId: app.id,
    region: app.region.name,
    stack: app.build_stack.name,
    team: app.team?.name ?? null,
    created: marker.created,
    config: { env, secrets },
  };
  if (app.web_url) s.webUrl = app.web_url;
  const web = formation.find((f) => f.type === "web");
  if (web) s.formation = { quantity: web.quantity, size: web.dyno_size.name.toLowerCase() };
  const current = releases.find((r) => r.current) ?? releases[0];
  const running = runningOf(releases, recorded);
  if (current && (running.image !== undefined || running.source !== undefined))
    s.release = releaseState(current, running);
  return s;
}

/** The app, or undefined; a name held by another account is a conflict with a hint. */
export async function getOwnApp(ctx: HerokuCtx, name: string): Promise<App | undefined> {
  try {
    return await ctx.clients.api.getApp(name, ctx.signal);
  } catch (e) {
    if (e instanceof ProviderError && e.code === "FORBIDDEN") throw nameTaken(name, ctx.target.name, e);
    throw e;
  }
}

export async function read(
  ctx: HerokuCtx,
  prior: HerokuState | undefined,
  name: string,
): Promise<HerokuState | undefined> {
  const appName = prior?.app ?? optionsOf(ctx).app ?? name;
  const app = await getOwnApp(ctx, appName);
  if (!app) return undefined;
  const { api } = ctx.clients;
  const config = await api.getConfigVars(app.name, ctx.signal);
  const releases = await api.listReleases(app.name, RELEASES_READ, ctx.signal);
  const untouched = Object.keys(config).length === 0 && releases.every((r) => r.version === 1);
  const marker = ownership(ctx, app, parseMarker(config[MANAGED_VAR]), untouched);
  const formation = await api.listFormation(app.name, ctx.signal);
  return stateOf(app, config, formation, releases, marker, prior?.release);
}

export async function status(ctx: HerokuCtx, state: HerokuState): Promise<StatusReport> {
  const { api } = ctx.clients;
  const app = await api.getApp(state.app, ctx.signal);
  if (!app) return { health: "missing", detail: `app ${state.app} is not in the account` };
  const web = (await api.listFormation(app.name, ctx.signal)).find((f) => f.type === "web");
  const dynos = (await api.listDynos(app.name, ctx.signal)).filter((d) => d.type === "web");
  const wanted = web?.quantity ?? 0;
  const up = dynos.filter((d) => d.state === "up").length;
  const crashed = dynos.filter((d) => d.state === "crashed").length;
  const report: StatusReport = {
    health: wanted > 0 && up >= wanted ? "ready" : up > 0 ? "partial" : "down",
    detail: `${up}/${wanted} web dynos up${crashed > 0 ? `, ${crashed} crashed` : ""}${web ? ` (${web.dyno_size.name})` : ""}`,
  };
  if (app.web_url) report.endpoint = app.web_url;
  const version = dynos[0]?.release.version;
  if (version !== undefined) report.release = `v${version}`;
  return report;
}
