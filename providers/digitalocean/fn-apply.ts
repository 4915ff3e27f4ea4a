// build, read, apply, destroy, status and rollback of digitalocean/functions. The namespace is
// found by its label (unique in the account) and addressed by its namespace id ("fn-<uuid>",
// its `namespace` field), which the API's /v2/functions/namespaces/{namespace_id} takes: the
// bare uuid finds nothing there. The web action is PUT with overwrite on the
// namespace's API host, as the same deterministic zip apiship builds for every function
// platform. Before an action changes, its current package is copied to `<name>--previous`, so
// a rollback redeploys exactly the package that ran before, parameters included.

import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { ApplyResult, Ctx, PlannedChange, StatusReport } from "../../src/core/provider.js";
import type { FunctionSpec, ServiceSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import { packageFunction } from "../_shared/portable.js";
import type { ZipArtifact } from "../_shared/artifact.js";
import { resolvedSecrets } from "../_shared/plan.js";
import type { DoClients } from "./clients.js";
import { configError, maybe } from "./errors.js";
import { actionAttrs, actionBody, asPrevious, fromPrevious, previousName, webUrl } from "./fn-action.js";
import { desiredFor } from "./fn-plan.js";
import type { FnOptions, FnState } from "./fn-plan.js";
import type { NamespaceInfo } from "./types.js";

type FnCtx = Ctx<DoClients>;

export async function buildFunction(ctx: FnCtx, svc: ServiceSpec): Promise<ZipArtifact> {
  const source = svc.function?.source;
  if (source === undefined)
    throw configError(
      "digitalocean/functions deploys functions; the service has no `function`",
      "use `service.function: { runtime, handler, source }`",
    );
  const root = isAbsolute(source) ? source : resolve(ctx.stack.baseDir ?? process.cwd(), source);
  const dir = join(tmpdir(), "apiship-artifacts");
  await mkdir(dir, { recursive: true });
  // One file per stack, target and source folder, replaced atomically by each build.
  const where = createHash("sha256").update(root).digest("hex").slice(0, 8);
  const name = `${ctx.stack.id}-${ctx.target.name}-${where}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const final = join(dir, `${name}.zip`);
  return packageFunction(
    "digitalocean/functions",
    svc.function as FunctionSpec,
    root,
    final,
    ctx.target.name,
  );
}

const labelOf = (ctx: FnCtx, name: string) => (ctx.target.options as Partial<FnOptions>).namespace ?? name;

async function findNamespace(
  ctx: FnCtx,
  prior: FnState | undefined,
  label: string,
): Promise<NamespaceInfo | undefined> {
  const { api } = ctx.clients;
  if (prior?.namespace?.namespace && prior.namespace.label === label) {
    const ns = await maybe(() => api.getNamespace(prior.namespace!.namespace, ctx.signal));
    if (ns) return ns;
  }
  return (await api.listNamespaces(ctx.signal)).find((n) => n.label === label);
}

function nsState(ns: NamespaceInfo, created: boolean): NonNullable<FnState["namespace"]> {
  return {
    id: ns.uuid,
    namespace: ns.namespace,
    apiHost: ns.api_host,
    label: ns.label,
    region: ns.region,
    created,
  };
}

export async function readFunction(
  ctx: FnCtx,
  prior: FnState | undefined,
  name: string,
): Promise<FnState | undefined> {
  const ns =
    (await findNamespace(ctx, prior, labelOf(ctx, name))) ??
    // After a label change the old namespace is still what holds the action.
    (prior?.namespace ? await findNamespace(ctx, prior, prior.namespace.label) : undefined);
  if (!ns) return undefined;
  const state: FnState = { name, namespace: nsState(ns, prior?.namespace?.created ?? false) };
  const live = await maybe(() => ctx.clients.api.getAction(ns, name, false, ctx.signal));
  if (live) {
    state.action = actionAttrs(live);
    state.url = webUrl(ns, name);
  }
  if (prior?.previousCodeSha256) state.previousCodeSha256 = prior.previousCodeSha256;
  return state;
}

async function ensureNamespace(
  ctx: FnCtx,
  change: PlannedChange<FnOptions, FnState>,
  label: string,
): Promise<{ ns: NamespaceInfo; created: boolean }> {
  const { api } = ctx.clients;
  const nsChange = change.changes.find((c) => c.type === "namespace");
  const live = change.observed?.namespace;
  if (live && nsChange?.action === "replace" && live.created) {
    ctx.progress.step("delete namespace");
    await maybe(() => api.deleteNamespace(live.namespace, ctx.signal));
    ctx.progress.done("delete namespace");
  } else if (live && nsChange?.action !== "replace") {
    return { ns: await api.getNamespace(live.namespace, ctx.signal), created: live.created };
  }
  ctx.progress.step("create namespace");
  const ns = await api.createNamespace({ region: change.target.options.region, label }, ctx.signal);
  ctx.progress.done("create namespace");
  return { ns, created: true };
}

export function kindOf(change: { service: ServiceSpec }, map: (r: string) => string): string {
  return change.service.function ? map(change.service.function.runtime) : "";
}

export async function applyFunction(
  ctx: FnCtx,
  change: PlannedChange<FnOptions, FnState>,
  kind: string,
): Promise<ApplyResult<FnState>> {
  const { api } = ctx.clients;
  const zip = (change.artifact as ZipArtifact | undefined) ?? (await buildFunction(ctx, change.service));
  const want = desiredFor({ ...change, artifact: zip }, kind);
  const { ns, created } = await ensureNamespace(ctx, change, want.ns.label);
  const state: FnState = { name: change.name, namespace: nsState(ns, created) };
  const actionChange = change.changes.find((c) => c.type === "action");
  const fresh = ns.uuid !== change.observed?.namespace?.id;
  if (change.observed?.previousCodeSha256 && !fresh)
    state.previousCodeSha256 = change.observed.previousCodeSha256;
  if (!fresh && change.observed?.action && actionChange?.action !== "no-op") {
    state.previousCodeSha256 = await keepPrevious(ctx, ns, change.name);
  }
  if (fresh || actionChange?.action !== "no-op") {
    const code = (await readFile(zip.path)).toString("base64");
    const secrets = resolvedSecrets(
      Object.keys(want.action.secrets),
      change.secrets,
      change.target.name,
      "the function's parameters",
    );
    ctx.progress.step("deploy action");
    await api.putAction(ns, change.name, actionBody(ns, change.name, want.action, code, secrets), ctx.signal);
    ctx.progress.done("deploy action");
  }
  const live = await api.getAction(ns, change.name, false, ctx.signal);
  state.action = actionAttrs(live);
  state.url = webUrl(ns, change.name);
  return result(state, ns);
}

/** Copies the running package to `<name>--previous`; returns its code hash. */
async function keepPrevious(ctx: FnCtx, ns: NamespaceInfo, name: string): Promise<string | undefined> {
  const { api } = ctx.clients;
  const current = await maybe(() => api.getAction(ns, name, true, ctx.signal));
  if (!current) return undefined;
  ctx.progress.step("keep previous package");
  await api.putAction(ns, previousName(name), asPrevious(current, ns, name), ctx.signal);
  ctx.progress.done("keep previous package");
  return actionAttrs(current).codeSha256;
}

function result(state: FnState, ns: NamespaceInfo): ApplyResult<FnState> {
  const outputs: Record<string, string> = { namespace: ns.namespace, url: state.url ?? "" };
  const r: ApplyResult<FnState> = { state, outputs };
  if (state.url) r.endpoint = state.url;
  if (state.action?.version) r.release = state.action.version;
  return r;
}

export async function destroyFunction(ctx: FnCtx, state: FnState): Promise<void> {
  const { api } = ctx.clients;
  if (!state.namespace) return;
  const ns = await maybe(() => api.getNamespace(state.namespace!.namespace, ctx.signal));
  if (!ns) return;
  ctx.progress.step("delete action");
  for (const n of [previousName(state.name), state.name])
    await maybe(() => api.deleteAction(ns, n, ctx.signal));
  ctx.progress.done("delete action");
  if (!state.namespace.created) return;
  ctx.progress.step("delete namespace");
  await maybe(() => api.deleteNamespace(ns.namespace, ctx.signal));
  ctx.progress.done("delete namespace");
}

export async function statusFunction(ctx: FnCtx, state: FnState): Promise<StatusReport> {
  if (!state.namespace) return { health: "missing" };
  const ns = await maybe(() => ctx.clients.api.getNamespace(state.namespace!.namespace, ctx.signal));
  if (!ns) return { health: "missing", detail: `namespace ${state.namespace.label} is gone` };
  const live = await maybe(() => ctx.clients.api.getAction(ns, state.name, false, ctx.signal));
  if (!live) return { health: "missing", detail: `action ${state.name} is gone` };
  const a = actionAttrs(live);
  const r: StatusReport = { health: a.web ? "ready" : "down", endpoint: webUrl(ns, state.name) };
  if (a.version) r.release = a.version;
  if (!a.web) r.detail = "the action is not web-exported";
  return r;
}

function unavailable(ctx: FnCtx, name: string): ProviderError {
  return new ProviderError(
    `the package kept for rollback of ${name} is not the one the earlier release ran`,
    {
      code: "ROLLBACK_UNAVAILABLE",
      fault: "user",
      target: ctx.clients.target,
      hint: "apiship keeps one previous package; deploy the earlier source again to go further back",
    },
  );
}

/**
 * Returns the web action to the package `to` ran: nothing to do when it still runs (a deploy
 * that failed before its PUT), else the kept previous package is swapped in.
 */
export async function rollbackFunction(
  ctx: FnCtx,
  state: FnState,
  to: FnState,
): Promise<ApplyResult<FnState>> {
  const { api } = ctx.clients;
  const want = to.action?.codeSha256;
  if (!state.namespace || !want) throw unavailable(ctx, state.name);
  const ns = await api.getNamespace(state.namespace.namespace, ctx.signal);
  const live = await maybe(() => api.getAction(ns, state.name, false, ctx.signal));
  const same =
    live &&
    actionAttrs(live).codeSha256 === want &&
    JSON.stringify(actionAttrs(live).env) === JSON.stringify(to.action?.env);
  if (live && same) return result({ ...state, action: actionAttrs(live), url: webUrl(ns, state.name) }, ns);
  const previous = await maybe(() => api.getAction(ns, previousName(state.name), true, ctx.signal));
  if (!previous || actionAttrs(previous).codeSha256 !== want) throw unavailable(ctx, state.name);
  const kept = await keepPrevious(ctx, ns, state.name);
  ctx.progress.step("redeploy previous package");
  await api.putAction(ns, state.name, fromPrevious(previous, ns, state.name), ctx.signal);
  ctx.progress.done("redeploy previous package");
  const after = await api.getAction(ns, state.name, false, ctx.signal);
  const next: FnState = {
    name: state.name,
    namespace: state.namespace,
    action: actionAttrs(after),
    url: webUrl(ns, state.name),
  };
  if (kept) next.previousCodeSha256 = kept;
  return result(next, ns);
}
