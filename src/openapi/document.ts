// The OpenAPI document as the smoke tests and the catalogue use it, read by @readme/openapi-parser
// (imported here, on first use): `dereferenced` has every $ref inlined but the circular ones,
// for walking operations and validating responses; `bundled` keeps the author's internal $refs
// and pulls external files in, for publishing one self-contained file.

import { ManifestError } from "../errors.js";
import type { JsonRecord } from "./values.js";
import { isRecord } from "./values.js";

export type OpenApiVersion = "3.0" | "3.1";

export interface LoadedDocument {
  file: string;
  version: OpenApiVersion;
  dereferenced: JsonRecord;
}

export function versionOf(doc: unknown): OpenApiVersion | undefined {
  const v = isRecord(doc) ? doc.openapi : undefined;
  if (typeof v !== "string") return undefined;
  return /^3\.0\./.test(v) ? "3.0" : /^3\.1\./.test(v) ? "3.1" : undefined;
}

function unusable(file: string, why: string): ManifestError {
  return new ManifestError(
    `cannot read the OpenAPI document ${file}: ${why}`,
    [{ severity: "error", code: "openapi-invalid", message: why, path: "", file }],
    { hint: "`apiship validate` shows every problem of the document with its line" },
  );
}

async function read<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw unusable(file, e instanceof Error ? e.message : String(e));
  }
}

/** The dereferenced document; a ManifestError when it cannot be read or is not OpenAPI 3.0/3.1. */
export async function loadDereferenced(file: string): Promise<LoadedDocument> {
  const { dereference } = await import("@readme/openapi-parser");
  const doc: unknown = await read(file, () => dereference(file, { dereference: { circular: "ignore" } }));
  const version = versionOf(doc);
  if (!version || !isRecord(doc)) throw unusable(file, "not an OpenAPI 3.0 or 3.1 document");
  return { file, version, dereferenced: doc };
}

/** The document with external references pulled in and internal ones kept, for publishing. */
export async function loadBundled(file: string): Promise<{ version: OpenApiVersion; bundled: JsonRecord }> {
  const { bundle } = await import("@readme/openapi-parser");
  const doc: unknown = await read(file, () => bundle(file));
  const version = versionOf(doc);
  if (!version || !isRecord(doc)) throw unusable(file, "not an OpenAPI 3.0 or 3.1 document");
  return { version, bundled: doc };
}
