// firebase/functions is two halves: the function, which IS a gcp/cloud-functions target (same
// API, same resources), and the Hosting site in front of it. The state is
// { function: <gcp/cloud-functions state>, hosting: <HostingState> }; every contract method
// hands the function half to the gcp adapter (with the firebase options mapped to its own) and
// the site to hosting.ts. `composeFirebase` takes the function adapter as a parameter so the
// composition is tested with a stub; functions.ts passes the real one.

import type {
  ApplyResult,
  Ctx,
  DeployableTarget,
  Identity,
  LogEntry,
  LogQuery,
  PlanRequest,
  PlanResponse,
  PlannedChange,
  ProviderConfig,
  ResourceChange,
  StatusReport,
  TargetBehaviour,
} from "../../src/core/provider.js";
import type { ServiceSpec, TargetSpec } from "../../src/manifest/types.js";
import { canonicalJson } from "../../src/plan/diff.js";
import { ProviderError } from "../../src/errors.js";
import type { RuntimePlatform } from "../_shared/runtime/entries.js";
import { reachBy } from "../_shared/whoami.js";
import type { FirebaseClients } from "./clients.js";
import { createHostingClients } from "./clients.js";
import {
  RELEASE_TYPE,
  SITE_TYPE,
  desiredConfig,
  endpointOf,
  planHosting,
  planHostingRemoval,
  siteIdOf,
} from "./hosting-plan.js";
import type { HostingInput, HostingState } from "./hosting-plan.js";
import { applyHosting, deployConfig, destroyHosting, readHosting, rereleaseVersion } from "./hosting.js";
import type { HostingCtx, SiteRef } from "./hosting.js";

export interface FirebaseOptions {
  project: string;
  region: string;
  hosting?: { site?: string; path: string };
  endpoint?: string;
}

export interface FirebaseState {
  /** The gcp/cloud-functions adapter's state of the function. */
  function?: object;
  hosting?: HostingState;
}

export type FunctionAdapter = Pick<
  DeployableTarget<Record<string, unknown>, object, unknown>,
  | "options"
  | "createClients"
  | "read"
  | "plan"
  | "apply"
  | "destroy"
  | "status"
  | "rollback"
  | "build"
  | "whoami"
  | "logs"
>;

type Req = PlanRequest<FirebaseOptions, FirebaseState>;
type FCtx = Ctx<FirebaseClients>;

const opts = (t: TargetSpec): FirebaseOptions => t.options as unknown as FirebaseOptions;
const isHosting = (c: ResourceChange) => c.type === SITE_TYPE || c.type === RELEASE_TYPE;

/** The two halves of a firebase/functions target, and how each contract method reaches them. */
class Composed {
  constructor(private readonly fn: FunctionAdapter) {}

  /** The firebase target as gcp/cloud-functions sees it: its own schema fills its defaults. */
  fnTarget(t: TargetSpec): TargetSpec {
    const o = opts(t);
    const raw = { project: o.project, region: o.region, ...(o.endpoint ? { endpoint: o.endpoint } : {}) };
    const options = this.fn.options.parse(raw) as Record<string, unknown>;
    // A portable function gets Firebase's runtime entry (onRequest), not Cloud Functions' own
    // (gcp/functions-plan.ts entryPlatformOf).
    const fnTarget: TargetSpec & { runtimeEntry: RuntimePlatform } = {
      ...t,
      provider: "gcp",
      platform: "cloud-functions",
      options,
      runtimeEntry: "firebase/functions",
    };
    return fnTarget;
  }

  fnCtx(ctx: FCtx): Ctx<unknown> {
    return { ...ctx, clients: ctx.clients.fn, target: this.fnTarget(ctx.target) };
  }

  fnReq<R extends Req>(r: R) {
    return {
      ...r,
      service: withBasePath(r.service, r.target),
      target: this.fnTarget(r.target) as TargetSpec & { options: Record<string, unknown> },
      recorded: r.recorded?.function,
      observed: r.observed?.function,
    };
  }

  async createClients(cfg: ProviderConfig): Promise<FirebaseClients> {
    const [f, hosting] = await Promise.all([
      this.fn.createClients({ ...cfg, target: this.fnTarget(cfg.target) }),
      createHostingClients(cfg),
    ]);
    return { fn: f, hosting };
  }

  async read(ctx: FCtx, prior: FirebaseState | undefined, name: string): Promise<FirebaseState | undefined> {
    // The site the state records is what exists; a new hosting.site then plans a replace.
    const was = prior?.hosting;
    const ref = was ? { project: was.project, site: was.site, explicit: true } : siteRef(ctx.target, name);
    const [f, hosting] = await Promise.all([
      this.fn.read(this.fnCtx(ctx), prior?.function, name),
      ref ? readHosting(hCtx(ctx), ref) : Promise.resolve(undefined),
    ]);
    // A site apiship only disabled on destroy still exists: it is not this target any more.
    if (!f && !hosting?.release && !hosting?.created) return undefined;
    const s: FirebaseState = {};
    if (f) s.function = f;
    if (hosting) s.hosting = hosting;
    return s;
  }

  plan(req: Req): PlanResponse {
    check(req);
    const fnChanges = this.fn.plan(this.fnReq(req)).changes;
    const i = hostingInput(req.target, req.name);
    const types = [...new Set(fnChanges.map((c) => c.type))];
    const seen = req.observed?.hosting;
    const hosting = i ? planHosting(i, seen, types) : seen ? planHostingRemoval(seen) : [];
    return { changes: [...fnChanges, ...hosting] };
  }

  /** The function first (the rewrite needs its service), then the site. */
  async apply(
    ctx: FCtx,
    change: PlannedChange<FirebaseOptions, FirebaseState>,
  ): Promise<ApplyResult<FirebaseState>> {
    const fnChanges = change.changes.filter((c) => !isHosting(c));
    let fnState = change.observed?.function ?? change.recorded?.function;
    let fnResult: ApplyResult<object> | undefined;
    if (!fnState || fnChanges.some((c) => c.action !== "no-op")) {
      fnResult = await this.fn.apply(this.fnCtx(ctx), { ...this.fnReq(change), changes: fnChanges });
      fnState = fnResult.state;
    }
    const state: FirebaseState = {};
    if (fnState) state.function = fnState;
    const i = hostingInput(ctx.target, change.name);
    const ref = siteRef(ctx.target, change.name);
    const site = change.changes.find((c) => c.type === SITE_TYPE);
    const release = change.changes.find((c) => c.type === RELEASE_TYPE);
    const seen = change.observed?.hosting;
    if (i && ref && site && release) {
      state.hosting = await applyHosting(hCtx(ctx), ref, { site, release }, seen, desiredConfig(i));
    } else if (seen) {
      // hosting: was removed from the manifest: the site no longer routes to the function.
      await destroyHosting(hCtx(ctx), seen);
    }
    if (!i && !fnResult && fnState) {
      // Only the site went: the endpoint is the function's own, which its status tells.
      const st = await this.fn.status(this.fnCtx(ctx), fnState);
      return { state, outputs: {}, ...(st.endpoint ? { endpoint: st.endpoint } : {}) };
    }
    return resultOf(state, i?.path, fnResult);
  }

  /**
   * The function half's identity and reach (gcp/cloud-functions'), then one page of the
   * project's Hosting sites: the Hosting API answers for the project with these credentials.
   */
  async whoami(ctx: FCtx): Promise<Identity> {
    if (!this.fn.whoami)
      throw new ProviderError("the function adapter has no whoami", { code: "UNSUPPORTED" });
    const id = await this.fn.whoami(this.fnCtx(ctx));
    if (id.reach && !id.reach.ok) return id;
    const project = opts(ctx.target).project;
    const hosting = await reachBy(async () => {
      await ctx.clients.hosting.api.listSites(project, 1, ctx.signal);
      return `Firebase Hosting answered for project ${project}`;
    });
    return {
      ...id,
      reach: hosting.ok && id.reach ? { ok: true, detail: `${id.reach.detail}; ${hosting.detail}` } : hosting,
    };
  }

  /** Reverse order: the rewrite goes before the function it routes to. */
  async destroy(ctx: FCtx, state: FirebaseState): Promise<void> {
    if (state.hosting) await destroyHosting(hCtx(ctx), state.hosting);
    if (state.function) await this.fn.destroy(this.fnCtx(ctx), state.function);
  }

  async status(ctx: FCtx, state: FirebaseState): Promise<StatusReport> {
    const f: StatusReport = state.function
      ? await this.fn.status(this.fnCtx(ctx), state.function)
      : { health: "missing" };
    const h = state.hosting;
    if (!h) return f;
    const live = await readHosting(hCtx(ctx), { project: h.project, site: h.site, explicit: true });
    const glob = h.release?.config.rewrites[0]?.glob ?? "/";
    const report: StatusReport = { ...f, endpoint: endpointOf(h.url, glob) };
    if (live?.release) report.release = shortVersion(live.release.version);
    if (!live) return { ...report, health: "missing", detail: `Hosting site ${h.site} does not exist` };
    if (!live.release)
      return { ...report, health: "down", detail: `Hosting site ${h.site} serves no release` };
    if (f.health === "ready" && canonicalJson(live.release.config) !== canonicalJson(h.release?.config)) {
      const detail = `Hosting site ${h.site} serves another config than apiship released`;
      return { ...report, health: "partial", detail };
    }
    return report;
  }

  async *logs(ctx: FCtx, state: FirebaseState, query: LogQuery): AsyncIterable<LogEntry> {
    if (state.function && this.fn.logs) yield* this.fn.logs(this.fnCtx(ctx), state.function, query);
  }

  /**
   * Hosting's rewrite follows the service's live traffic, so the code goes back through the
   * function adapter's own rollback; re-releasing the previous Hosting version restores the
   * routing (a new version with the previous config when the site itself changed).
   */
  async rollback(ctx: FCtx, state: FirebaseState, to: FirebaseState): Promise<ApplyResult<FirebaseState>> {
    let fnResult: ApplyResult<object> | undefined;
    if (to.function && this.fn.rollback && state.function)
      fnResult = await this.fn.rollback(this.fnCtx(ctx), state.function, to.function);
    const out: FirebaseState = {};
    const keep = fnResult?.state ?? state.function ?? to.function;
    if (keep) out.function = keep;
    const cur = state.hosting;
    const prev = to.hosting?.release;
    if (cur && prev && cur.release?.version !== prev.version) {
      out.hosting =
        cur.site === to.hosting?.site
          ? await rereleaseVersion(hCtx(ctx), cur, prev)
          : await deployConfig(hCtx(ctx), cur, prev.config, "apiship rollback");
    } else if (cur) out.hosting = cur;
    return resultOf(out, opts(ctx.target).hosting?.path, fnResult);
  }
}

export function composeFirebase(
  fn: FunctionAdapter,
): TargetBehaviour<FirebaseOptions, FirebaseState, FirebaseClients> {
  const c = new Composed(fn);
  const build = fn.build;
  return {
    createClients: (cfg) => c.createClients(cfg),
    ...(build ? { build: (ctx: FCtx, svc: ServiceSpec) => build(c.fnCtx(ctx), svc) } : {}),
    read: (ctx, prior, name) => c.read(ctx, prior, name),
    plan: (req) => c.plan(req),
    apply: (ctx, change) => c.apply(ctx, change),
    destroy: (ctx, state) => c.destroy(ctx, state),
    status: (ctx, state) => c.status(ctx, state),
    rollback: (ctx, state, to) => c.rollback(ctx, state, to),
    whoami: (ctx) => c.whoami(ctx),
    // The function's logs (Cloud Logging, through the gcp adapter); Hosting's rewrite has none.
    ...(fn.logs ? { logs: (ctx: FCtx, state: FirebaseState, q: LogQuery) => c.logs(ctx, state, q) } : {}),
  };
}

/**
 * The literal front of a Hosting rewrite glob, which Hosting forwards to the function unchanged:
 * "/api/**" → "/api", "/v1/*" → "/v1", "/**" → "" (nothing to strip).
 */
export function basePathOf(glob: string): string {
  const wild = glob.search(/[*?[{!(]/);
  const literal = wild < 0 ? glob : glob.slice(0, glob.lastIndexOf("/", wild));
  return literal.replace(/\/+$/, "");
}

/**
 * A portable function behind a rewrite gets the rewrite's prefix as APISHIP_BASE_PATH, so the
 * app sees "/items" for "/api/items" (the entry strips it); the service's own env wins.
 */
function withBasePath(svc: ServiceSpec, t: TargetSpec): ServiceSpec {
  const path = opts(t).hosting?.path;
  if (svc.function?.interface !== "portable" || path === undefined) return svc;
  const base = basePathOf(path);
  if (!base) return svc;
  return { ...svc, env: { APISHIP_BASE_PATH: base, ...svc.env } };
}

const shortVersion = (v: string): string => v.split("/").pop() ?? v;

const hCtx = (ctx: FCtx): HostingCtx => ({ hosting: ctx.clients.hosting, ctx: ctx as Ctx<unknown> });

function siteRef(t: TargetSpec, name: string): SiteRef | undefined {
  const h = opts(t).hosting;
  if (!h) return undefined;
  return { project: opts(t).project, site: siteIdOf(h.site, name), explicit: h.site !== undefined };
}

function hostingInput(t: TargetSpec, name: string): HostingInput | undefined {
  const o = opts(t);
  if (!o.hosting) return undefined;
  const i: HostingInput = { project: o.project, region: o.region, path: o.hosting.path, functionName: name };
  if (o.hosting.site !== undefined) i.site = o.hosting.site;
  return i;
}

function check(req: Req): void {
  if (req.target.options.hosting && req.service.access === "private")
    throw new ProviderError("a Hosting rewrite serves the function publicly", {
      code: "UNSUPPORTED",
      fault: "user",
      target: req.target.name,
      hint: "Hosting invokes the function without credentials: use access: public, or drop `hosting:` to keep the function private",
    });
}

function resultOf(
  state: FirebaseState,
  path: string | undefined,
  fnResult: ApplyResult<object> | undefined,
): ApplyResult<FirebaseState> {
  const outputs: Record<string, string> = { ...fnResult?.outputs };
  const h = state.hosting;
  const r: ApplyResult<FirebaseState> = { state, outputs };
  if (h && path !== undefined) {
    outputs.hostingUrl = h.url;
    r.endpoint = endpointOf(h.url, path);
    if (h.release) {
      outputs.hostingVersion = h.release.version;
      r.release = shortVersion(h.release.version);
    }
    return r;
  }
  if (fnResult?.endpoint) r.endpoint = fnResult.endpoint;
  if (fnResult?.release) r.release = fnResult.release;
  if (fnResult?.privateEndpoint) r.privateEndpoint = true;
  return r;
}
