// `${env:NAME}` and `${env:NAME:-default}` in string values, at load time (DESIGN.md §2).
// Secrets are references resolved only while applying, so `service.secrets` (and an
// environment's override of it) is never touched. Messages name variables and paths, never
// the values that came from the environment: those may be tokens.

import type { Diagnostic } from "../errors.js";
import type { PositionIndex } from "./positions.js";

export interface InterpolateOptions {
  /** Where variables come from; defaults to process.env. */
  environ?: Record<string, string | undefined>;
  /** When given, a plain (unquoted) scalar that is exactly one reference keeps a number or boolean type. */
  positions?: PositionIndex;
}

export interface InterpolateResult {
  value: unknown;
  /** Errors, each with the JSON path of the value; the loader adds file, line and column. */
  diagnostics: Diagnostic[];
  /** Values taken from the environment, so the loader can keep them out of later messages. */
  substituted: Substitution[];
}

export interface Substitution {
  /** Where the value went. */
  path: string;
  value: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORMS = "accepted forms: ${env:NAME} and ${env:NAME:-default}; write $${ for a literal ${";

interface Piece {
  text: string;
  errors: Omit<Diagnostic, "path" | "severity">[];
  substituted: string[];
  /** The whole string was one reference. */
  whole: boolean;
}

/** Interpolates one string. */
export function interpolateString(s: string, environ: Record<string, string | undefined>): Piece {
  const out: Piece = { text: "", errors: [], substituted: [], whole: false };
  let refs = 0;
  let i = 0;
  while (i < s.length) {
    const at = s.indexOf("$", i);
    if (at < 0 || at === s.length - 1) {
      out.text += s.slice(i);
      break;
    }
    out.text += s.slice(i, at);
    if (s.startsWith("$${", at)) {
      out.text += "${";
      i = at + 3;
    } else if (s.startsWith("${", at)) {
      const close = s.indexOf("}", at + 2);
      if (close < 0) {
        out.errors.push({
          code: "bad-interpolation",
          message: `unterminated "\${" (no closing "}")`,
          hint: FORMS,
        });
        out.text += s.slice(at);
        break;
      }
      refs += 1;
      out.text += resolveRef(s.slice(at + 2, close), s.slice(at, close + 1), environ, out);
      i = close + 1;
    } else {
      out.text += "$";
      i = at + 1;
    }
  }
  out.whole = refs === 1 && WHOLE.test(s);
  return out;
}

function resolveRef(
  inner: string,
  raw: string,
  environ: Record<string, string | undefined>,
  out: Piece,
): string {
  const m = /^env:([^:]*)(?::-([\s\S]*))?$/.exec(inner);
  if (!m || !NAME.test(m[1] ?? "")) {
    // The reference is the file's own text, not a value from the environment: safe to quote.
    out.errors.push({
      code: "bad-interpolation",
      message: `unsupported interpolation "${raw}"`,
      hint: FORMS,
    });
    return raw;
  }
  const name = m[1] ?? "";
  const fallback = m[2];
  const value = environ[name];
  // As in the shell, `:-` also covers a variable that is set but empty.
  if (value !== undefined && (fallback === undefined || value !== "")) {
    out.substituted.push(value);
    return value;
  }
  if (fallback !== undefined) return fallback;
  out.errors.push({
    code: "env-unset",
    message: `environment variable ${name} is not set`,
    hint: `set ${name}, or give a default: \${env:${name}:-value}`,
  });
  return raw;
}

/** A value that is one reference and nothing else, such as `${env:PORT}`. */
const WHOLE = /^\$\{[^}]*\}$/;

/**
 * True when interpolating `value` may ask the position index whether a scalar was unquoted
 * (a value that is one whole reference), so the loader prepares the index only then.
 */
export function asksPositions(value: unknown): boolean {
  if (typeof value === "string") return WHOLE.test(value);
  if (Array.isArray(value)) return value.some(asksPositions);
  return value !== null && typeof value === "object" && Object.values(value).some(asksPositions);
}

/** Interpolates every string value of a parsed manifest, collecting every error. */
export function interpolate(value: unknown, opts: InterpolateOptions = {}): InterpolateResult {
  const environ = opts.environ ?? process.env;
  const result: InterpolateResult = { value: undefined, diagnostics: [], substituted: [] };
  result.value = walk(value, [], { environ, positions: opts.positions, result });
  return result;
}

interface WalkCtx {
  environ: Record<string, string | undefined>;
  positions: PositionIndex | undefined;
  result: InterpolateResult;
}

// `path` is one array for the whole walk, pushed and popped (a copy per node cost more than the
// walk); only the diagnostics keep it, formatted.
function walk(value: unknown, path: (string | number)[], ctx: WalkCtx): unknown {
  if (typeof value === "string") return interpolateValue(value, path, ctx);
  if (Array.isArray(value)) return value.map((v, i) => walkChild(v, i, path, ctx));
  if (value === null || typeof value !== "object") return value;
  if (isSecrets(path)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = walkChild((value as Record<string, unknown>)[k], k, path, ctx);
    // defineProperty: a key named __proto__ stays a plain key instead of changing the prototype.
    if (k === "__proto__")
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

function walkChild(value: unknown, key: string | number, path: (string | number)[], ctx: WalkCtx): unknown {
  path.push(key);
  try {
    return walk(value, path, ctx);
  } finally {
    path.pop();
  }
}

function interpolateValue(s: string, path: (string | number)[], ctx: WalkCtx): unknown {
  if (!s.includes("$")) return s;
  const piece = interpolateString(s, ctx.environ);
  const dotted = formatPath(path);
  for (const e of piece.errors) {
    const where = dotted === "" ? "" : ` (in ${dotted})`;
    ctx.result.diagnostics.push({ severity: "error", path: dotted, ...e, message: `${e.message}${where}` });
  }
  for (const value of piece.substituted) ctx.result.substituted.push({ path: dotted, value });
  if (piece.errors.length === 0 && piece.whole && ctx.positions?.get(dotted)?.plain)
    return retype(piece.text);
  return piece.text;
}

/** `port: ${env:PORT}` should give a number, as `port: 8000` would; only core-schema numbers and booleans. */
function retype(text: string): unknown {
  if (/^[-+]?\d+$/.test(text)) return Number(text);
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  return text;
}

function isSecrets(p: (string | number)[]): boolean {
  if (p.length === 2) return p[0] === "service" && p[1] === "secrets";
  return p.length === 4 && p[0] === "environments" && p[2] === "service" && p[3] === "secrets";
}

/** ["targets", "lambda", "region"] → "targets.lambda.region"; numbers become "[i]". */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}
