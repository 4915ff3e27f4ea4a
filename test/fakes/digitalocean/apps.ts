// App Platform in the fake: apps_create/get/list/update/delete, deployments that move through
// their phases as they are read, deployment logs, and rollback. Like the service, it fills in
// spec defaults (instance count, envs' scope and type), encrypts SECRET envs on first
// submission, keeps app names unique in the account, and serves each app's live URL
// (/__apps/<name>/...) so a health check reaches the "containers". A source service is built
// from the head of its branch (git-source.ts); a rollback redeploys the earlier build as it was.

import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import type { App, AppServiceSpec, AppSpec } from "../../../providers/digitalocean/types.js";
import { resolveBuild, sourceCount, unreachableHosted } from "./git-source.js";
import type { DoWorld, FakeApp, FakeDeployment } from "./world.js";

export type Handler = (
  w: DoWorld,
  req: FakeRequest,
  m: RegExpExecArray,
) => FakeResponse | Promise<FakeResponse>;

export const err = (status: number, id: string, message: string): FakeResponse => ({
  status,
  body: { id, message, request_id: "4851a473-1621-42ea-b2f9-5071c0ea8414" },
});
export const notFound = (what: string) => err(404, "not_found", `${what} not found`);

function imageRef(s: AppServiceSpec | undefined): string {
  const i = s?.image;
  if (!i) return "";
  const host =
    i.registry_type === "GHCR" ? "ghcr.io/" : i.registry_type === "DOCR" ? "registry.digitalocean.com/" : "";
  const path = [i.registry, i.repository].filter(Boolean).join("/");
  return `${host}${path}${i.digest ? `@${i.digest}` : `:${i.tag ?? "latest"}`}`;
}

/** Server-side defaults and encryption, as App Platform returns a submitted spec. */
function normalize(w: DoWorld, spec: AppSpec): AppSpec {
  const services = (spec.services ?? []).map((s) => ({
    ...s,
    http_port: s.http_port ?? 8080,
    instance_size_slug: s.instance_size_slug ?? "apps-s-1vcpu-0.5gb",
    ...(s.autoscaling ? {} : { instance_count: s.instance_count ?? 1 }),
    envs: (s.envs ?? []).map((e) => ({
      ...e,
      scope: e.scope ?? "RUN_AND_BUILD_TIME",
      type: e.type ?? "GENERAL",
      ...(e.type === "SECRET" && e.value !== undefined ? { value: w.encrypt(e.value) } : {}),
    })),
  }));
  return { ...spec, services };
}

/** Why App Platform refuses a spec's sources, or undefined. */
function badSources(w: DoWorld, spec: AppSpec): FakeResponse | undefined {
  for (const s of spec.services ?? []) {
    if (sourceCount(s) !== 1)
      return err(
        400,
        "invalid_argument",
        `error validating app spec field "services.${s.name}": exactly one source is required`,
      );
    const denied = unreachableHosted(w, s);
    if (denied) return err(400, "invalid_argument", denied);
  }
  return undefined;
}

function newDeployment(
  w: DoWorld,
  fa: FakeApp,
  spec: AppSpec,
  cause: string,
  from?: FakeDeployment,
): FakeDeployment {
  const svc = spec.services?.[0];
  // A rollback deploys the earlier build again; anything else builds the source's branch head.
  const build = from ? undefined : svc && resolveBuild(w, svc);
  const d: FakeDeployment = {
    id: crypto.randomUUID(),
    cause,
    phase: "PENDING_BUILD",
    spec,
    created_at: new Date().toISOString(),
    progress: { steps: [] },
    reads: 0,
    imageRef: from?.imageRef ?? build?.ref ?? imageRef(svc),
    services: from?.services ?? [
      { name: svc?.name ?? "", ...(build?.ok ? { source_commit_hash: build.commit } : {}) },
    ],
    ...(build && !build.ok ? { buildError: { code: build.code, message: build.message } } : {}),
    ...(from ? { cloned_from: from.id } : {}),
  };
  fa.deployments.push(d);
  fa.app.pending_deployment = strip(d);
  fa.app.in_progress_deployment = strip(d);
  return d;
}

const strip = (d: FakeDeployment) => {
  const { reads: _r, imageRef: _i, buildError: _b, ...rest } = d;
  void _r;
  void _i;
  void _b;
  return rest;
};

const failed = (group: string, step: string, base: string, reason: { code: string; message: string }) => ({
  error_steps: 1,
  steps: [
    {
      name: group,
      status: "ERROR" as const,
      steps: [{ name: step, component_name: "api", message_base: base, status: "ERROR" as const, reason }],
    },
  ],
});

const PHASES = ["PENDING_BUILD", "BUILDING", "PENDING_DEPLOY", "DEPLOYING", "ACTIVE"] as const;

/** One read moves a deployment along; the end is ACTIVE, or ERROR for a failing image. */
function advance(w: DoWorld, fa: FakeApp, d: FakeDeployment): void {
  if (!PHASES.includes(d.phase as (typeof PHASES)[number]) || d.phase === "ACTIVE") return;
  d.reads++;
  if (d.reads % (w.opts.readsPerPhase ?? 1) !== 0) return;
  const next = PHASES[PHASES.indexOf(d.phase as (typeof PHASES)[number]) + 1] ?? "ACTIVE";
  if (next === "PENDING_DEPLOY" && d.buildError) {
    d.phase = "ERROR";
    d.progress = failed("build", "build-api", "Building service", d.buildError);
  } else if (next === "ACTIVE" && w.imageFails(d.imageRef)) {
    d.phase = "ERROR";
    d.progress = failed("deploy", "deploy-api", "Deploying service", {
      code: "DeployContainerExitNonZero",
      message: "Your deploy failed because your container exited with a non-zero exit code.",
    });
  } else d.phase = next;
  if (d.phase === "ACTIVE") {
    for (const o of fa.deployments) if (o !== d && o.phase === "ACTIVE") o.phase = "SUPERSEDED";
    fa.app.active_deployment = strip(d);
    fa.app.live_url = `${w.url}/__apps/${fa.app.spec.name}`;
    fa.app.live_url_base = fa.app.live_url;
  }
  if (d.phase === "ACTIVE" || d.phase === "ERROR") {
    delete fa.app.pending_deployment;
    delete fa.app.in_progress_deployment;
  } else fa.app.in_progress_deployment = strip(d);
}

function body(req: FakeRequest): { spec?: AppSpec; deployment_id?: string; skip_pin?: boolean } {
  return (req.json ?? {}) as { spec?: AppSpec };
}

const appOf = (w: DoWorld, id: string) =>
  w.apps.get(id) ?? [...w.apps.values()].find((a) => a.app.spec.name === id);

const create: Handler = (w, req) => {
  const spec = body(req).spec as AppSpec;
  if (w.findAppByName(spec.name))
    return err(409, "conflict", `an app with the name ${spec.name} already exists`);
  const bad = badSources(w, spec);
  if (bad) return bad;
  const app: App = {
    id: w.uuid(),
    spec: normalize(w, spec),
    region: { slug: spec.region ?? "nyc" },
    default_ingress: "",
  };
  const fa: FakeApp = { app, deployments: [] };
  w.apps.set(app.id, fa);
  newDeployment(w, fa, app.spec, "initial deployment");
  return { status: 200, body: { app } };
};

const update: Handler = (w, req, m) => {
  const fa = appOf(w, m[1] as string);
  if (!fa) return notFound("app");
  if (fa.pinned)
    return err(400, "bad_request", "app is pinned to a rollback deployment; commit or revert it first");
  const spec = body(req).spec as AppSpec;
  if (spec.name !== fa.app.spec.name && w.findAppByName(spec.name)) return err(409, "conflict", "name taken");
  const bad = badSources(w, spec);
  if (bad) return bad;
  fa.app.spec = normalize(w, spec);
  newDeployment(w, fa, fa.app.spec, "app spec updated");
  return { status: 200, body: { app: fa.app } };
};

const rollback: Handler = (w, req, m) => {
  const fa = appOf(w, m[1] as string);
  if (!fa) return notFound("app");
  const b = body(req);
  const to = fa.deployments.find((d) => d.id === b.deployment_id);
  if (!to || !["ACTIVE", "SUPERSEDED"].includes(to.phase ?? ""))
    return err(400, "bad_request", "deployment cannot be rolled back to");
  fa.app.spec = to.spec as AppSpec;
  const d = newDeployment(w, fa, fa.app.spec, "manual rollback", to);
  if (b.skip_pin !== true) fa.pinned = d.id;
  return { status: 200, body: { deployment: strip(d) } };
};

// apps_create_deployment: the same spec, built again from the source's current head.
const deploy: Handler = (w, _req, m) => {
  const fa = appOf(w, m[1] as string);
  if (!fa) return notFound("app");
  if (fa.pinned)
    return err(400, "bad_request", "app is pinned to a rollback deployment; commit or revert it first");
  const d = newDeployment(w, fa, fa.app.spec, "manual");
  return { status: 200, body: { deployment: strip(d) } };
};

const logs: Handler = (w, _req, m) => {
  const fa = appOf(w, m[1] as string);
  if (!fa?.deployments.some((d) => d.id === m[2])) return notFound("deployment");
  const url = `${w.url}/__logs/${m[2]}/${m[3]}.log`;
  return { status: 200, body: { live_url: url.replace(/^http/, "ws"), historic_urls: [url] } };
};

/**
 * Lines the app's component printed while running, as App Platform's log archive serves them:
 * "<component> <RFC3339 with nanoseconds> <text>" (`at` undefined: a line without the stamp).
 */
export function writeRunLog(
  w: DoWorld,
  appId: string,
  component: string,
  lines: { at?: number; text: string }[],
): void {
  const key = `${appId}/${component}`;
  const stamp = (at: number) => new Date(at).toISOString().replace("Z", "123456Z");
  const out = w.runLogs.get(key) ?? [];
  for (const l of lines) out.push(l.at === undefined ? l.text : `${component} ${stamp(l.at)} ${l.text}`);
  w.runLogs.set(key, out);
}

/** Lines per historic URL of the fake's run log: a long log is several files, as archives are. */
export const RUN_LOG_CHUNK = 100;
const LOG_TYPES = new Set(["BUILD", "DEPLOY", "RUN", "RUN_RESTARTED"]);

// apps_get_logs_active_deployment: the active deployment's logs of one component. RUN with
// follow=false answers historic URLs (one per RUN_LOG_CHUNK lines); follow=true only the
// websocket live_url, which the fake does not serve.
const activeLogs: Handler = (w, req, m) => {
  const fa = appOf(w, m[1] as string);
  if (!fa) return notFound("app");
  const type = req.query.get("type") ?? "UNSPECIFIED";
  if (!LOG_TYPES.has(type)) return err(400, "bad_request", `invalid log type ${type}`);
  if (!fa.app.active_deployment) return notFound("active deployment");
  const base = `${w.url}/__runlogs/${m[1]}/${m[2]}`;
  const live_url = `${base.replace(/^http/, "ws")}/live`;
  if (req.query.get("follow") === "true") return { status: 200, body: { live_url } };
  const lines = type === "RUN" ? (w.runLogs.get(`${m[1]}/${m[2]}`) ?? []) : [];
  const n = Math.max(1, Math.ceil(lines.length / RUN_LOG_CHUNK));
  return {
    status: 200,
    body: { live_url, historic_urls: Array.from({ length: n }, (_, i) => `${base}/${i}.log`) },
  };
};

/** A historic URL of the run log: its chunk of lines, plain text. */
export function serveRunLog(w: DoWorld, req: FakeRequest): FakeResponse | undefined {
  const m = /^\/__runlogs\/([^/]+)\/([^/]+)\/(\d+)\.log$/.exec(req.path);
  if (!m || req.method !== "GET") return undefined;
  const i = Number(m[3]);
  const lines = (w.runLogs.get(`${m[1]}/${m[2]}`) ?? []).slice(i * RUN_LOG_CHUNK, (i + 1) * RUN_LOG_CHUNK);
  return {
    status: 200,
    headers: { "content-type": "text/plain" },
    body: lines.map((l) => `${l}\n`).join(""),
  };
}

export const APP_ROUTES: [string, RegExp, Handler][] = [
  [
    "GET",
    /^\/v2\/apps$/,
    (w, req) => {
      const all = [...w.apps.values()].map((a) => a.app);
      const per = Number(req.query.get("per_page") ?? 20);
      const page = Number(req.query.get("page") ?? 1);
      const apps = all.slice((page - 1) * per, page * per);
      const next =
        page * per < all.length ? { next: `${w.url}/v2/apps?page=${page + 1}&per_page=${per}` } : {};
      return { status: 200, body: { apps, links: { pages: next }, meta: { total: all.length } } };
    },
  ],
  ["POST", /^\/v2\/apps$/, create],
  [
    "GET",
    /^\/v2\/apps\/([^/]+)$/,
    (w, _r, m) => {
      const fa = appOf(w, m[1] as string);
      return fa ? { status: 200, body: { app: fa.app } } : notFound("app");
    },
  ],
  ["PUT", /^\/v2\/apps\/([^/]+)$/, update],
  [
    "DELETE",
    /^\/v2\/apps\/([^/]+)$/,
    (w, _r, m) => {
      const fa = appOf(w, m[1] as string);
      if (!fa) return notFound("app");
      w.apps.delete(fa.app.id);
      return { status: 200, body: { id: fa.app.id } };
    },
  ],
  [
    "GET",
    /^\/v2\/apps\/([^/]+)\/deployments\/([^/]+)$/,
    (w, _r, m) => {
      const fa = appOf(w, m[1] as string);
      const d = fa?.deployments.find((x) => x.id === m[2]);
      if (!fa || !d) return notFound("deployment");
      advance(w, fa, d);
      return { status: 200, body: { deployment: strip(d) } };
    },
  ],
  ["POST", /^\/v2\/apps\/([^/]+)\/deployments$/, deploy],
  ["GET", /^\/v2\/apps\/([^/]+)\/deployments\/([^/]+)\/components\/([^/]+)\/logs$/, logs],
  ["GET", /^\/v2\/apps\/([^/]+)\/components\/([^/]+)\/logs$/, activeLogs],
  ["POST", /^\/v2\/apps\/([^/]+)\/rollback$/, rollback],
];

/** The app's live URL: 200 while its active deployment runs a healthy image. */
export function serveLive(w: DoWorld, req: FakeRequest): FakeResponse | undefined {
  const m = /^\/__apps\/([^/]+)(\/.*)?$/.exec(req.path);
  if (!m) return undefined;
  const fa = w.findAppByName(m[1] as string);
  const active = fa?.deployments.find((d) => d.phase === "ACTIVE");
  if (!active) return { status: 404, body: "no active deployment" };
  if (w.imageUnhealthy(active.imageRef)) return { status: 503, body: "unhealthy" };
  return { status: 200, body: { ok: true, image: active.imageRef } };
}
