// `apiship validate` of service.openapi: the file is parsed with positions (source.ts), checked by
// @readme/openapi-parser (the OpenAPI 3.0/3.1 JSON Schemas, references, and the specification's
// own rules), and every problem is reported at its file:line:column. Imported with import() only
// when a manifest sets service.openapi: the parser and ajv cost nothing otherwise.

import type { Diagnostic } from "../errors.js";
import { headline, isSchemaMessage, segmentsOf } from "./messages.js";
import { findPathTemplate } from "./paths.js";
import type { Segment } from "./pointer.js";
import { displayPath, locate } from "./pointer.js";
import { readSource } from "./source.js";
import type { OpenApiSource } from "./source.js";
import { structureErrors } from "./structure.js";
import { isRecord } from "./values.js";

export interface OpenApiCheck {
  /** Problems in the file, each with its file:line:column (file-level ones without a place). */
  diagnostics: Diagnostic[];
  /** "3.0" or "3.1" when the document declares one of them. */
  version?: "3.0" | "3.1";
  /** Of the health paths asked about, those no path of the document serves. */
  missingHealthPaths: string[];
}

/** Where the rule broken is written down, for the version the document declares. */
function specHint(version: "3.0" | "3.1" | undefined): string {
  const v = version === "3.0" ? "v3.0.4" : "v3.1.1";
  return `the OpenAPI ${version ?? "3.x"} Specification says what is allowed here: https://spec.openapis.org/oas/${v}.html`;
}

function at(
  src: OpenApiSource,
  segments: readonly Segment[],
  d: { code: string; message: string; hint?: string; severity?: "error" | "warning"; atKey?: boolean },
  version?: "3.0" | "3.1",
): Diagnostic {
  const { position } = locate(src.doc, src.lc, segments, { atKey: d.atKey === true });
  return {
    severity: d.severity ?? "error",
    code: d.code,
    message: d.message,
    path: displayPath(segments),
    file: src.file,
    line: position.line,
    column: position.column,
    hint: d.hint ?? specHint(version),
  };
}

/** The version the document declares, or the diagnostic saying why it is not one we take. */
function versionOf(src: OpenApiSource): { version?: "3.0" | "3.1"; problem?: Diagnostic } {
  const doc = src.value;
  const declared = isRecord(doc) ? doc.openapi : undefined;
  if (typeof declared === "string" && /^3\.0\.\d+/.test(declared)) return { version: "3.0" };
  if (typeof declared === "string" && /^3\.1\.\d+/.test(declared)) return { version: "3.1" };
  const swagger = isRecord(doc) && doc.swagger !== undefined;
  const message = swagger
    ? "this is a Swagger 2.0 document; apiship reads OpenAPI 3.0 and 3.1"
    : declared === undefined
      ? "not an OpenAPI document: it has no `openapi` version field"
      : `openapi: ${String(declared)} is not a version apiship reads (3.0.x or 3.1.x)`;
  const hint = swagger
    ? "convert it to OpenAPI 3 (e.g. npx swagger2openapi swagger.yaml -o openapi.yaml)"
    : 'start the document with openapi: "3.1.0" (or 3.0.x)';
  const where = swagger ? ["swagger"] : declared === undefined ? [] : ["openapi"];
  return { problem: at(src, where, { code: "openapi-version", message, hint }) };
}

type ParserResult = { valid: boolean; errors?: { message: string }[]; warnings: { message: string }[] };

async function runParser(src: OpenApiSource): Promise<ParserResult> {
  const { validate } = await import("@readme/openapi-parser");
  try {
    // The path, not the parsed value: external $refs resolve relative to the file.
    return (await validate(src.file, { validate: { errors: { colorize: false } } })) as ParserResult;
  } catch (e) {
    // A reference that cannot be resolved (a missing file) is thrown, not returned.
    return { valid: false, errors: [{ message: e instanceof Error ? e.message : String(e) }], warnings: [] };
  }
}

async function located(src: OpenApiSource, version: "3.0" | "3.1", r: ParserResult): Promise<Diagnostic[]> {
  const errors = r.errors ?? [];
  const out: Diagnostic[] = [];
  const push = (segments: readonly Segment[], d: Parameters<typeof at>[2]) =>
    out.push(at(src, segments, d, version));
  const schema = errors.filter((e) => isSchemaMessage(e.message));
  if (schema.length > 0) {
    const found = await structureErrors(src.value, version);
    for (const e of found) push(e.segments, { code: "openapi-invalid", message: e.message, atKey: e.atKey });
    // The parser saw what the schemas over the written file did not (it checks the document
    // with its references inlined): its own words, at the top of the file.
    if (found.length === 0)
      for (const e of schema) push([], { code: "openapi-invalid", message: headline(e.message) });
  }
  for (const e of errors.filter((x) => !isSchemaMessage(x.message)))
    push(segmentsOf(e.message, src.value), { code: "openapi-invalid", message: headline(e.message) });
  for (const w of r.warnings)
    push(segmentsOf(w.message, src.value), {
      code: "openapi-warning",
      message: headline(w.message),
      severity: "warning",
    });
  return out;
}

/** Checks the OpenAPI document at `file` (absolute), and whether it serves each of `healthPaths`. */
export async function checkOpenApi(file: string, healthPaths: readonly string[] = []): Promise<OpenApiCheck> {
  const read = await readSource(file);
  const src = read.source;
  if (!src) return { diagnostics: read.diagnostics, missingHealthPaths: [] };
  const { version, problem } = versionOf(src);
  if (!version) return { diagnostics: problem ? [problem] : [], missingHealthPaths: [] };
  const result = await runParser(src);
  const diagnostics = await located(src, version, result);
  const missingHealthPaths = healthPaths.filter((p) => findPathTemplate(src.value, p) === undefined);
  return { diagnostics, version, missingHealthPaths };
}
