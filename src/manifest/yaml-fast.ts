// The fast path of manifest parsing. The `yaml` library is what reports problems well (positions,
// duplicate keys, alias bombs, depth), but it composes a full document with ranges and costs
// ~2 ms per small manifest before V8 warms up: 400 manifests spent ~0.9 s in it, most of an
// offline plan. js-yaml 4 reads the same text to a plain value about 20× faster. So js-yaml
// reads the manifests that use nothing but plain YAML, and anything else (an error, an anchor,
// a tag, a directive, an explicit or complex key, a merge key) goes to the `yaml` path, which
// also builds the position index whenever a diagnostic needs one (positions.ts).
//
// The value must be exactly what the `yaml` path gives, so plain scalars resolve with the
// `yaml` library's own YAML 1.2 core schema (node_modules/yaml/dist/schema/core), not js-yaml's,
// which also reads `0b101`, `+0o7` as numbers and `+.5` as a string.

import jsyaml from "js-yaml";

/** No manifest nests this deep, and yaml's recursive composer can exhaust the stack (even abort
 * V8) on a few KiB of `- - - …`, so deeper input is refused on the iterative CST first. */
export const MAX_NESTING = 64;

/**
 * A cheap upper bound on the nesting depth, so the exact check below (a second, CST-level parse)
 * runs only for text that could be too deep. Each block level needs more indentation or an
 * indicator (`-`, `?`) than its parent, except a sequence under a key at the same indentation
 * (hence the factor 2); each flow level needs a bracket.
 */
export function mayNestTooDeep(source: string): boolean {
  let brackets = 0;
  let worst = 0;
  for (const line of source.split("\n")) {
    let indent = 0;
    while (indent < line.length && (line[indent] === " " || line[indent] === "\t")) indent++;
    let indicators = 0;
    for (let i = indent; i < line.length; i++) {
      const ch = line[i];
      if (ch === "[" || ch === "{") brackets++;
      else if (ch === "-" || ch === "?") indicators++;
    }
    worst = Math.max(worst, indent + indicators);
  }
  return 2 * (worst + 1) + brackets > MAX_NESTING;
}

// js-yaml asks each type below of every plain scalar. The cheap length and first-character
// checks turn away the names, images and regions most scalars are before any regex runs (the
// regexes were a sizeable share of what parsing 400 manifests allocated); each check only
// restates what its regex already requires.

/** A digit, a sign, or with `dot` a ".": how every int (and float) spelling starts. */
function startsNumber(s: string, dot: boolean): boolean {
  const c = s.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || (dot && c === 46);
}

const nullType = new jsyaml.Type("tag:yaml.org,2002:null", {
  kind: "scalar",
  resolve: (s: string) => s.length <= 4 && /^(?:~|[Nn]ull|NULL)?$/.test(s),
  construct: () => null,
});

const boolType = new jsyaml.Type("tag:yaml.org,2002:bool", {
  kind: "scalar",
  resolve: (s: string) => (s.length === 4 || s.length === 5) && /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s),
  construct: (s: string) => s[0] === "t" || s[0] === "T",
});

const intType = new jsyaml.Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (s: string) => startsNumber(s, false) && /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/.test(s),
  construct: (s: string) =>
    s.startsWith("0o")
      ? parseInt(s.slice(2), 8)
      : s.startsWith("0x")
        ? parseInt(s.slice(2), 16)
        : parseInt(s, 10),
});

const floatType = new jsyaml.Type("tag:yaml.org,2002:float", {
  kind: "scalar",
  resolve: (s: string) =>
    startsNumber(s, true) &&
    (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s) ||
      /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) ||
      /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)),
  construct: (s: string) => {
    if (/nan$/i.test(s)) return NaN;
    if (/inf$/i.test(s)) return s[0] === "-" ? -Infinity : Infinity;
    return parseFloat(s);
  },
});

// FAILSAFE has only str, seq and map: every plain scalar is typed by the four above, and no
// tag, timestamp, binary or merge type is known, so a document using one fails here and takes
// the `yaml` path.
const SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });

/**
 * Features the fast path leaves to the `yaml` path, found with a cheap scan of the text. A false
 * alarm (say `&` at the start of a quoted word) only costs the slower parse.
 */
const SLOW_PATH = new RegExp(
  [
    /^\s*%/.source, // a directive (%YAML 1.1 changes scalar types)
    /(?:^|[\s,[{])[&*!]/.source, // an anchor, an alias or a tag
    /(?:^|[\s,[{])\?(?:\s|$)/.source, // an explicit key
    /[\]}]\s*:(?:\s|$)/.source, // a collection as a key
    /(?:^|[\s,{])(?:~|null|Null|NULL)\s*:(?:\s|$)/.source, // a null key: `yaml` makes it ""
    /<</.source, // a merge key
    /__proto__/.source,
  ].join("|"),
  "m",
);

/** The manifest's value, or undefined when the `yaml` path must read it (see above). */
export function fastParse(source: string): Record<string, unknown> | undefined {
  if (SLOW_PATH.test(source)) return undefined;
  let value: unknown;
  try {
    value = jsyaml.load(source, { schema: SCHEMA });
  } catch {
    return undefined; // every error is reported by the `yaml` path, with its position
  }
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
