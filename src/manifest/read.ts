// Reading a manifest file: bytes → UTF-8 text, refusing a missing, oversized or non-UTF-8 file
// with a positioned diagnostic. Parsing the text is yaml-fast.ts's and yaml.ts's.

import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import type { Diagnostic } from "../errors.js";
import { ManifestError } from "../errors.js";
import { problemsError } from "./format.js";
import type { Position } from "./positions.js";

export const MAX_MANIFEST_BYTES = 1024 * 1024;

export type Where = Partial<Position>;

/** A manifest-level error diagnostic (path ""), at `where` when known. */
export function diag(
  file: string,
  code: string,
  message: string,
  hint: string,
  where: Where = {},
): Diagnostic {
  return { severity: "error", code, message, path: "", file, ...where, hint };
}

const fail = problemsError;

/**
 * Reads a manifest as UTF-8 text, refusing a file that is missing, over 1 MiB or not UTF-8, and
 * keeps the bytes read: a plan records the hash of the very bytes it planned from, not of a
 * second read that a concurrent edit may have changed (hashed by those who need it, so that
 * `validate` never loads node:crypto).
 *
 * The reads are synchronous on purpose: a manifest is a few KiB, and each asynchronous
 * open/stat/read/close is a round trip through libuv's thread pool. Planning 400 manifests spent
 * more on those hand-offs than on the reads.
 */
export async function readManifestFile(file: string): Promise<{ text: string; bytes: Uint8Array }> {
  let bytes: Uint8Array;
  try {
    const fd = openSync(file, "r");
    try {
      const info = fstatSync(fd);
      if (info.isDirectory()) throw notAFile(file);
      if (info.size > MAX_MANIFEST_BYTES) throw tooBig(file, info.size);
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw readError(file, e);
  }
  // The file may have grown between stat and read.
  if (bytes.byteLength > MAX_MANIFEST_BYTES) throw tooBig(file, bytes.byteLength);
  return { text: decodeUtf8(bytes, file), bytes };
}

function readError(file: string, e: unknown): ManifestError {
  if (e instanceof ManifestError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") {
    const hint = `check the path (relative paths start from ${process.cwd()}), or pass the manifest with -f FILE`;
    return fail(file, [diag(file, "file-not-found", `manifest not found: ${file}`, hint)]);
  }
  if (code === "EISDIR") return notAFile(file);
  const detail = e instanceof Error ? e.message : String(e);
  return fail(file, [
    diag(file, "file-unreadable", `cannot read ${file}: ${detail}`, "check the file's permissions"),
  ]);
}

function notAFile(file: string): ManifestError {
  const hint = "pass the manifest file itself, e.g. -f services/api/apiship.yaml";
  return fail(file, [diag(file, "not-a-file", `${file} is a directory, not a manifest file`, hint)]);
}

function tooBig(file: string, size: number): ManifestError {
  const message = `manifest is too large: ${size} bytes, the limit is ${MAX_MANIFEST_BYTES} bytes (1 MiB)`;
  const hint = "a manifest describes one service; give each service its own apiship.yaml";
  return fail(file, [diag(file, "file-too-large", message, hint)]);
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    // ignoreBOM is false by default: a leading UTF-8 BOM (Windows editors add one) is dropped.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    const offset = invalidUtf8Offset(bytes);
    const where: Where = offset < 0 ? {} : bytePosition(bytes, offset);
    const byte = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    const at = offset < 0 ? "" : ` (byte 0x${byte} at byte offset ${offset}, line ${where.line ?? "?"})`;
    const hint = "re-save the file with UTF-8 encoding (in most editors: Save with Encoding → UTF-8)";
    throw fail(file, [diag(file, "not-utf8", `manifest is not valid UTF-8${at}`, hint, where)]);
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
export function invalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k] ?? 0;
      if ((cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const min = [0, 0x80, 0x800, 0x10000][n] ?? 0;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function bytePosition(bytes: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
