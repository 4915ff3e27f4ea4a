// Request-body validation for the DigitalOcean fake, against the official OpenAPI (openapi.json
// beside this file, extracted by extract-openapi.mjs): the body of each operation is checked
// against its requestBody schema. An OpenAPI 3.0 subset: $ref, allOf, oneOf, anyOf, type,
// nullable, enum, required, properties, additionalProperties: false, items, pattern,
// minLength/maxLength, minimum/maximum. That is every keyword the request schemas here use.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

type Json = Record<string, unknown>;

interface Operation {
  operationId: string;
  schema?: Json;
}

const SPEC = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "openapi.json"), "utf8"),
) as {
  paths: Record<string, Record<string, Operation>>;
  schemas: Record<string, Json>;
};

interface Route {
  method: string;
  re: RegExp;
  template: string;
  op: Operation;
}

const ROUTES: Route[] = Object.entries(SPEC.paths)
  .flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const parts = template.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
      return { method, template, op, re: new RegExp(`^${parts.join("[^/]+")}$`) };
    }),
  )
  // Literal paths first: /v2/droplets/actions is not /v2/droplets/{droplet_id}.
  .sort((a, b) => ((b.template.match(/\{/g)?.length ?? 0) < (a.template.match(/\{/g)?.length ?? 0) ? 1 : -1));

export function schemaNamed(name: string): Json {
  const s = SPEC.schemas[name];
  if (!s) throw new Error(`openapi.json has no schema ${name}`);
  return s;
}

function deref(s: Json): Json {
  const ref = s.$ref;
  if (typeof ref !== "string") return s;
  return deref(schemaNamed(ref.replace("#/components/schemas/", "")));
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function errorsOf(s: Json, v: unknown, at: string): string[] {
  const out: string[] = [];
  check(s, v, at, out);
  return out;
}

function checkObject(s: Json, v: Json, at: string, out: string[]): void {
  for (const r of (s.required as string[] | undefined) ?? [])
    if (!(r in v)) out.push(`${at}: ${r} is required`);
  const props = (s.properties as Record<string, Json> | undefined) ?? {};
  for (const [k, x] of Object.entries(v)) {
    const p = props[k];
    if (p) check(p, x, `${at}.${k}`, out);
    else if (s.additionalProperties === false) out.push(`${at}: ${k} is not a known property`);
    else if (typeof s.additionalProperties === "object")
      check(s.additionalProperties as Json, x, `${at}.${k}`, out);
  }
}

function checkScalar(s: Json, v: unknown, at: string, out: string[]): void {
  if (Array.isArray(s.enum) && !s.enum.includes(v))
    out.push(`${at}: ${JSON.stringify(v)} is not one of ${s.enum.join(", ")}`);
  if (typeof v === "string") {
    if (typeof s.pattern === "string" && !new RegExp(s.pattern).test(v))
      out.push(`${at}: ${JSON.stringify(v)} does not match ${s.pattern}`);
    if (typeof s.maxLength === "number" && v.length > s.maxLength)
      out.push(`${at}: longer than ${s.maxLength}`);
    if (typeof s.minLength === "number" && v.length < s.minLength)
      out.push(`${at}: shorter than ${s.minLength}`);
  }
  if (typeof v === "number") {
    if (typeof s.minimum === "number" && v < s.minimum) out.push(`${at}: ${v} is below ${s.minimum}`);
    if (typeof s.maximum === "number" && v > s.maximum) out.push(`${at}: ${v} is above ${s.maximum}`);
  }
}

function check(schema: Json, v: unknown, at: string, out: string[]): void {
  const s = deref(schema);
  if (v === null && s.nullable === true) return;
  for (const part of (s.allOf as Json[] | undefined) ?? []) check(part, v, at, out);
  if (Array.isArray(s.anyOf) && !(s.anyOf as Json[]).some((alt) => errorsOf(alt, v, at).length === 0))
    out.push(`${at}: matches none of anyOf (${errorsOf(s.anyOf[0] as Json, v, at).join("; ")})`);
  if (Array.isArray(s.oneOf)) {
    const ok = (s.oneOf as Json[]).filter((alt) => errorsOf(alt, v, at).length === 0).length;
    if (ok !== 1) out.push(`${at}: matches ${ok} of oneOf, not exactly one`);
  }
  const got = typeOf(v);
  if (typeof s.type === "string" && s.type !== got && !(s.type === "number" && got === "integer")) {
    out.push(`${at}: expected ${s.type}, got ${got}`);
    return;
  }
  checkScalar(s, v, at, out);
  if (got === "object" && (s.type === "object" || s.properties || s.required))
    checkObject(s, v as Json, at, out);
  if (got === "array" && s.items)
    (v as unknown[]).forEach((x, i) => check(s.items as Json, x, `${at}[${i}]`, out));
}

export interface Validation {
  /** operationId of the matched operation; undefined for a path the spec does not have. */
  operation?: string;
  errors: string[];
}

/** Validates a request body against its operation's requestBody schema. */
export function validateRequest(method: string, path: string, body: unknown): Validation {
  const r = ROUTES.find((x) => x.method === method && x.re.test(path));
  if (!r) return { errors: [] };
  if (!r.op.schema) return { operation: r.op.operationId, errors: [] };
  if (body === undefined) return { operation: r.op.operationId, errors: ["body: required"] };
  return { operation: r.op.operationId, errors: errorsOf(r.op.schema, body, "body") };
}

/** Validates any value against a named component schema (the fake checks its own answers). */
export function validateSchema(name: string, value: unknown): string[] {
  return errorsOf(schemaNamed(name), value, name);
}
