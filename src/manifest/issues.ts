// Turns zod issues into diagnostics a person can act on: a sentence naming the place and what
// is wrong, and a hint saying what to write instead. Zod's own messages ("Invalid input:
// expected string, received number") never reach a user.

import type { z } from "zod";
import type { Diagnostic } from "../errors.js";
import { BAIL, fastParser, INVALID } from "./fast-parse.js";
import type { PathSegment } from "./merge.js";

type Issue = z.core.$ZodIssue;

/** Messages the schema writes itself, mapped to the hint that goes with each. */
const OWN_HINTS = new Map<string, string>();

/** Registers a schema message of our own (a predicate: "must be ...") with its hint. */
export function own(message: string, hint: string): string {
  OWN_HINTS.set(message, hint);
  return message;
}

const KNOWN_KEYS = "\u0000known:";

// Zod's final unrecognized_keys issue does not say which keys the object takes; the raw issue
// still has the schema, so the list rides in the message to `toDiagnostics`.
const errorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code !== "unrecognized_keys") return undefined;
  const def = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return KNOWN_KEYS + JSON.stringify(Object.keys(def?.shape ?? {}));
};

export type ParseResult<T> =
  { ok: true; data: T; issues: [] } | { ok: false; data?: undefined; issues: Issue[] };

/**
 * safeParse with the error map and inputs that `toDiagnostics` needs. A valid value's output
 * comes from the schema's fast path (fast-parse.ts) when it has one; anything else, every
 * failure included, is zod's own parse.
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): ParseResult<z.output<S>> {
  const fast = fastParser(schema);
  if (fast) {
    const out = fastOutput(fast, value);
    if (out !== BAIL && out !== INVALID) return { ok: true, data: out as z.output<S>, issues: [] };
  }
  // jitless: zod otherwise compiles a parser per object schema on its first parse (new Function),
  // which a run parsing one manifest never earns back (~9 ms of a 270 ms validate), and which
  // measured slower on a 400-manifest plan too.
  const r = schema.safeParse(value, { error: errorMap, reportInput: true, jitless: true });
  return r.success ? { ok: true, data: r.data, issues: [] } : { ok: false, issues: r.error.issues };
}

/** The fast path's output; BAIL when a check or transform throws, for zod to throw or report. */
function fastOutput(fast: (v: unknown) => unknown, value: unknown): unknown {
  try {
    return fast(value);
  } catch {
    return BAIL;
  }
}

/** "targets.lambda.region", "environments.production.targets[1]"; "" for the document. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The candidate closest to `word`, when it is close enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // A third of the word may be wrong, but never all of it ("c" is not a typo of "a").
  const limit = Math.min(Math.max(1, Math.floor(word.length / 3)), word.length - 1);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= limit ? best : undefined;
}

/** " (did you mean "x"?)" or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = closest(word, candidates);
  return s === undefined ? "" : ` (did you mean "${s}"?)`;
}

export interface IssueContext {
  file: string;
  /** Maps a path inside the parsed value to its path in the manifest. */
  locate: (path: readonly PathSegment[]) => PathSegment[];
}

interface Draft {
  code: string;
  path: PathSegment[];
  message: string;
  hint: string;
}

export function toDiagnostics(issues: readonly Issue[], ctx: IssueContext): Diagnostic[] {
  return issues.flatMap((iss) => draftsOf(iss, [])).map((d) => finish(d, ctx));
}

function finish(d: Draft, ctx: IssueContext): Diagnostic {
  const path = ctx.locate(d.path);
  const label = formatPath(path) || "the manifest";
  const parent = formatPath(path.slice(0, -1)) || "the manifest";
  const fill = (s: string) => s.replaceAll("{label}", label).replaceAll("{parent}", parent);
  const hint = fill(d.hint) || "see `apiship schema` for what this field takes";
  return {
    severity: "error",
    code: d.code,
    message: fill(d.message),
    path: formatPath(path),
    file: ctx.file,
    hint,
  };
}

function shown(iss: Issue): string {
  const v = iss.input;
  if (typeof v === "string" && v.length <= 60 && !/[\n\r]/.test(v)) return ` "${v}"`;
  if (typeof v === "number" || typeof v === "boolean") return ` ${String(v)}`;
  return "";
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return "text";
  if (typeof v === "boolean") return "true/false";
  return `a ${typeof v}`;
}

const EXPECTED: Record<string, [phrase: string, hint: string]> = {
  string: ["text", 'quote the value if YAML reads it as something else, e.g. "8.0"'],
  number: ["a number", "write a number without quotes"],
  int: ["a whole number", "write a whole number without quotes"],
  boolean: ["true or false", "write true or false without quotes"],
  object: ["a mapping", "write key: value pairs indented below the key"],
  record: ["a mapping", "write key: value pairs indented below the key"],
  array: ["a list", "write [a, b] or one '- item' per line"],
};

function draftsOf(iss: Issue, base: PathSegment[]): Draft[] {
  const path = [...base, ...(iss.path as PathSegment[])];
  switch (iss.code) {
    case "unrecognized_keys":
      return unknownKeys(iss, path);
    case "invalid_type":
      return [invalidType(iss, path)];
    case "too_small":
    case "too_big":
      return [range(iss, path)];
    case "invalid_value":
      return [invalidValue(iss, path)];
    case "invalid_union":
      return union(iss, path);
    case "invalid_key":
      return iss.issues.map((inner) => ({
        code: "invalid-key",
        path,
        message: `{parent} has an invalid key "${String(path.at(-1))}": it ${ownOr(inner.message, "is not allowed here")}`,
        hint: hintOf(inner.message, "rename the key"),
      }));
    case "custom": {
      const hint = (iss.params as { hint?: unknown } | undefined)?.hint;
      return [
        {
          code: "invalid-value",
          path,
          message: `{label} ${ownOr(iss.message, "is not valid")}`,
          hint: typeof hint === "string" ? hint : hintOf(iss.message, ""),
        },
      ];
    }
    default:
      return [
        {
          code: "invalid-value",
          path,
          message: `{label}${safe(iss, path)} ${ownOr(iss.message, "is not valid")}`,
          hint: hintOf(iss.message, "see `apiship schema` for what this field takes"),
        },
      ];
  }
}

// Zod's built-in messages start like this; anything else was written by a schema author (ours or
// a platform's) as a predicate ("must be an AWS region such as ...") and is worth showing.
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized|Expected|Input not instance)/;

function isAuthored(message: string): boolean {
  return OWN_HINTS.has(message) || !(ZOD_DEFAULT.test(message) || message.startsWith(KNOWN_KEYS));
}

function ownOr(message: string, fallback: string): string {
  return isAuthored(message) ? message : fallback;
}

function hintOf(message: string, fallback: string): string {
  return OWN_HINTS.get(message) ?? fallback;
}

/** The value in quotes, unless the place holds env values or secrets. */
function safe(iss: Issue, path: readonly PathSegment[]): string {
  return path.some((s) => s === "env" || s === "secrets") ? "" : shown(iss);
}

function unknownKeys(iss: Extract<Issue, { code: "unrecognized_keys" }>, path: PathSegment[]): Draft[] {
  const known: string[] = iss.message.startsWith(KNOWN_KEYS)
    ? (JSON.parse(iss.message.slice(KNOWN_KEYS.length)) as string[])
    : [];
  return iss.keys.map((key) => ({
    code: "unknown-key",
    path: [...path, key],
    message: `unknown key "${key}" in {parent}${didYouMean(key, known)}`,
    hint: known.length > 0 ? `{parent} takes: ${known.join(", ")}` : "remove the key",
  }));
}

function invalidType(iss: Extract<Issue, { code: "invalid_type" }>, path: PathSegment[]): Draft {
  const [phrase, hint] = EXPECTED[iss.expected] ?? [
    iss.expected,
    "see `apiship schema` for what this field takes",
  ];
  const authored = isAuthored(iss.message);
  if (iss.input === undefined) {
    const key = String(path.at(-1) ?? "");
    return {
      code: "missing-key",
      path,
      message: `{parent} is missing "${key}"`,
      hint: authored ? `add ${key}: it ${iss.message}` : `add ${key}: (${phrase}) to {parent}`,
    };
  }
  if (authored)
    return { code: "invalid-type", path, message: `{label} ${iss.message}`, hint: hintOf(iss.message, hint) };
  return {
    code: "invalid-type",
    path,
    message: `{label} must be ${phrase}, but is ${describe(iss.input)}`,
    hint,
  };
}

function range(iss: Extract<Issue, { code: "too_small" | "too_big" }>, path: PathSegment[]): Draft {
  const small = iss.code === "too_small";
  const bound = Number(
    small ? (iss as { minimum: number | bigint }).minimum : (iss as { maximum: number | bigint }).maximum,
  );
  const inclusive = iss.inclusive !== false;
  const cmp = small ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
  const unit =
    iss.origin === "string"
      ? " characters long"
      : iss.origin === "array"
        ? ` item${bound === 1 ? "" : "s"}`
        : "";
  const what = iss.origin === "array" ? "must list" : "must be";
  const actual =
    typeof iss.input === "number" && !path.some((s) => s === "env") ? ` (it is ${iss.input})` : "";
  return {
    code: "out-of-range",
    path,
    message: `{label} ${what} ${cmp} ${bound}${unit}${actual}`,
    hint: hintOf(iss.message, `use a value ${cmp} ${bound}`),
  };
}

function invalidValue(iss: Extract<Issue, { code: "invalid_value" }>, path: PathSegment[]): Draft {
  const values = iss.values.map((v) => String(v));
  if (values.length === 1) {
    return {
      code: "invalid-value",
      path,
      message: `{label} must be "${values[0]}"`,
      hint: `write ${String(path.at(-1))}: ${values[0]}`,
    };
  }
  const input = typeof iss.input === "string" ? iss.input : "";
  return {
    code: "invalid-value",
    path,
    message: `{label}${safe(iss, path)} is not one of ${values.join(", ")}${didYouMean(input, values)}`,
    hint: `allowed values: ${values.join(", ")}`,
  };
}

function union(iss: Extract<Issue, { code: "invalid_union" }>, path: PathSegment[]): Draft[] {
  const branches = iss.errors;
  const rootTypes = branches.every(
    (b) => b.length === 1 && b[0]?.code === "invalid_type" && b[0].path.length === 0,
  );
  if (rootTypes || branches.length === 0) {
    const phrases = branches.map((b) =>
      b[0]?.code === "invalid_type" ? (EXPECTED[b[0].expected]?.[0] ?? b[0].expected) : "valid",
    );
    const list =
      phrases.length > 1
        ? `${phrases.slice(0, -1).join(", ")} or ${phrases.at(-1)}`
        : (phrases[0] ?? "valid");
    return [
      {
        code: "invalid-type",
        path,
        message: `{label} must be ${list}, but is ${describe(iss.input)}`,
        hint: "",
      },
    ];
  }
  // The branch that got furthest is the one the user meant: fewest issues, deepest paths.
  const best = [...branches].sort((a, b) => a.length - b.length || depth(b) - depth(a))[0] ?? [];
  return best.flatMap((sub) => draftsOf(sub, path));
}

function depth(issues: readonly Issue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}
