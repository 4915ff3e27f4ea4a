// Functions in the fake: the namespaces of the DigitalOcean API (functions_*), and the
// namespace API host (OpenWhisk's actions API and web actions) on the same server: every
// namespace's api_host is the fake's own URL, so the target's endpoint override covers both.

import { createHash } from "node:crypto";
import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import type { WhiskAction } from "../../../providers/digitalocean/types.js";
import { err, notFound } from "./apps.js";
import type { Handler } from "./apps.js";
import type { DoWorld, FakeActivation, FakeNamespace } from "./world.js";

// The runtimes DigitalOcean Functions runs (docs: products/functions/reference/runtimes).
const KINDS = new Set([
  "nodejs:18",
  "nodejs:20",
  "python:3.11",
  "python:3.9",
  "go:1.20",
  "php:8.2",
  "nodejs:default",
  "python:default",
]);

// The API addresses a namespace by its `namespace` field, "fn-<uuid>" (the OpenAPI's
// namespace_id example, and what godo and doctl send), never by its bare `uuid`: a request
// with the uuid finds nothing. The world keys namespaces by that id.
const nsById = (w: DoWorld, id: string) => w.namespaces.get(id);
const nsByName = nsById;

function validateAction(a: WhiskAction): string | undefined {
  if (!a?.exec || typeof a.exec.kind !== "string") return "exec.kind is required";
  if (!KINDS.has(a.exec.kind)) return `the runtime ${a.exec.kind} is not supported`;
  if (typeof a.exec.code !== "string" || a.exec.code === "") return "exec.code is required";
  if (a.exec.binary && !/^[A-Za-z0-9+/]+=*$/.test(a.exec.code)) return "exec.code is not base64";
  const mem = a.limits?.memory;
  if (mem !== undefined && (mem < 128 || mem > 1024)) return "limits.memory must be 128-1024";
  const t = a.limits?.timeout;
  if (t !== undefined && (t < 100 || t > 900_000)) return "limits.timeout must be 100-900000";
  return undefined;
}

function view(ns: FakeNamespace, name: string, code: boolean): WhiskAction | undefined {
  const a = ns.actions.get(name);
  if (!a) return undefined;
  const { codeSha256: _c, updated: _u, ...rest } = a;
  void _c;
  void _u;
  return code ? rest : { ...rest, exec: { ...rest.exec, code: undefined } as WhiskAction["exec"] };
}

export const FUNCTION_ROUTES: [string, RegExp, Handler][] = [
  [
    "GET",
    /^\/v2\/functions\/namespaces$/,
    (w) => ({ status: 200, body: { namespaces: [...w.namespaces.values()].map((n) => n.info) } }),
  ],
  [
    "POST",
    /^\/v2\/functions\/namespaces$/,
    (w, req) => {
      const b = req.json as { region: string; label: string };
      if ([...w.namespaces.values()].some((n) => n.info.label === b.label))
        return err(422, "unprocessable_entity", `a namespace labelled ${b.label} already exists`);
      const uuid = w.uuid();
      const info = {
        api_host: w.url,
        namespace: `fn-${uuid}`,
        label: b.label,
        region: b.region,
        uuid,
        key: createHash("sha256").update(uuid).digest("hex").slice(0, 64),
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      };
      w.namespaces.set(info.namespace, { info, actions: new Map() });
      return { status: 200, body: { namespace: info } };
    },
  ],
  [
    "GET",
    /^\/v2\/functions\/namespaces\/([^/]+)$/,
    (w, _r, m) => {
      const ns = nsById(w, m[1] as string);
      return ns
        ? { status: 200, body: { namespace: ns.info } }
        : err(404, "not_found", "namespace not found");
    },
  ],
  [
    "DELETE",
    /^\/v2\/functions\/namespaces\/([^/]+)$/,
    (w, _r, m) => {
      if (!w.namespaces.delete(m[1] as string)) return err(404, "not_found", "namespace not found");
      return { status: 204 };
    },
  ],
];

/**
 * An activation of `name` in the namespace `nsId`, as the action's run would leave it: each line
 * stamped as OpenWhisk stamps them (nanoseconds), on stdout unless `stderr`.
 */
export function writeActivation(
  w: DoWorld,
  nsId: string,
  a: { name: string; start: number; lines: { at: number; text: string; stderr?: boolean }[] },
): FakeActivation {
  const ns = w.namespaces.get(nsId);
  if (!ns) throw new Error(`no namespace ${nsId}`);
  const stamp = (at: number) => new Date(at).toISOString().replace("Z", "123456Z");
  const act: FakeActivation = {
    activationId: w.uuid().replace(/-/g, ""),
    name: a.name,
    namespace: ns.info.namespace,
    start: a.start,
    end: Math.max(a.start, ...a.lines.map((l) => l.at)),
    logs: a.lines.map((l) => `${stamp(l.at)} ${l.stderr ? "stderr" : "stdout"}: ${l.text}`),
  };
  (ns.activations ??= []).push(act);
  ns.activations.sort((x, y) => x.start - y.start);
  return act;
}

const ACTIVATION_LIMIT = 200;

/**
 * GET /api/v1/namespaces/{ns}/activations as OpenWhisk serves it: newest first, `limit` (default
 * 30, at most 200, more is refused), `skip`, `since`/`upto` on the start time in epoch ms,
 * `name` of the action; `docs=true` includes each activation's `logs`, without it they are left
 * out, as the real list does.
 */
function listActivations(ns: FakeNamespace, q: URLSearchParams): FakeResponse {
  const num = (k: string) => (q.has(k) ? Number(q.get(k)) : undefined);
  const limit = num("limit") ?? 30;
  if (!Number.isInteger(limit) || limit < 0 || limit > ACTIVATION_LIMIT)
    return { status: 400, body: { error: `The value '${q.get("limit")}' is not in the range of 0 to 200.` } };
  const skip = num("skip") ?? 0;
  const since = num("since");
  const upto = num("upto");
  const name = q.get("name");
  const docs = q.get("docs") === "true";
  const list = [...(ns.activations ?? [])]
    .reverse()
    .filter(
      (a) =>
        (name === null || a.name === name) &&
        (since === undefined || a.start >= since) &&
        (upto === undefined || a.start <= upto),
    )
    .slice(skip, skip + (limit === 0 ? ACTIVATION_LIMIT : limit))
    .map(({ logs, ...a }) => (docs ? { ...a, logs } : a));
  return { status: 200, body: list };
}

/** The namespace API host: /api/v1/namespaces/{ns}/actions/{name} and /api/v1/web/{ns}/default/{name}. */
export function serveHost(w: DoWorld, req: FakeRequest): FakeResponse | undefined {
  const acts = /^\/api\/v1\/namespaces\/([^/]+)\/activations$/.exec(req.path);
  if (acts && req.method === "GET") {
    const ns = nsByName(w, acts[1] as string);
    return ns
      ? listActivations(ns, req.query)
      : {
          status: 403,
          body: { error: "The supplied authentication is not authorized to access this resource." },
        };
  }
  const web = /^\/api\/v1\/web\/([^/]+)\/default\/([^/]+)(\/.*)?$/.exec(req.path);
  if (web) {
    const a = nsByName(w, web[1] as string)?.actions.get(web[2] as string);
    const exported = a?.annotations?.some((k) => k.key === "web-export" && k.value === true);
    if (!a || !exported) return { status: 404, body: { error: "The requested resource does not exist." } };
    if ((w.opts.failingCode ?? []).includes(a.codeSha256))
      return { status: 502, body: { error: "The action did not produce a valid response." } };
    return { status: 200, body: { ok: true, version: a.version } };
  }
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/actions\/([^/]+)$/.exec(req.path);
  if (!m) return undefined;
  const ns = nsByName(w, m[1] as string);
  if (!ns)
    return {
      status: 403,
      body: { error: "The supplied authentication is not authorized to access this resource." },
    };
  const name = m[2] as string;
  if (req.method === "GET") {
    const a = view(ns, name, req.query.get("code") !== "false");
    return a
      ? { status: 200, body: a }
      : { status: 404, body: { error: "The requested resource does not exist." } };
  }
  if (req.method === "DELETE") {
    const a = view(ns, name, false);
    if (!a) return { status: 404, body: { error: "The requested resource does not exist." } };
    ns.actions.delete(name);
    return { status: 200, body: a };
  }
  if (req.method !== "PUT") return notFound("route");
  const body = req.json as WhiskAction;
  const bad = validateAction(body);
  if (bad) return { status: 400, body: { error: bad } };
  const prior = ns.actions.get(name);
  if (prior && req.query.get("overwrite") !== "true")
    return { status: 409, body: { error: "resource already exists" } };
  const n = prior ? Number(prior.version?.split(".")[2] ?? 0) + 1 : 0;
  const codeSha256 = createHash("sha256")
    .update(Buffer.from(body.exec.code ?? "", "base64"))
    .digest("hex");
  ns.actions.set(name, {
    ...body,
    namespace: ns.info.namespace,
    name,
    version: `0.0.${n}`,
    codeSha256,
    updated: Date.now(),
  });
  return { status: 200, body: view(ns, name, false) ?? {} };
}
