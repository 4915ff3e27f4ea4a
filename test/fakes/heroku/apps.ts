// Routes of the Heroku fake for apps, config vars, formation, releases and dynos. Error bodies
// are the Platform API's ({"id": "not_found", "message": ...}) with its status codes.

import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import type { FakeApp, FakeRelease, HerokuWorld } from "./world.js";
import { REGIONS, STACKS } from "./world.js";

type Json = Record<string, unknown>;
export type Handler = (w: HerokuWorld, req: FakeRequest, m: string[]) => FakeResponse;

export const err = (status: number, id: string, message: string): FakeResponse => ({
  status,
  body: { id, message },
});
const ok = (body: object, status = 200): FakeResponse => ({ status, body });
const body = (req: FakeRequest): Json => (req.json ?? {}) as Json;

/** The app by name or id; 403 for a name another account holds, 404 for none. */
export function findApp(w: HerokuWorld, ident: string): FakeApp | FakeResponse {
  const fa = w.apps.get(ident) ?? [...w.apps.values()].find((a) => a.app.id === ident);
  if (fa) return fa;
  if (w.taken.has(ident)) return err(403, "forbidden", `You do not have access to the app ${ident}.`);
  return err(404, "not_found", "Couldn't find that app.");
}

const isApp = (x: FakeApp | FakeResponse): x is FakeApp => "app" in x;

function withApp(fn: (w: HerokuWorld, fa: FakeApp, req: FakeRequest, m: string[]) => FakeResponse): Handler {
  return (w, req, m) => {
    const fa = findApp(w, m[1] as string);
    return isApp(fa) ? fn(w, fa, req, m) : fa;
  };
}

function createApp(w: HerokuWorld, req: FakeRequest, team: string | null): FakeResponse {
  const b = body(req);
  const name = typeof b.name === "string" ? b.name : `apiship-fake-${w.apps.size + w.taken.size + 1}`;
  if (w.apps.has(name) || w.taken.has(name))
    return err(422, "invalid_params", `Name ${name} is already taken`);
  const region = typeof b.region === "string" ? b.region : "us";
  if (!REGIONS.includes(region)) return err(422, "invalid_params", `Couldn't find that region: ${region}.`);
  const stack = typeof b.stack === "string" ? b.stack : "heroku-24";
  if (!STACKS.includes(stack)) return err(422, "invalid_params", `Couldn't find that stack: ${stack}.`);
  return ok(w.createApp(name, region, stack, team).app, 201);
}

function updateApp(w: HerokuWorld, fa: FakeApp, req: FakeRequest): FakeResponse {
  const b = body(req);
  if (typeof b.build_stack === "string") {
    if (!STACKS.includes(b.build_stack)) return err(422, "invalid_params", "Couldn't find that stack.");
    fa.app.build_stack = { id: `stack-${b.build_stack}`, name: b.build_stack };
  }
  if (typeof b.maintenance === "boolean") fa.app.maintenance = b.maintenance;
  fa.app.updated_at = new Date().toISOString();
  return ok(fa.app);
}

function updateConfig(w: HerokuWorld, fa: FakeApp, req: FakeRequest): FakeResponse {
  const set: string[] = [];
  const removed: string[] = [];
  for (const [k, v] of Object.entries(body(req))) {
    if (v === null) {
      if (k in fa.config) removed.push(k);
      delete fa.config[k];
    } else if (fa.config[k] !== v) {
      fa.config[k] = String(v);
      set.push(k);
    }
  }
  if (set.length > 0) w.addRelease(fa, `Set ${set.join(", ")} config vars`, {});
  if (removed.length > 0) w.addRelease(fa, `Remove ${removed.join(", ")} config vars`, {});
  return ok(fa.config);
}

/** dyno_size is {name} or {id} in the schema; ids are "size-<name>" here. */
function sizeOf(u: Json): string | undefined {
  const d = u.dyno_size as { id?: string; name?: string } | undefined;
  return d?.name ?? d?.id?.replace(/^size-/, "");
}

function updateFormation(w: HerokuWorld, fa: FakeApp, req: FakeRequest): FakeResponse {
  const updates = (body(req).updates ?? []) as Json[];
  // Check every update before changing anything: the batch is all or nothing.
  for (const u of updates) {
    const image = u.docker_image;
    if (typeof image === "string" && !w.registry.get(fa.app.name)?.has(image))
      return err(
        404,
        "not_found",
        `Couldn't find that docker image: registry.heroku.com/${fa.app.name}/${String(u.type)}`,
      );
    if (image === undefined && !fa.formation.has(String(u.type)))
      return err(404, "not_found", `Couldn't find that process type (${String(u.type)}).`);
    const wanted = sizeOf(u);
    if (wanted !== undefined && !w.sizeName(wanted))
      return err(422, "invalid_params", `No such size as ${wanted}. Use eco, basic, standard-1x, ...`);
    const size = wanted ?? fa.formation.get(String(u.type))?.dyno_size.name;
    const qty =
      typeof u.quantity === "number" ? u.quantity : (fa.formation.get(String(u.type))?.quantity ?? 1);
    if (/^(eco|basic)$/i.test(size ?? "") && qty > 1)
      return err(422, "invalid_params", `Cannot update to more than 1 ${size} size dynos per process type.`);
  }
  for (const u of updates) {
    const type = String(u.type);
    if (typeof u.docker_image === "string") {
      const short = u.docker_image.slice("sha256:".length, "sha256:".length + 12);
      w.addRelease(
        fa,
        `Deployed ${type} (${short})`,
        { image: u.docker_image },
        w.opts.releasePendingReads ?? 1,
      );
    }
    const f = fa.formation.get(type);
    if (!f) continue;
    if (typeof u.quantity === "number") f.quantity = u.quantity;
    const wanted = sizeOf(u);
    if (wanted !== undefined) {
      const name = w.sizeName(wanted) as string;
      f.dyno_size = { id: `size-${name.toLowerCase()}`, name };
      f.size = name;
    }
    f.updated_at = new Date().toISOString();
  }
  return ok([...fa.formation.values()]);
}

/** `Range: version ..; order=desc, max=10`, the Platform API's paging header. */
function ranged(releases: FakeRelease[], range: string | undefined): FakeRelease[] {
  const desc = /order=desc/.test(range ?? "");
  const max = Number(/max=(\d+)/.exec(range ?? "")?.[1] ?? 200);
  return (desc ? [...releases].reverse() : releases).slice(0, max);
}

function publicRelease(w: HerokuWorld, r: FakeRelease): Json {
  w.settle(r, r.fail);
  const { image: _i, slugId: _s, config: _c, pendingReads: _p, fail: _f, ...pub } = r;
  return pub;
}

function findRelease(fa: FakeApp, ident: string): FakeRelease | undefined {
  return fa.releases.find((r) => r.id === ident || String(r.version) === ident);
}

function createRelease(w: HerokuWorld, fa: FakeApp, req: FakeRequest): FakeResponse {
  const b = body(req);
  if (typeof b.release === "string") {
    const to = findRelease(fa, b.release);
    if (!to) return err(404, "not_found", "Couldn't find that release.");
    if (to.image === undefined && to.slugId === undefined)
      return err(422, "invalid_params", `Release v${to.version} has no slug or image to roll back to.`);
    fa.config = { ...to.config };
    const what = to.image !== undefined ? { image: to.image } : { slugId: to.slugId as string };
    return ok(publicRelease(w, w.addRelease(fa, `Rollback to v${to.version}`, what)), 201);
  }
  return ok(
    publicRelease(w, w.addRelease(fa, String(b.description ?? "Deploy"), { slugId: String(b.slug) })),
    201,
  );
}

const A = "/apps/([^/]+)";
export const APP_ROUTES: [string, RegExp, Handler][] = [
  ["POST", /^\/apps$/, (w, req) => createApp(w, req, null)],
  ["POST", /^\/teams\/apps$/, (w, req) => createApp(w, req, String(body(req).team ?? "") || null)],
  ["GET", new RegExp(`^${A}$`), withApp((_w, fa) => ok(fa.app))],
  ["PATCH", new RegExp(`^${A}$`), withApp(updateApp)],
  [
    "DELETE",
    new RegExp(`^${A}$`),
    withApp((w, fa) => {
      w.apps.delete(fa.app.name);
      return ok(fa.app);
    }),
  ],
  ["GET", new RegExp(`^${A}/config-vars$`), withApp((_w, fa) => ok(fa.config))],
  ["PATCH", new RegExp(`^${A}/config-vars$`), withApp(updateConfig)],
  ["GET", new RegExp(`^${A}/formation$`), withApp((_w, fa) => ok([...fa.formation.values()]))],
  [
    "GET",
    new RegExp(`^${A}/formation/([^/]+)$`),
    withApp((_w, fa, _r, m) => {
      const f = fa.formation.get(m[2] as string);
      return f ? ok(f) : err(404, "not_found", "Couldn't find that formation.");
    }),
  ],
  ["PATCH", new RegExp(`^${A}/formation$`), withApp(updateFormation)],
  [
    "GET",
    new RegExp(`^${A}/releases$`),
    withApp((w, fa, req) => ok(ranged(fa.releases, req.headers.range).map((r) => publicRelease(w, r)))),
  ],
  [
    "GET",
    new RegExp(`^${A}/releases/([^/]+)$`),
    withApp((w, fa, _r, m) => {
      const r = findRelease(fa, m[2] as string);
      return r ? ok(publicRelease(w, r)) : err(404, "not_found", "Couldn't find that release.");
    }),
  ],
  ["POST", new RegExp(`^${A}/releases$`), withApp(createRelease)],
  ["GET", new RegExp(`^${A}/dynos$`), withApp((w, fa) => ok(w.dynosOf(fa)))],
];
