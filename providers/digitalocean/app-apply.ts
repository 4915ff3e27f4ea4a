// read, apply, destroy, status and the native rollback of digitalocean/app-platform. An app is
// found by id (from the state) or by its unique name; apply creates or updates it and follows
// the deployment that creates or updates start, to ACTIVE or ERROR. A source build whose commit
// alone changed gets a new deployment of the same spec; after it, the commit App Platform built
// is checked against the plan (it builds the branch head, which may not be the planned commit).

import { existsSync } from "node:fs";
import type { ApplyResult, Ctx, PlannedChange, StatusReport } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { diffValues } from "../../src/plan/diff.js";
import { resolvedSecrets } from "../_shared/plan.js";
import { awaitDeployment } from "./app-deploy.js";
import { codeFor, hashesFor } from "./app-plan.js";
import type { AppState } from "./app-plan.js";
import { sourceDirOf, treeAt } from "./app-source.js";
import {
  appSpecFor,
  ciphertextsOf,
  COMPONENT,
  desiredAttributes,
  HEAD_AT_DEPLOY,
  liveAttributes,
} from "./app-spec.js";
import type { AppAttributes, AppOptions, SourceCode } from "./app-spec.js";
import type { DoClients } from "./clients.js";
import { configError, maybe } from "./errors.js";
import type { App, AppDeployment } from "./types.js";

type AppCtx = Ctx<DoClients>;

async function findApp(ctx: AppCtx, prior: AppState | undefined, name: string): Promise<App | undefined> {
  const { api } = ctx.clients;
  if (prior?.appId) {
    const app = await maybe(() => api.getApp(prior.appId, ctx.signal));
    if (app) return app;
  }
  return (await api.listApps(ctx.signal)).find((a) => a.spec.name === name);
}

function stateOf(
  app: App,
  prior: Pick<AppState, "attributes" | "ciphertexts"> | undefined,
): AppState | undefined {
  const built = app.active_deployment?.services?.find((c) => c.name === COMPONENT)?.source_commit_hash;
  const attributes = liveAttributes(
    app.spec,
    prior?.attributes.secrets ?? {},
    prior?.ciphertexts ?? {},
    built,
  );
  if (!attributes) return undefined;
  const s: AppState = {
    name: app.spec.name,
    appId: app.id,
    attributes,
    ciphertexts: ciphertextsOf(app.spec),
  };
  if (app.active_deployment?.id) s.deploymentId = app.active_deployment.id;
  if (app.live_url) s.liveUrl = app.live_url;
  return s;
}

export async function readApp(
  ctx: AppCtx,
  prior: AppState | undefined,
  name: string,
): Promise<AppState | undefined> {
  const app = await findApp(ctx, prior, name);
  if (!app) return undefined;
  // An app of that name that is not apiship's shape (no `api` service) still exists: the plan
  // then updates it into shape rather than failing to create a taken name.
  const state = stateOf(app, prior);
  if (!state) return { name, appId: app.id, attributes: emptyAttributes(), ciphertexts: {} };
  const tree = await liveTree(ctx, state);
  if (tree) state.tree = tree;
  return state;
}

/** The tree of function.source at the live commit, so the plan can tell whether the code changed. */
async function liveTree(ctx: AppCtx, state: AppState): Promise<string | undefined> {
  const commit = state.attributes.source?.commit;
  const svc = ctx.stack.service;
  if (!commit || svc.kind !== "function" || !/^[0-9a-f]{7,64}$/.test(commit)) return undefined;
  const dir = sourceDirOf(ctx.stack.baseDir, svc);
  return existsSync(dir) ? treeAt(dir, commit) : undefined;
}

function emptyAttributes(): AppState["attributes"] {
  return {
    region: "",
    image: {},
    port: 0,
    runCommand: null,
    instanceSize: "",
    instanceCount: null,
    autoscaling: null,
    healthPath: null,
    env: {},
    secrets: {},
  };
}

/** Per secret: the new value when its hash changed, else the encrypted value the app holds. */
function secretValues(change: PlannedChange<AppOptions, AppState>): Record<string, string> {
  const names = Object.keys(change.service.secrets);
  const observed = change.observed;
  const out: Record<string, string> = {};
  const changed: string[] = [];
  for (const n of names) {
    const kept = observed?.ciphertexts[n];
    const same = kept !== undefined && observed?.attributes.secrets[n] === hashesFor(change)[n];
    if (same) out[n] = kept;
    else changed.push(n);
  }
  return { ...out, ...resolvedSecrets(changed, change.secrets, change.target.name, "the app's secret envs") };
}

async function finish(
  ctx: AppCtx,
  appId: string,
  d: AppDeployment,
  prior: Pick<AppState, "attributes" | "ciphertexts">,
): Promise<ApplyResult<AppState>> {
  await awaitDeployment(ctx.clients, appId, d.id, ctx.signal);
  const app = await ctx.clients.api.getApp(appId, ctx.signal);
  const state = stateOf(app, prior);
  if (!state)
    throw configError(`app ${appId} has no api service after its deployment`, "this is a bug in apiship");
  state.deploymentId = d.id;
  const outputs: Record<string, string> = { appId };
  if (state.liveUrl) outputs.url = state.liveUrl;
  return { state, outputs, release: d.id, ...(state.liveUrl ? { endpoint: state.liveUrl } : {}) };
}

export async function applyApp(
  ctx: AppCtx,
  change: PlannedChange<AppOptions, AppState>,
): Promise<ApplyResult<AppState>> {
  const { api } = ctx.clients;
  const attrs = desiredAttributes(
    change.service,
    change.target.options,
    hashesFor(change),
    plannedCode(change),
  );
  const values = secretValues(change);
  const spec = appSpecFor(change.name, attrs, values, change.service.health.timeoutMs);
  // What the new state records of the secrets: their hashes, keyed to the ciphertexts that come back.
  const prior = { attributes: { ...attrs }, ciphertexts: change.observed?.ciphertexts ?? {} };
  const action = change.changes[0]?.action ?? "create";
  let live = change.observed;
  if (live && action === "replace") {
    ctx.progress.step("delete app");
    await maybe(() => api.deleteApp(live!.appId, ctx.signal));
    ctx.progress.done("delete app");
    live = undefined;
  }
  let app: App;
  if (!live) {
    ctx.progress.step("create app");
    app = await api.createApp({ spec }, ctx.signal);
    ctx.progress.done("create app");
  } else if (action === "no-op") {
    const out = settled(await api.getApp(live.appId, ctx.signal), prior);
    if (live.tree) out.state.tree = live.tree;
    return out;
  } else if (onlyCommitChanged(change)) {
    // The spec is as it was: a new deployment builds the branch's new head.
    ctx.progress.step("create deployment");
    const d = await api.createDeployment(live.appId, {}, ctx.signal);
    ctx.progress.done("create deployment");
    return deployed(ctx, change, live.appId, d, prior, await api.getApp(live.appId, ctx.signal));
  } else {
    ctx.progress.step("update app");
    app = await api.updateApp(live.appId, { spec }, ctx.signal);
    ctx.progress.done("update app");
  }
  const d = app.pending_deployment ?? app.in_progress_deployment;
  if (!d) return settled(app, prior);
  return deployed(ctx, change, app.id, d, prior, app);
}

/**
 * The commit and folder the plan showed. The engine hands apply the plan's changes (a saved
 * plan's, too), not the work tree it read, so the reviewed commit is taken from them.
 */
function plannedCode(change: PlannedChange<AppOptions, AppState>): SourceCode | undefined {
  const src = (change.changes[0]?.after as Partial<AppAttributes> | null | undefined)?.source;
  return src ? { commit: src.commit, dir: src.dir } : codeFor(change);
}

function onlyCommitChanged(change: PlannedChange<AppOptions, AppState>): boolean {
  const c = change.changes[0];
  if (!c?.before || !c.after) return false;
  const paths = diffValues(c.before, c.after).map((x) => x.path);
  return paths.length > 0 && paths.every((p) => p === "source.commit");
}

async function deployed(
  ctx: AppCtx,
  change: PlannedChange<AppOptions, AppState>,
  appId: string,
  d: AppDeployment,
  prior: Pick<AppState, "attributes" | "ciphertexts">,
  app: App,
): Promise<ApplyResult<AppState>> {
  ctx.progress.step("deployment");
  const out = await finish(ctx, appId, d, withCiphertexts(prior, app));
  ctx.progress.done("deployment");
  await checkBuiltCommit(ctx, change, out);
  return out;
}

const short = (sha: string) => (/^[0-9a-f]{12,}$/.test(sha) ? sha.slice(0, 12) : sha);

/**
 * App Platform builds the head of the branch, which is the planned commit only if it was pushed
 * and nothing was pushed since. A build of other code is rolled back to the earlier deployment
 * (when there is one) and reported: what runs must be what the plan showed.
 */
async function checkBuiltCommit(
  ctx: AppCtx,
  change: PlannedChange<AppOptions, AppState>,
  out: ApplyResult<AppState>,
): Promise<void> {
  const src = out.state.attributes.source;
  const planned = plannedCode(change)?.commit;
  if (!src || !planned || planned === HEAD_AT_DEPLOY) return;
  const dir = sourceDirOf(ctx.stack.baseDir, change.service);
  const want = await treeAt(dir, planned);
  const got = src.commit === planned ? want : await treeAt(dir, src.commit);
  if (src.commit === planned || (want !== undefined && got === want)) {
    if (got) out.state.tree = got;
    return;
  }
  const back = change.observed?.deploymentId;
  let where = "the app runs that build; the next deploy replaces it";
  if (back && back !== out.state.deploymentId) {
    ctx.progress.step("rollback app");
    const d = await ctx.clients.api.rollbackApp(
      out.state.appId,
      { deployment_id: back, skip_pin: true },
      ctx.signal,
    );
    await awaitDeployment(ctx.clients, out.state.appId, d.id, ctx.signal);
    ctx.progress.done("rollback app");
    where = `the app is back on deployment ${back}`;
  }
  throw new ProviderError(
    `App Platform built commit ${short(src.commit)} of branch ${src.branch} (${src.repo}), not the planned ${short(planned)}: ${where}`,
    {
      code: "SOURCE_MISMATCH",
      fault: "user",
      target: ctx.target.name,
      hint: `App Platform builds the head of the branch: push the planned commit (git push origin ${short(planned)}:${src.branch}), then plan and deploy again`,
    },
  );
}

// A secret's hash stays valid only with the ciphertext App Platform made of the value just sent.
function withCiphertexts(prior: Pick<AppState, "attributes" | "ciphertexts">, app: App) {
  return { attributes: prior.attributes, ciphertexts: ciphertextsOf(app.spec) };
}

function settled(app: App, prior: Pick<AppState, "attributes" | "ciphertexts">) {
  const state = stateOf(app, withCiphertexts(prior, app));
  if (!state) throw configError(`app ${app.id} has no api service`, "this is a bug in apiship");
  const outputs: Record<string, string> = { appId: app.id };
  if (state.liveUrl) outputs.url = state.liveUrl;
  const r: ApplyResult<AppState> = { state, outputs };
  if (state.liveUrl) r.endpoint = state.liveUrl;
  if (state.deploymentId) r.release = state.deploymentId;
  return r;
}

export async function destroyApp(ctx: AppCtx, state: AppState): Promise<void> {
  ctx.progress.step("delete app");
  await maybe(() => ctx.clients.api.deleteApp(state.appId, ctx.signal));
  ctx.progress.done("delete app");
}

export async function statusApp(ctx: AppCtx, state: AppState): Promise<StatusReport> {
  const app = await maybe(() => ctx.clients.api.getApp(state.appId, ctx.signal));
  if (!app) return { health: "missing", detail: `app ${state.appId} is gone` };
  const active = app.active_deployment;
  const base: StatusReport = { health: "unknown" };
  if (app.live_url) base.endpoint = app.live_url;
  if (active?.id) base.release = active.id;
  if (!active || active.phase !== "ACTIVE")
    return { ...base, health: "down", detail: "no active deployment" };
  if (app.in_progress_deployment)
    return { ...base, health: "partial", detail: `deployment ${app.in_progress_deployment.id} in progress` };
  return { ...base, health: "ready" };
}

/** Native rollback: App Platform deploys the earlier deployment again (unpinned: skip_pin). */
export async function rollbackApp(
  ctx: AppCtx,
  state: AppState,
  to: AppState,
): Promise<ApplyResult<AppState>> {
  if (!to.deploymentId)
    throw configError(
      `the release to go back to recorded no deployment of app ${state.appId}`,
      "deploy the earlier manifest again",
    );
  // A deploy that failed before its deployment went live left the earlier one ACTIVE: nothing to do.
  const app = await ctx.clients.api.getApp(state.appId, ctx.signal);
  if (app.active_deployment?.id === to.deploymentId && !app.in_progress_deployment) return settled(app, to);
  ctx.progress.step("rollback app");
  const d = await ctx.clients.api.rollbackApp(
    state.appId,
    { deployment_id: to.deploymentId, skip_pin: true },
    ctx.signal,
  );
  ctx.progress.done("rollback app");
  ctx.progress.step("deployment");
  const out = await finish(ctx, state.appId, d, to);
  ctx.progress.done("deployment");
  return out;
}
