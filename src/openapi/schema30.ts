// OpenAPI 3.0's Schema Object is "an extended subset" of JSON Schema draft 4/5, not JSON Schema:
// `nullable: true` allows null, and `exclusiveMinimum`/`exclusiveMaximum` are booleans that
// modify `minimum`/`maximum`. Turned into their JSON Schema 2020-12 spellings here, responses of
// 3.0 and 3.1 documents are validated by the same ajv (3.1's schemas already are 2020-12).
// Everything else 3.0 adds (discriminator, xml, example, readOnly...) is an annotation that
// ajv's non-strict mode ignores.

import { isRecord } from "./values.js";

function nullable(out: Record<string, unknown>): void {
  if (out.nullable !== true) return;
  delete out.nullable;
  // Without a type, the schema already allows null (OpenAPI 3.0.3 says nullable alone has no effect).
  if (typeof out.type === "string") out.type = [out.type, "null"];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
}

function exclusive(out: Record<string, unknown>, flag: "exclusiveMinimum" | "exclusiveMaximum"): void {
  const bound = flag === "exclusiveMinimum" ? "minimum" : "maximum";
  if (typeof out[flag] !== "boolean") return;
  if (out[flag] === true && typeof out[bound] === "number") {
    out[flag] = out[bound];
    delete out[bound];
  } else delete out[flag];
}

/**
 * A copy of a 3.0 schema in JSON Schema 2020-12. Walks every nested object: a property named
 * `nullable` holds a schema (an object), never `true`, so only real keywords are rewritten.
 * Dereferenced documents share objects; each is converted once and shared again.
 */
export function fromOpenApi30(schema: unknown, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(schema)) return schema.map((s) => fromOpenApi30(s, seen));
  if (!isRecord(schema)) return schema;
  const done = seen.get(schema);
  if (done !== undefined) return done;
  const out: Record<string, unknown> = {};
  seen.set(schema, out);
  for (const [k, v] of Object.entries(schema)) out[k] = fromOpenApi30(v, seen);
  nullable(out);
  exclusive(out, "exclusiveMinimum");
  exclusive(out, "exclusiveMaximum");
  return out;
}
