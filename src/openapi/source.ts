// Reading an OpenAPI file for validation: bytes → text → the `yaml` library's document (JSON is
// YAML 1.2, so one parser serves both and gives both positions) → plain value. What cannot be
// read or parsed becomes a positioned diagnostic in the OpenAPI file itself.

import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { Document } from "yaml";
import type { Diagnostic } from "../errors.js";

/** Far above any hand-written API description; a bigger file is more likely a mistake. */
export const MAX_OPENAPI_BYTES = 16 * 1024 * 1024;

export interface OpenApiSource {
  /** Absolute path. */
  file: string;
  format: "json" | "yaml";
  doc: Document;
  lc: LineCounter;
  value: unknown;
}

export interface SourceResult {
  source?: OpenApiSource;
  diagnostics: Diagnostic[];
}

function problem(
  file: string,
  code: string,
  message: string,
  hint: string,
  line = 1,
  column = 1,
): Diagnostic {
  return { severity: "error", code, message, path: "", file, line, column, hint };
}

/**
 * A problem with the file as a whole (missing, too big, not UTF-8): it has no place inside the
 * file, so it carries none, and the manifest's loader points it at `service.openapi`.
 */
function unreadable(code: string, message: string, hint: string): Diagnostic {
  return { severity: "error", code, message, path: "", hint };
}

/** JSON when the name says so or the text opens an object; YAML otherwise. */
export function formatOf(file: string, text: string): "json" | "yaml" {
  if (extname(file).toLowerCase() === ".json") return "json";
  return /^\s*\{/.test(text) ? "json" : "yaml";
}

/** Parses `text` with positions; syntax errors (duplicate keys too) come back located. */
export function parseSource(file: string, text: string): SourceResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const diagnostics = doc.errors.map((e) => {
    const at = lc.linePos(e.pos[0]);
    const message = e.message.split("\n")[0] ?? e.message;
    const hint = "fix the syntax; JSON and YAML are both read as YAML 1.2";
    return problem(file, "openapi-syntax", message, hint, at.line, at.col);
  });
  if (diagnostics.length > 0) return { diagnostics };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  return { source: { file, format: formatOf(file, text), doc, lc, value }, diagnostics };
}

/** Reads and parses the file; a missing, huge or non-UTF-8 file is a diagnostic. */
export async function readSource(file: string): Promise<SourceResult> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      const hint = "service.openapi names the document itself, e.g. ./openapi.yaml";
      return { diagnostics: [unreadable("openapi-not-a-file", `${file} is not a file`, hint)] };
    }
    if (info.size > MAX_OPENAPI_BYTES) {
      const message = `the OpenAPI document is ${info.size} bytes, over the ${MAX_OPENAPI_BYTES}-byte limit`;
      return { diagnostics: [unreadable("openapi-too-large", message, "split it with $ref files")] };
    }
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT" ? `OpenAPI document not found: ${file}` : `cannot read ${file}: ${String(e)}`;
    const hint = "service.openapi is a path relative to the manifest's folder";
    return { diagnostics: [unreadable("openapi-not-found", message, hint)] };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const message = `${file} is not UTF-8 text`;
    return { diagnostics: [unreadable("openapi-encoding", message, "save the OpenAPI document as UTF-8")] };
  }
  return parseSource(file, text.replace(/^\uFEFF/, ""));
}
