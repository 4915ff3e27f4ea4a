// apply(), destroy() and rollback(). Order: the app (a replace deletes it first: the name is
// global and stays the same), its config vars with the APISHIP_MANAGED marker, the release
// (an image by id through the formation, or a source build), then the web formation. A
// rollback is Heroku's own: POST /apps/{app}/releases {release}, which restores that release's
// image and config vars; the formation, which no release holds, is set back after it.

import type { ApplyResult, PlannedChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { resolvedSecrets } from "../_shared/plan.js";
import { poll } from "../_shared/poll.js";
import { isNotFound, nameTaken } from "./errors.js";
import { appNameOf, desiredAttrs, envOf } from "./plan.js";
import type { HerokuOptions, HerokuResource } from "./plan.js";
import type { HerokuCtx } from "./read.js";
import { RELEASES_READ, optionsOf, read, releaseState, runningOf } from "./read.js";
import { buildSource } from "./source.js";
import { MANAGED_VAR, ownerOf } from "./state.js";
import type { HerokuReleaseState, HerokuState, ManagedMarker } from "./state.js";
import type { App, ConfigVarsUpdate, Release } from "./types.js";

export type HerokuChange = PlannedChange<HerokuOptions, HerokuState>;

export async function step<T>(ctx: HerokuCtx, name: string, fn: () => Promise<T>): Promise<T> {
  ctx.progress.step(name);
  const out = await fn();
  ctx.progress.done(name);
  return out;
}

async function createApp(ctx: HerokuCtx, name: string): Promise<App> {
  const o = optionsOf(ctx);
  const { api } = ctx.clients;
  try {
    return await step(ctx, `create app ${name}`, () =>
      o.team !== undefined
        ? api.createTeamApp({ name, team: o.team, region: o.region, stack: o.stack }, ctx.signal)
        : api.createApp({ name, region: o.region, stack: o.stack }, ctx.signal),
    );
  } catch (e) {
    if (e instanceof ProviderError && /already taken/i.test(e.message))
      throw nameTaken(name, ctx.target.name, e);
    throw e;
  }
}

interface AppRef {
  app: string;
  /** The app's id, recorded so the next read finds no drift in it. */
  id?: string;
  webUrl?: string;
  created: boolean;
}

const refOf = (app: App, created: boolean): AppRef => ({
  app: app.name,
  id: app.id,
  created,
  ...(app.web_url ? { webUrl: app.web_url } : {}),
});

/** The app as the rest of the apply needs it: created, recreated, restacked or as it was. */
async function ensureApp(ctx: HerokuCtx, change: HerokuChange, action: string): Promise<AppRef> {
  const name = appNameOf(change);
  const seen = change.observed;
  const { api } = ctx.clients;
  if (action === "replace" && seen)
    await step(ctx, `delete app ${seen.app}`, () => api.deleteApp(seen.app, ctx.signal));
  if (action === "create" || action === "replace") return refOf(await createApp(ctx, name), true);
  const created = seen?.created ?? false;
  if (action === "update") {
    const stack = optionsOf(ctx).stack;
    const app = await step(ctx, `set build stack of ${name} to ${stack}`, () =>
      api.updateApp(name, { build_stack: stack }, ctx.signal),
    );
    return refOf(app, created);
  }
  return {
    app: name,
    created,
    ...(seen?.appId !== undefined && seen.app === name ? { id: seen.appId } : {}),
    ...(seen?.webUrl ? { webUrl: seen.webUrl } : {}),
  };
}

function configUpdate(change: HerokuChange, created: boolean, fresh: boolean): ConfigVarsUpdate {
  const svc = change.service;
  const secrets = resolvedSecrets(
    Object.keys(svc.secrets),
    change.secrets,
    change.target.name,
    "Heroku config vars",
  );
  const env = envOf(change);
  const hashes = desiredAttrs(change).config.secrets as Record<string, string>;
  const marker: ManagedMarker = {
    owner: ownerOf(change.stack.id, change.target.name),
    created,
    env: Object.keys(env).sort(),
    secrets: hashes,
  };
  const body: ConfigVarsUpdate = { ...env, ...secrets, [MANAGED_VAR]: JSON.stringify(marker) };
  if (!fresh) {
    const seen = change.observed?.config;
    for (const k of [...Object.keys(seen?.env ?? {}), ...Object.keys(seen?.secrets ?? {})])
      if (!(k in body)) body[k] = null;
  }
  return body;
}

/** Waits for the release (its release phase) to succeed; a failed one names its output stream. */
export async function waitForRelease(ctx: HerokuCtx, app: string): Promise<Release> {
  const { api, timing } = ctx.clients;
  const current = async () => {
    const rs = await api.listReleases(app, 1, ctx.signal);
    return rs.find((r) => r.current) ?? rs[0];
  };
  // Done only on success: poll() then reports a failed or expired release with its output.
  const r = await poll(current, (x) => x?.status === "succeeded", {
    what: `release of ${app}`,
    failed: (x) =>
      x && x.status !== "pending"
        ? `v${x.version} ${x.status}${x.output_stream_url ? `; output: ${x.output_stream_url}` : ""}`
        : undefined,
    intervalMs: timing.pollMs,
    timeoutMs: timing.releaseTimeoutMs,
    signal: ctx.signal,
  });
  if (!r)
    throw new ProviderError(`${app} has no release`, { code: "RESOURCE_FAILED", target: ctx.target.name });
  return r;
}

async function release(ctx: HerokuCtx, change: HerokuChange, app: string): Promise<void> {
  const attrs = desiredAttrs(change).release;
  if (typeof attrs.image === "string") {
    const image = attrs.image;
    try {
      await step(ctx, `release ${image.slice(0, 19)} to ${app}`, () =>
        ctx.clients.api.updateFormation(app, { updates: [{ type: "web", docker_image: image }] }, ctx.signal),
      );
    } catch (e) {
      if (isNotFound(e)) throw notPushed(ctx, app, image, e);
      throw e;
    }
    return;
  }
  await buildSource(ctx, change, app);
}

/** The registry path exists once the app does: a first deploy can fail here, before the push. */
function notPushed(ctx: HerokuCtx, app: string, image: string, cause: unknown): ProviderError {
  return new ProviderError(`image ${image} is not in registry.heroku.com/${app}/web`, {
    code: "IMAGE_NOT_PUSHED",
    fault: "user",
    target: ctx.target.name,
    cause,
    hint: `the app ${app} exists now: \`heroku container:login && docker push registry.heroku.com/${app}/web\`, then deploy again`,
  });
}

async function scale(ctx: HerokuCtx, app: string, f: { quantity: number; size: string }): Promise<void> {
  await step(ctx, `scale ${app} web to ${f.quantity} × ${f.size}`, () =>
    ctx.clients.api.updateFormation(
      app,
      { updates: [{ type: "web", quantity: f.quantity, dyno_size: { name: f.size } }] },
      ctx.signal,
    ),
  );
}

function actionsOf(change: HerokuChange): Record<HerokuResource, string> {
  const a = { app: "create", config: "create", release: "create", formation: "create" };
  for (const c of change.changes) a[c.type as HerokuResource] = c.action;
  return a;
}

/** What the apply leaves, from what it did: no read-back but the newest releases. */
async function finalState(ctx: HerokuCtx, change: HerokuChange, app: AppRef): Promise<HerokuState> {
  const d = desiredAttrs(change);
  const o = optionsOf(ctx);
  const releases = await ctx.clients.api.listReleases(app.app, RELEASES_READ, ctx.signal);
  const current = releases.find((r) => r.current) ?? releases[0];
  const want = d.release.image !== undefined ? { image: d.release.image as string } : undefined;
  const running = runningOf(releases, want ?? change.observed?.release);
  const s: HerokuState = {
    app: app.app,
    region: o.region,
    stack: o.stack,
    team: o.team ?? null,
    created: app.created,
    config: { env: envOf(change), secrets: d.config.secrets as Record<string, string> },
    formation: { quantity: d.formation.quantity as number, size: d.formation.size as string },
  };
  if (app.id !== undefined) s.appId = app.id;
  if (app.webUrl) s.webUrl = app.webUrl;
  if (current) s.release = releaseState(current, running);
  return s;
}

/**
 * The engine hands apply the state it recorded, not what its plan read: nothing for an app the
 * state does not hold yet, such as one adopted with `app:` on its first deploy. The app is read
 * then, as the plan read it, so its id, web URL (the endpoint the health check probes), owner
 * marker and managed config vars are known; an app about to be created needs no read.
 */
async function withObserved(ctx: HerokuCtx, change: HerokuChange): Promise<HerokuChange> {
  if (change.observed !== undefined || actionsOf(change).app === "create") return change;
  const seen = await read(ctx, undefined, change.name);
  return seen ? { ...change, observed: seen } : change;
}

export async function apply(ctx: HerokuCtx, given: HerokuChange): Promise<ApplyResult<HerokuState>> {
  const change = await withObserved(ctx, given);
  if (change.observed && change.changes.every((c) => c.action === "no-op")) return resultOf(change.observed);
  const a = actionsOf(change);
  const app = await ensureApp(ctx, change, a.app);
  const fresh = a.app === "create" || a.app === "replace";
  if (a.config !== "no-op") {
    const body = configUpdate(change, app.created, fresh);
    await step(ctx, `set ${Object.keys(body).length} config vars of ${app.app}`, () =>
      ctx.clients.api.updateConfigVars(app.app, body, ctx.signal),
    );
  }
  if (a.release !== "no-op") {
    await release(ctx, change, app.app);
    await waitForRelease(ctx, app.app);
  }
  if (a.formation !== "no-op") {
    const f = desiredAttrs(change).formation;
    await scale(ctx, app.app, { quantity: f.quantity as number, size: f.size as string });
  }
  return resultOf(await finalState(ctx, change, app));
}

export function resultOf(state: HerokuState): ApplyResult<HerokuState> {
  const outputs: Record<string, string> = { app: state.app, region: state.region };
  if (state.webUrl) outputs.url = state.webUrl;
  if (state.release) outputs.release = `v${state.release.version}`;
  const out: ApplyResult<HerokuState> = { state, outputs };
  if (state.webUrl) out.endpoint = state.webUrl;
  if (state.release) out.release = `v${state.release.version}`;
  return out;
}

/** From state alone, idempotent. An app apiship created is deleted; an adopted one is emptied. */
export async function destroy(ctx: HerokuCtx, state: HerokuState): Promise<void> {
  const { api } = ctx.clients;
  const app = await api.getApp(state.app, ctx.signal);
  if (!app) return;
  if (state.created) {
    await step(ctx, `delete app ${state.app}`, () => api.deleteApp(state.app, ctx.signal));
    return;
  }
  const body: ConfigVarsUpdate = { [MANAGED_VAR]: null };
  for (const k of [...Object.keys(state.config.env), ...Object.keys(state.config.secrets)]) body[k] = null;
  await step(ctx, `unset apiship's config vars of ${state.app}`, () =>
    api.updateConfigVars(state.app, body, ctx.signal),
  );
  if (state.formation && state.formation.quantity > 0) {
    await step(ctx, `scale ${state.app} web to 0`, () =>
      api.updateFormation(state.app, { updates: [{ type: "web", quantity: 0 }] }, ctx.signal),
    );
  }
}

/** Heroku's release rollback to the release `to` recorded, then `to`'s formation. */
export async function rollback(
  ctx: HerokuCtx,
  state: HerokuState,
  to: HerokuState,
): Promise<ApplyResult<HerokuState>> {
  const target = to.release;
  if (!target || to.app !== state.app) {
    throw new ProviderError(`no Heroku release of app ${state.app} to roll back to`, {
      code: "ROLLBACK_UNAVAILABLE",
      fault: "user",
      target: ctx.target.name,
      hint:
        to.app !== state.app
          ? `the earlier release ran app ${to.app}; deploy that manifest again`
          : "the earlier deploy recorded no release",
    });
  }
  const { api } = ctx.clients;
  await step(ctx, `roll ${state.app} back to v${target.version}`, () =>
    api.rollback(state.app, { release: target.id }, ctx.signal),
  );
  const current = await waitForRelease(ctx, state.app);
  const f = to.formation;
  if (f && (f.quantity !== state.formation?.quantity || f.size !== state.formation.size))
    await scale(ctx, state.app, f);
  const rel: HerokuReleaseState = { ...releaseState(current, {}), ...pick(target) };
  return resultOf({
    ...to,
    created: state.created,
    release: rel,
    ...(state.webUrl ? { webUrl: state.webUrl } : {}),
  });
}

function pick(r: HerokuReleaseState): Pick<HerokuReleaseState, "image" | "source"> {
  return r.image !== undefined ? { image: r.image } : r.source !== undefined ? { source: r.source } : {};
}
