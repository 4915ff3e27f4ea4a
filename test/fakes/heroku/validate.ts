// Request-body validation for the Heroku fake, against the official JSON hyper-schema
// (platform-api.schema.json beside this file): each link's `schema` checks the body sent to its
// method and href. A small draft-04 subset: $ref, type, required, enum, pattern, properties,
// additionalProperties, patternProperties, strictProperties (Heroku's own: no other keys),
// items, anyOf. That is everything the schema's request bodies use.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

type Json = Record<string, unknown>;

interface Link {
  method: string;
  href: string;
  title: string;
  schema?: Json;
}

interface Route {
  method: string;
  re: RegExp;
  title: string;
  definition: string;
  schema?: Json;
}

// Beside this file; or, when the fake is bundled for a benchmark into
// node_modules/.cache/apiship-bench, three levels up in the repository.
const HERE = dirname(fileURLToPath(import.meta.url));
const SCHEMA_FILE = [
  join(HERE, "platform-api.schema.json"),
  join(HERE, "../../../test/fakes/heroku/platform-api.schema.json"),
].find((f) => existsSync(f));
const SCHEMA = JSON.parse(readFileSync(SCHEMA_FILE ?? "platform-api.schema.json", "utf8")) as {
  definitions: Record<string, Json & { links?: Link[] }>;
};

/**
 * Fields the schema does not list that the API accepts under a variant of its media type (the
 * Accept header's `version=3.<variant>`). An image release is `docker_image` in a formation
 * update, accepted only under `version=3.docker-releases` (Heroku's Dev Center, and what the
 * CLI's `container:release` sends); under plain version 3 the schema's closed formation update
 * refuses it. Nothing else is let through.
 */
const VARIANTS: Record<string, Record<string, Json>> = {
  "docker-releases": {
    "formation.update": { docker_image: { type: ["string"], pattern: "^sha256:[0-9a-f]{64}$" } },
  },
};

type Extensions = Record<string, Json>;

function routeRegex(href: string): RegExp {
  const parts = href.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[^/]+")}$`);
}

const ROUTES: Route[] = Object.entries(SCHEMA.definitions).flatMap(([definition, d]) =>
  (d.links ?? []).map((l) => ({
    method: l.method,
    re: routeRegex(l.href),
    title: l.title,
    definition,
    ...(l.schema ? { schema: l.schema } : {}),
  })),
);

function resolve(ref: string, ext: Extensions): Json {
  // "#/definitions/formation/definitions/update"; the schema's formation refers to
  // "dyno_size", which only exists as "dyno-size" (an upstream defect, SOURCES.md).
  const path = ref.replace(/^#\//, "").split("/");
  let cur: unknown = SCHEMA;
  for (const [i, seg] of path.entries()) {
    const key = i === 1 && seg === "dyno_size" ? "dyno-size" : seg;
    cur = (cur as Json | undefined)?.[key];
  }
  if (cur === undefined) throw new Error(`schema has no ${ref}`);
  let out = cur as Json;
  const more = ext[path.filter((_, i) => i % 2 === 1).join(".")];
  if (more) out = { ...out, properties: { ...(out.properties as Json), ...more } };
  return out;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(want: unknown, got: string): boolean {
  const list = Array.isArray(want) ? (want as string[]) : [want as string];
  return list.includes(got) || (got === "integer" && list.includes("number"));
}

function checkObject(s: Json, v: Json, at: string, out: string[], ext: Extensions): void {
  for (const r of (s.required as string[] | undefined) ?? []) {
    if (!(r in v)) out.push(`${at}: ${r} is required`);
  }
  const props = (s.properties as Record<string, Json> | undefined) ?? {};
  const patterns = Object.entries((s.patternProperties as Record<string, Json> | undefined) ?? {});
  const closed = s.additionalProperties === false || s.strictProperties === true;
  for (const [k, val] of Object.entries(v)) {
    const p = props[k];
    if (p) {
      check(p, val, `${at}.${k}`, out, ext);
      continue;
    }
    const pp = patterns.find(([re]) => new RegExp(re).test(k));
    if (pp) check(pp[1], val, `${at}.${k}`, out, ext);
    else if (closed) out.push(`${at}: ${k} is not a known property`);
  }
}

function check(schema: Json, v: unknown, at: string, out: string[], ext: Extensions): void {
  const s =
    typeof schema.$ref === "string" ? { ...resolve(schema.$ref, ext), ...schema, $ref: undefined } : schema;
  if (typeof s.$ref === "string") return check(s, v, at, out, ext);
  if (Array.isArray(s.anyOf)) {
    const ok = (s.anyOf as Json[]).some((alt) => {
      const errs: string[] = [];
      check(alt, v, at, errs, ext);
      return errs.length === 0;
    });
    if (!ok) out.push(`${at}: matches none of the allowed forms`);
    return;
  }
  const got = typeOf(v);
  if (s.type !== undefined && !typeMatches(s.type, got)) {
    out.push(`${at}: expected ${JSON.stringify(s.type)}, got ${got}`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.includes(v))
    out.push(`${at}: ${JSON.stringify(v)} is not one of ${s.enum.join(", ")}`);
  if (typeof s.pattern === "string" && typeof v === "string" && !new RegExp(s.pattern).test(v))
    out.push(`${at}: ${JSON.stringify(v)} does not match ${s.pattern}`);
  if (got === "object") checkObject(s, v as Json, at, out, ext);
  if (got === "array" && s.items)
    (v as unknown[]).forEach((x, i) => check(s.items as Json, x, `${at}[${i}]`, out, ext));
}

export interface Validation {
  /** The schema link the request matched ("app Create"), or undefined for an unknown route. */
  link?: string;
  errors: string[];
}

/**
 * Validates a request body against the schema link of its method and path, under the media
 * type variant the request's Accept header names ("docker-releases"), if any.
 */
export function validateRequest(method: string, path: string, body: unknown, variant?: string): Validation {
  const ext = (variant !== undefined ? VARIANTS[variant] : undefined) ?? {};
  const candidates = ROUTES.filter((r) => r.method === method && r.re.test(path));
  if (candidates.length === 0) return { errors: [] };
  // Two links share POST /apps/{app}/releases (Create and Rollback): the body decides.
  const results = candidates.map((r) => {
    const errors: string[] = [];
    if (r.schema) check(r.schema, body ?? {}, "body", errors, ext);
    return { link: `${r.definition} ${r.title}`, errors };
  });
  return results.find((r) => r.errors.length === 0) ?? (results[0] as Validation);
}
