// Durations are written as strings in the manifest ("5s", "500ms", "1m30s") because a bare
// number is ambiguous (seconds? milliseconds?). The engine only sees milliseconds.

import { UsageError } from "../errors.js";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** One or more `<number><unit>` groups, largest unit first: "2m", "1m30s", "1.5s", "250ms". */
export const DURATION_PATTERN = "^(\\d+(\\.\\d+)?(ms|s|m|h))+$";
const GROUP = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const WHOLE = new RegExp(DURATION_PATTERN);

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string; hint: string };

const HINT = 'write a number followed by a unit: "500ms", "5s", "2m", "1h" (or combined, "1m30s")';

/** Parses a duration without throwing, so schema checks can turn a failure into a diagnostic. */
export function tryParseDuration(input: unknown): DurationResult {
  if (typeof input === "number") {
    return {
      ok: false,
      message: `${input} has no unit`,
      hint: `durations are strings with a unit, e.g. "${input}s" or "${input}ms"`,
    };
  }
  if (typeof input !== "string") return { ok: false, message: "is not a duration", hint: HINT };
  // A manifest spells the same few durations ("5s", "30s") and each is read several times
  // (schema, normalisation, fit checks), for every manifest of a large plan.
  let r = PARSED.get(input);
  if (!r) {
    r = Object.freeze(parseText(input.trim()));
    if (PARSED.size >= 512) PARSED.clear();
    PARSED.set(input, r);
  }
  return r;
}

const PARSED = new Map<string, DurationResult>();

function parseText(text: string): DurationResult {
  if (/^\d+(\.\d+)?$/.test(text)) {
    return { ok: false, message: `"${text}" has no unit`, hint: `did you mean "${text}s" or "${text}ms"?` };
  }
  if (!WHOLE.test(text)) return { ok: false, message: `"${text}" is not a duration`, hint: HINT };
  let ms = 0;
  let lastUnit = Infinity;
  // exec on the shared global regex: matchAll would build a copy of it for every call.
  GROUP.lastIndex = 0;
  for (let m = GROUP.exec(text); m; m = GROUP.exec(text)) {
    const [, amount, unit] = m;
    const size = UNIT_MS[unit as Unit];
    if (size >= lastUnit) {
      return {
        ok: false,
        message: `"${text}" repeats or reorders units`,
        hint: 'write the largest unit first, each once: "1h30m", "1m30s"',
      };
    }
    lastUnit = size;
    ms += Number(amount) * size;
  }
  return { ok: true, ms: Math.round(ms) };
}

/** Parses a duration given on the command line; throws a UsageError saying how to write one. */
export function parseDuration(input: string, what = "duration"): number {
  const r = tryParseDuration(input);
  if (!r.ok) throw new UsageError(`${what} ${r.message}`, { hint: r.hint });
  return r.ms;
}

/** Renders milliseconds back into the shortest exact manifest spelling ("90000" → "1m30s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const unit of ["h", "m", "s"] as const) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return rest > 0 ? `${out}${rest}ms` : out;
}
