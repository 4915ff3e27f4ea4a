// Filling a smoke call's required parameters from the document's own examples, serialized the
// way the OpenAPI Specification's `style`/`explode` rules say (simple for path and header, form
// for query, the defaults, plus label, matrix, the delimited styles and deepObject). A value is
// taken from the parameter's `example`, its first `examples` entry with a `value`, its schema's
// `example` or first `examples` item, or the same of its first `content` media type: nothing is
// invented, so an operation whose required parameter has none is not called.

import type { JsonRecord } from "./values.js";
import { isRecord } from "./values.js";

export interface Parameter extends JsonRecord {
  name: string;
  in: string;
}

export interface Filled {
  /** The path segment's text, escaped. */
  path: string;
  /** Query pairs (URLSearchParams escapes them). */
  query: [string, string][];
  /** A header or cookie value. */
  header: string;
}

function isParameter(p: unknown): p is Parameter {
  return isRecord(p) && typeof p.name === "string" && typeof p.in === "string";
}

/** Path-level parameters, overridden by the operation's own of the same name and location. */
export function parametersOf(item: JsonRecord, op: JsonRecord): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const list of [item.parameters, op.parameters])
    for (const p of Array.isArray(list) ? list : []) if (isParameter(p)) byKey.set(`${p.in}:${p.name}`, p);
  return [...byKey.values()];
}

function firstExampleValue(examples: unknown): unknown {
  if (!isRecord(examples)) return undefined;
  for (const e of Object.values(examples)) if (isRecord(e) && e.value !== undefined) return e.value;
  return undefined;
}

function fromSchema(schema: unknown): unknown {
  if (!isRecord(schema)) return undefined;
  if (schema.example !== undefined) return schema.example;
  return Array.isArray(schema.examples) ? schema.examples[0] : undefined;
}

/** The example the document gives for `p`, if any. */
export function exampleOf(p: JsonRecord): unknown {
  const media = isRecord(p.content) ? Object.values(p.content).find(isRecord) : undefined;
  const candidates = [
    () => p.example,
    () => firstExampleValue(p.examples),
    () => fromSchema(p.schema),
    () => media?.example,
    () => firstExampleValue(media?.examples),
    () => fromSchema(media?.schema),
  ];
  for (const c of candidates) {
    const v = c();
    if (v !== undefined) return v;
  }
  return undefined;
}

const text = (v: unknown) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

function entriesOf(v: unknown): [string, string][] {
  return isRecord(v) ? Object.entries(v).map(([k, x]) => [k, text(x)]) : [];
}

function joined(v: unknown, explode: boolean, sep = ","): string {
  if (Array.isArray(v)) return v.map(text).join(sep);
  if (isRecord(v))
    return entriesOf(v)
      .map(([k, x]) => (explode ? `${k}=${x}` : `${k}${sep}${x}`))
      .join(sep);
  return text(v);
}

function queryPairs(p: Parameter, v: unknown): [string, string][] {
  if (isRecord(p.content)) return [[p.name, text(v)]];
  const style = typeof p.style === "string" ? p.style : "form";
  const explode = typeof p.explode === "boolean" ? p.explode : style === "form";
  if (style === "deepObject" && isRecord(v)) return entriesOf(v).map(([k, x]) => [`${p.name}[${k}]`, x]);
  const sep = style === "spaceDelimited" ? " " : style === "pipeDelimited" ? "|" : ",";
  if (Array.isArray(v) && explode) return v.map((x) => [p.name, text(x)]);
  if (isRecord(v) && explode) return entriesOf(v);
  return [[p.name, joined(v, false, sep)]];
}

function pathText(p: Parameter, v: unknown): string {
  const style = typeof p.style === "string" ? p.style : "simple";
  const explode = p.explode === true;
  const raw = isRecord(p.content) ? text(v) : joined(v, explode);
  const escaped = raw
    .split(",")
    .map((s) => encodeURIComponent(s))
    .join(",");
  if (style === "label") return `.${escaped}`;
  if (style === "matrix") return `;${encodeURIComponent(p.name)}=${escaped}`;
  return escaped;
}

/** The parameter's example, ready for its location; undefined when the document gives none. */
export function fillParameter(p: Parameter): Filled | undefined {
  const v = exampleOf(p);
  if (v === undefined || v === null) return undefined;
  return { path: pathText(p, v), query: queryPairs(p, v), header: joined(v, p.explode === true) };
}
