// A fast path for zod parses that succeed (issue 22 item 8). A 400-manifest plan made 6,400
// safeParse calls, about 16 per manifest, and spent 100–140 ms in them: zod allocates a payload
// and an issue list for every field of every object, absent optional ones included, whatever
// the outcome. Most manifests are valid, and for a valid value the outcome is only the output.
//
// fastParser(schema) compiles a schema once into a function that walks the value directly and
// returns zod's output, or INVALID where zod would report an issue, or BAIL where this path does
// not know what zod would do. parseWith (issues.ts) runs zod itself on anything but an output,
// so every diagnostic still comes from zod, exactly as before.
//
// It follows zod 4's parse of each schema type (node_modules/zod/v4/core/schemas.js, the
// version package-lock.json pins): the same type tests, the key presence rules of objects
// (optin/optout), defaults, prefaults, unions taking their first success, pipes and transforms.
// Checks (refinements, formats, lengths, trims) are not rewritten: each is zod's own check
// object, run as zod runs it. A schema with any type this file does not list compiles to no fast
// path at all. fast-parse.test.ts compares it with zod on every shipped manifest, on every
// schema, and on generated values.

import type { z } from "zod";

/** zod would report an issue here: a definite failure (a union tries its next option). */
export const INVALID: unique symbol = Symbol("invalid");
/** This path cannot tell what zod would do: zod decides. */
export const BAIL: unique symbol = Symbol("bail");

type Fast = (value: unknown) => unknown;

/** The parts of a zod 4 schema instance this file reads (its `_zod` internals). */
interface Internals {
  def: Def;
  traits: Set<string>;
  optin?: "optional" | "defaulted";
  optout?: "optional";
  values?: Set<unknown>;
  check?: (payload: Payload) => unknown;
  innerType?: Schema;
}
interface Schema {
  _zod: Internals;
}
interface Def {
  type: string;
  checks?: Schema[];
  coerce?: boolean;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  mode?: string;
  innerType?: Schema;
  defaultValue?: unknown;
  options?: Schema[];
  discriminator?: string;
  inclusive?: boolean;
  in?: Schema;
  out?: Schema;
  transform?: (value: unknown, payload: Payload) => unknown;
  when?: (payload: Payload) => boolean;
}
interface Payload {
  value: unknown;
  issues: unknown[];
}

const compiled = new WeakMap<object, Fast | null>();

/** The schema's fast path, or undefined when it uses a type this file does not follow. */
export function fastParser(schema: z.ZodType): Fast | undefined {
  const s = schema as unknown as Schema;
  let f = compiled.get(s);
  if (f === undefined) {
    f = compile(s, new Map()) ?? null;
    compiled.set(s, f);
  }
  return f ?? undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** zod's util.isPlainObject, which a record asks of its input. */
function isPlainObject(o: unknown): o is Record<string, unknown> {
  if (!isObject(o)) return false;
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== "function") return true;
  const prot: unknown = ctor.prototype;
  return isObject(prot) && Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf");
}

const failed = (v: unknown): v is typeof INVALID | typeof BAIL => v === INVALID || v === BAIL;

/**
 * The schema's checks, in zod's order: the schema itself first when it is a check (a string or
 * number format), then def.checks. Each may fail (an issue) or rewrite the value (trim).
 */
function withChecks(s: Schema, parse: Fast): Fast {
  const checks = s._zod.traits.has("$ZodCheck")
    ? [s, ...(s._zod.def.checks ?? [])]
    : (s._zod.def.checks ?? []);
  if (checks.length === 0) return parse;
  return (value) => {
    const parsed = parse(value);
    if (failed(parsed)) return parsed;
    const payload: Payload = { value: parsed, issues: [] };
    for (const ch of checks) {
      const when = ch._zod.def.when;
      if (when && !when(payload)) continue;
      if (ch._zod.check?.(payload) instanceof Promise) return BAIL;
      if (payload.issues.length > 0) return INVALID;
    }
    return payload.value;
  };
}

/** Schemas met in this compile, to their fast path: null while being compiled, undefined for none. */
type Seen = Map<Schema, Fast | undefined | null>;

function compile(s: Schema, seen: Seen): Fast | undefined {
  if (seen.has(s)) {
    const known = seen.get(s);
    // A recursive schema (a lazy) meets itself while being compiled: call through to its fast
    // path once it exists.
    return known === null ? (v) => (seen.get(s) ?? (() => BAIL))(v) : known;
  }
  seen.set(s, null);
  const parse = compileType(s, seen);
  const f = parse && withChecks(s, parse);
  seen.set(s, f);
  return f;
}

function compileType(s: Schema, seen: Seen): Fast | undefined {
  const def = s._zod.def;
  if (def.coerce) return undefined;
  switch (def.type) {
    case "string":
      return (v) => (typeof v === "string" ? v : INVALID);
    case "number":
      return (v) => (typeof v === "number" && Number.isFinite(v) ? v : INVALID);
    case "boolean":
      return (v) => (typeof v === "boolean" ? v : INVALID);
    case "enum":
    case "literal": {
      const values = s._zod.values;
      return values && ((v) => (values.has(v) ? v : INVALID));
    }
    case "unknown":
    case "any":
      return (v) => v;
    case "never":
      return () => INVALID;
    case "array":
      return def.element && arrayOf(compile(def.element, seen));
    case "object":
      return objectOf(s, seen);
    case "record":
      return recordOf(s, seen);
    case "optional":
      return optionalOf(s, seen);
    case "nullable": {
      const inner = def.innerType && compile(def.innerType, seen);
      return inner && ((v) => (v === null ? null : inner(v)));
    }
    case "default":
      return defaultOf(s, seen);
    case "prefault": {
      const inner = def.innerType && compile(def.innerType, seen);
      return inner && ((v) => inner(v === undefined ? def.defaultValue : v));
    }
    case "union":
      return unionOf(s, seen);
    case "pipe": {
      const first = def.in && compile(def.in, seen);
      const then = def.out && compile(def.out, seen);
      return (
        first &&
        then &&
        ((v) => {
          const left = first(v);
          return failed(left) ? left : then(left);
        })
      );
    }
    case "transform": {
      const fn = def.transform;
      return (
        fn &&
        ((v) => {
          // zod's transform context: an issue it adds fails the parse.
          const payload: Payload & { addIssue(): void } = {
            value: v,
            issues: [],
            addIssue: () => payload.issues.push(1),
          };
          const out = fn(v, payload);
          if (out instanceof Promise) return BAIL;
          return payload.issues.length > 0 ? INVALID : out;
        })
      );
    }
    case "lazy": {
      const inner = s._zod.innerType;
      return inner && compile(inner, seen);
    }
    default:
      return undefined;
  }
}

function arrayOf(element: Fast | undefined): Fast | undefined {
  if (!element) return undefined;
  return (v) => {
    if (!Array.isArray(v)) return INVALID;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const r = element(v[i]);
      if (failed(r)) return r;
      out[i] = r;
    }
    return out;
  };
}

interface Field {
  key: string;
  parse: Fast;
  optin: Internals["optin"];
  optional: boolean;
}

function fieldOf(key: string, schema: Schema, seen: Seen): Field | undefined {
  const parse = compile(schema, seen);
  return parse && { key, parse, optin: schema._zod.optin, optional: schema._zod.optout === "optional" };
}

/**
 * What one field adds to the output (zod's handlePropertyResult): false when the value fails it.
 * An absent key whose schema may be absent adds nothing, and neither does one that fails there.
 */
function addField(
  out: Record<string, unknown>,
  f: Field,
  input: Record<string, unknown>,
  present: boolean,
  r: unknown,
): boolean {
  if (failed(r)) return !present && f.optional && f.optin !== undefined;
  if (!present) {
    if (f.optional && f.optin === "optional") return true;
    if (f.optin === undefined) return false;
  }
  if (r === undefined) {
    if (present || (f.optin === "defaulted" && !f.optional)) out[f.key] = undefined;
  } else {
    out[f.key] = r;
  }
  return true;
}

function objectOf(s: Schema, seen: Seen): Fast | undefined {
  const { shape = {}, catchall } = s._zod.def;
  if (Object.getOwnPropertySymbols(shape).length > 0) return undefined;
  const fields: Field[] = [];
  for (const key of Object.keys(shape)) {
    const f = fieldOf(key, shape[key] as Schema, seen);
    if (!f) return undefined;
    // zod leaves a declared __proto__ out of the output.
    if (key !== "__proto__") fields.push(f);
  }
  const keys = new Set(Object.keys(shape));
  const strict = catchall?._zod.def.type === "never";
  const rest = catchall && !strict ? fieldOf("", catchall, seen) : undefined;
  if (catchall && !strict && !rest) return undefined;
  return (v) => {
    if (!isObject(v)) return INVALID;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const present = f.key in v;
      const r = f.parse(v[f.key]);
      if (r === BAIL) return BAIL;
      if (!addField(out, f, v, present, r)) return INVALID;
    }
    if (!catchall) return out;
    for (const key in v) {
      if (keys.has(key)) continue;
      if (strict) return INVALID;
      if (key === "__proto__" || !rest) continue;
      const r = rest.parse(v[key]);
      if (r === BAIL) return BAIL;
      if (!addField(out, { ...rest, key }, v, true, r)) return INVALID;
    }
    return out;
  };
}

function recordOf(s: Schema, seen: Seen): Fast | undefined {
  const { keyType, valueType } = s._zod.def;
  // A key type with a fixed set of keys (an enum) makes zod check each declared key: not here.
  if (!keyType || !valueType || keyType._zod.values) return undefined;
  const key = compile(keyType, seen);
  const value = compile(valueType, seen);
  if (!key || !value) return undefined;
  return (v) => {
    if (!isPlainObject(v)) return INVALID;
    const out: Record<string, unknown> = {};
    for (const k of Reflect.ownKeys(v)) {
      if (k === "__proto__" || !Object.prototype.propertyIsEnumerable.call(v, k)) continue;
      // A key zod refuses may still pass as a number, or through a loose record: zod decides.
      if (typeof k !== "string") return BAIL;
      const outKey = key(k);
      if (failed(outKey) || typeof outKey !== "string") return BAIL;
      if (outKey === "__proto__") continue;
      const r = value(v[k]);
      if (failed(r)) return r;
      out[outKey] = r;
    }
    return out;
  };
}

function optionalOf(s: Schema, seen: Seen): Fast | undefined {
  // exactOptional parses as its inner type: a type of its own, not followed here.
  if (s._zod.traits.has("$ZodExactOptional")) return undefined;
  const innerSchema = s._zod.def.innerType;
  const inner = innerSchema && compile(innerSchema, seen);
  if (!innerSchema || !inner) return undefined;
  return (v) => {
    if (v !== undefined) return inner(v);
    // Only a defaulted inner type stands in for absence; its failure there is no failure.
    if (innerSchema._zod.optin !== "defaulted") return undefined;
    const r = inner(v);
    return r === BAIL ? BAIL : r === INVALID ? undefined : r;
  };
}

function defaultOf(s: Schema, seen: Seen): Fast | undefined {
  const def = s._zod.def;
  const inner = def.innerType && compile(def.innerType, seen);
  if (!inner) return undefined;
  // The default is the output as it is, not parsed; def.defaultValue gives a fresh copy each time.
  return (v) => {
    if (v === undefined) return def.defaultValue;
    const r = inner(v);
    return r === undefined ? def.defaultValue : r;
  };
}

function unionOf(s: Schema, seen: Seen): Fast | undefined {
  const def = s._zod.def;
  // A discriminated union picks its option by the key; an exclusive one wants exactly one match.
  if (def.discriminator !== undefined || def.inclusive === false || !def.options) return undefined;
  const options: Fast[] = [];
  for (const o of def.options) {
    const f = compile(o, seen);
    if (!f) return undefined;
    options.push(f);
  }
  return (v) => {
    for (const o of options) {
      const r = o(v);
      if (r === BAIL) return BAIL;
      if (r !== INVALID) return r;
    }
    return INVALID;
  };
}
