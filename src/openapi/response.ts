// Judging one smoke call's answer against its operation (issue 23 item 3). The status must be a
// success the operation documents (its exact code, its `2XX` range, or `default`); the content
// type must be one it documents for that response; a JSON body must match the response's
// schema, checked by ajv as JSON Schema 2020-12 (3.1's dialect; 3.0 schemas converted by
// schema30.ts). Circular references, which dereferencing leaves in place, resolve against the
// document's components.

import type { ErrorObject, ValidateFunction } from "ajv";
import type { OpenApiVersion } from "./document.js";
import { fromOpenApi30 } from "./schema30.js";
import type { JsonRecord } from "./values.js";
import { isRecord } from "./values.js";

export interface Answer {
  status: number;
  contentType?: string;
  body: Buffer;
  /** The body was cut at the smoke test's limit: its schema is not checked. */
  truncated: boolean;
}

export interface Verdict {
  ok: boolean;
  /** The documented response keys the status was held against ("200", "2XX", "default"). */
  documented: string[];
  /** Why it failed: the status, the content type, or the first schema error. */
  error?: string;
  /** What was not checked, and why (a body too large, a schema ajv cannot compile). */
  note?: string;
}

export type SchemaValidator = (schema: unknown) => ValidateFunction | { error: string };

const ROOT_ID = "apiship-openapi.json";

/** `#/components/...` → `apiship-openapi.json#/components/...`: the refs dereferencing kept. */
function rootRefs(node: unknown, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(node)) return node.map((n) => rootRefs(n, seen));
  if (!isRecord(node)) return node;
  const done = seen.get(node);
  if (done !== undefined) return done;
  const out: JsonRecord = {};
  seen.set(node, out);
  for (const [k, v] of Object.entries(node))
    out[k] =
      k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${ROOT_ID}${v}` : rootRefs(v, seen);
  return out;
}

/** One ajv per document: compiles response schemas, with the components for circular refs. */
export async function schemaValidator(doc: JsonRecord, version: OpenApiVersion): Promise<SchemaValidator> {
  const { default: mod } = await import("ajv/dist/2020.js");
  // Formats are not asserted: OpenAPI uses them as hints (int32, byte, password).
  const ajv = new mod.default({ strict: false, allErrors: false, validateFormats: false });
  const convert = (s: unknown) => rootRefs(version === "3.0" ? fromOpenApi30(s) : s);
  ajv.addSchema({ $id: ROOT_ID, components: convert(doc.components ?? {}) } as object);
  // One compilation per schema for the whole run: targets share the document, and a schema
  // holding an `$id` cannot be added to one ajv twice.
  const compiled = new Map<unknown, ReturnType<SchemaValidator>>();
  return (schema) => {
    let v = compiled.get(schema);
    if (!v) {
      try {
        v = ajv.compile(convert(schema) as object);
      } catch (e) {
        v = { error: e instanceof Error ? e.message : String(e) };
      }
      compiled.set(schema, v);
    }
    return v;
  };
}

/** The response a status falls under: exact, then its `NXX` range, then `default`. */
export function responseFor(
  responses: JsonRecord,
  status: number,
): { key: string; response: unknown } | undefined {
  const range = `${String(status)[0] ?? ""}XX`;
  const key =
    Object.keys(responses).find((k) => k === String(status)) ??
    Object.keys(responses).find((k) => k.toUpperCase() === range) ??
    (responses.default !== undefined ? "default" : undefined);
  return key === undefined ? undefined : { key, response: responses[key] };
}

/** The documented media type an answer's content type falls under: exact, `type/*`, `*\/*`. */
function mediaFor(content: JsonRecord, contentType: string | undefined): string | undefined {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const keys = Object.keys(content);
  const lower = (k: string) => k.toLowerCase();
  return (
    keys.find((k) => lower(k) === type) ??
    keys.find((k) => lower(k) === `${type.split("/")[0] ?? ""}/*`) ??
    keys.find((k) => k === "*/*")
  );
}

const isJson = (type: string) => /^application\/(?:[\w.+-]+\+)?json$/i.test(type.split(";")[0]?.trim() ?? "");

function firstError(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return "does not match";
  const where = e.instancePath === "" ? "the body" : `body${e.instancePath}`;
  const params = e.params as Record<string, unknown>;
  const extra = typeof params.additionalProperty === "string" ? ` (${params.additionalProperty})` : "";
  return `${where} ${e.message ?? e.keyword}${extra}`;
}

function checkBody(
  answer: Answer,
  media: unknown,
  validator: SchemaValidator,
): Pick<Verdict, "error" | "note"> {
  const schema = isRecord(media) ? media.schema : undefined;
  if (schema === undefined) return {};
  if (answer.truncated)
    return { note: "the body is over the smoke test's size limit: its schema was not checked" };
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString("utf8"));
  } catch {
    return { error: "the body is not JSON" };
  }
  const validate = validator(schema);
  if ("error" in validate) return { note: `the response schema could not be compiled: ${validate.error}` };
  return validate(body)
    ? {}
    : { error: `the body does not match the response schema: ${firstError(validate.errors)}` };
}

export function judge(responses: JsonRecord, answer: Answer, validator: SchemaValidator): Verdict {
  const documented = Object.keys(responses);
  const hit = responseFor(responses, answer.status);
  if (answer.status < 200 || answer.status > 299 || !hit) {
    const success = documented.filter((k) => /^2/.test(k) || k === "default");
    const wanted = success.length > 0 ? `documented: ${success.join(", ")}` : "it documents none";
    return { ok: false, documented, error: `${answer.status} is not a documented success (${wanted})` };
  }
  const content = isRecord(hit.response) && isRecord(hit.response.content) ? hit.response.content : {};
  if (Object.keys(content).length === 0) return { ok: true, documented };
  const key = mediaFor(content, answer.contentType);
  if (key === undefined) {
    const got = answer.contentType ? `content type ${answer.contentType}` : "no content type";
    const listed = Object.keys(content).join(", ");
    return { ok: false, documented, error: `${got}, but the ${hit.key} response documents ${listed}` };
  }
  const type = key.includes("*") ? (answer.contentType ?? "") : key;
  if (!isJson(type)) return { ok: true, documented };
  const body = checkBody(answer, content[key], validator);
  return { ok: body.error === undefined, documented, ...body };
}
