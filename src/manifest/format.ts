// One line per diagnostic, the way compilers print them, so editors and CI logs can jump to
// the place: `apiship.yaml:12:5 error targets.lambda.region: <message>` then `  hint: <hint>`.
// No colour here: the CLI's output layer decides that.

import { isAbsolute, relative } from "node:path";
import { ManifestError } from "../errors.js";
import type { Diagnostic } from "../errors.js";

export interface FormatOptions {
  /** Files under this directory print relative to it; default process.cwd(). */
  cwd?: string;
}

export function formatDiagnostic(d: Diagnostic, opts: FormatOptions = {}): string {
  const where = location(d, opts.cwd ?? process.cwd());
  const head = [where, d.severity, d.path === "" ? undefined : d.path]
    .filter((s) => s !== undefined)
    .join(" ");
  const line = `${head}: ${d.message}`;
  return d.hint ? `${line}\n  hint: ${d.hint}` : line;
}

export function formatDiagnostics(ds: readonly Diagnostic[], opts: FormatOptions = {}): string {
  return ds.map((d) => formatDiagnostic(d, opts)).join("\n");
}

/** "3 errors, 1 warning". */
export function summarize(ds: readonly Diagnostic[]): string {
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.length - errors;
  const parts = [plural(errors, "error")];
  if (warnings > 0) parts.push(plural(warnings, "warning"));
  return parts.join(", ");
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** A file as a person wants to read it: relative when it is under `cwd`. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

function location(d: Diagnostic, cwd: string): string | undefined {
  if (d.file === undefined) return undefined;
  const parts = [displayPath(d.file, cwd)];
  if (d.line !== undefined) {
    parts.push(String(d.line));
    if (d.column !== undefined) parts.push(String(d.column));
  }
  return parts.join(":");
}

/** The error for one file's problems: "<file>: N problems" (and warnings), carrying every diagnostic. */
export function problemsError(file: string, diagnostics: Diagnostic[]): ManifestError {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const warnings = diagnostics.length - errors.length;
  const tail = warnings > 0 ? ` and ${plural(warnings, "warning")}` : "";
  const only = errors.length === 1 ? errors[0] : undefined;
  return new ManifestError(`${displayPath(file)}: ${plural(errors.length, "problem")}${tail}`, diagnostics, {
    hint:
      only?.hint ?? "fix the problems listed above; `apiship validate` checks a manifest without deploying",
  });
}
