// Parsing manifest text with the `yaml` library: text → YAML document → plain value, plus the
// position index that lets every later diagnostic (interpolation, validation) say
// file:line:column. Everything a user can get wrong here becomes a positioned Diagnostic.
// Plain YAML takes the fast path of yaml-fast.ts; the position index is then built on demand.
// The loader reaches this module through parse.ts, which imports it only when it is needed;
// reading the file is read.ts's.

import { LineCounter, Parser, isAlias, isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { Document, Node, YAMLError } from "yaml";
import type { Diagnostic } from "../errors.js";
import { problemsError } from "./format.js";
import { PositionIndex } from "./positions.js";
import { buildPositionIndex, nodePos } from "./yaml-positions.js";
import { MAX_NESTING, fastParse, mayNestTooDeep } from "./yaml-fast.js";
import { diag } from "./read.js";

export { MAX_MANIFEST_BYTES, invalidUtf8Offset, readManifestFile } from "./read.js";

/** Expanded aliases allowed; a real manifest reuses a block a handful of times. */
export const MAX_ALIAS_COUNT = 100;
export { MAX_NESTING } from "./yaml-fast.js";

export interface ParsedManifest {
  value: Record<string, unknown>;
  positions: PositionIndex;
  /** YAML warnings (unknown tags, ...); errors are thrown. */
  warnings: Diagnostic[];
}

const fail = problemsError;

/** Parses manifest text into a plain value and a position index; throws ManifestError with every problem. */
export function parseManifestText(text: string, file: string): ParsedManifest {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const mayBeDeep = mayNestTooDeep(source);
  const fast = mayBeDeep ? undefined : fastParse(source);
  if (fast) {
    // Text js-yaml read without complaint holds nothing the `yaml` path would warn about
    // (yaml-fast.ts): it is parsed again, with positions, only if a position is asked for.
    const positions = new PositionIndex((index) => indexPositions(source, file, index));
    return { value: fast, positions, warnings: [] };
  }
  const lc = new LineCounter();
  const deep = mayBeDeep ? nestingTooDeep(source) : undefined;
  if (deep !== undefined) throw fail(file, [depthDiagnostic(file, source, deep)]);
  const doc = parseDocument(source, documentOptions(lc));
  const diags = [
    ...doc.errors.map((e) => yamlDiagnostic(e, "error", file, doc, lc)),
    ...doc.warnings.map((e) => yamlDiagnostic(e, "warning", file, doc, lc)),
    ...shapeDiagnostics(doc, file, lc),
  ];
  const { positions, diagnostics } = buildPositionIndex(doc, lc, file);
  diags.push(...diagnostics);
  if (diags.some((d) => d.severity === "error")) throw fail(file, diags);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/excessive alias/i.test(e.message)) throw e;
    throw fail(file, [...diags, aliasLimitDiagnostic(doc, file, lc)]);
  }
  return { value: value as Record<string, unknown>, positions, warnings: diags };
}

/** Fills `index` with where each path of `source` (text the fast path read) sits. */
export function indexPositions(source: string, file: string, index: PositionIndex): void {
  const lc = new LineCounter();
  buildPositionIndex(parseDocument(source, documentOptions(lc)), lc, file, index);
}

function documentOptions(lineCounter: LineCounter) {
  return {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: true,
    logLevel: "error",
    // `<<: *base` is how compose files reuse a block; users bring the habit along.
    merge: true,
  } as const;
}

/** Offset of the first collection nested deeper than MAX_NESTING, walking the CST without recursion. */
function nestingTooDeep(source: string): number | undefined {
  type Tok = { type: string; offset: number; value?: unknown; items?: { key?: unknown; value?: unknown }[] };
  for (const root of new Parser().parse(source)) {
    const stack: [Tok, number][] = [[root as Tok, 0]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [tok, d] = top;
      const depth = /^(block-map|block-seq|flow-collection)$/.test(tok.type) ? d + 1 : d;
      if (depth > MAX_NESTING) return tok.offset;
      const kids = [tok.value, ...(tok.items ?? []).flatMap((it) => [it.key, it.value])];
      for (const k of kids) if (k !== null && typeof k === "object") stack.push([k as Tok, depth]);
    }
  }
  return undefined;
}

function depthDiagnostic(file: string, source: string, offset: number): Diagnostic {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  const where = { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
  const hint = "a manifest needs only a few levels; look for a runaway list or unclosed brackets";
  return diag(file, "nesting-too-deep", `the YAML nests more than ${MAX_NESTING} levels deep`, hint, where);
}

const YAML_CODES: Record<string, string> = {
  DUPLICATE_KEY: "duplicate-key",
  MULTIPLE_DOCS: "multi-document",
  TAG_RESOLVE_FAILED: "unknown-tag",
};
const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: "a key may appear once in a mapping; remove or rename one of them",
  MULTIPLE_DOCS:
    "a manifest is one YAML document: remove the `---` separator, or give each service its own file and pass several -f",
  TAB_AS_INDENT: "YAML does not allow tabs for indentation; indent with spaces",
  BAD_INDENT: "indent nested keys with spaces, consistently, and close every [ and {",
  TAG_RESOLVE_FAILED: "apiship does not use YAML tags; remove the `!tag`",
};

function yamlDiagnostic(
  e: YAMLError,
  severity: Diagnostic["severity"],
  file: string,
  doc: Document,
  lc: LineCounter,
): Diagnostic {
  const start = e.linePos?.[0];
  let message = e.message.replace(/ at line \d+, column \d+(:\n[\s\S]*)?$/, "");
  if (e.code === "DUPLICATE_KEY") message = duplicateKeyMessage(doc, e.pos[0], lc) ?? message;
  if (/maximum call stack/i.test(message)) message = "the YAML nests too deeply to parse";
  if (e.code === "MULTIPLE_DOCS")
    message = "the file holds more than one YAML document (a second one starts here)";
  const fallbackHint =
    severity === "error" ? "check the YAML syntax at this position" : "check the YAML here";
  return {
    ...diag(
      file,
      YAML_CODES[e.code] ?? (severity === "error" ? "yaml-syntax" : "yaml-warning"),
      message,
      "",
      {},
    ),
    severity,
    ...(start ? { line: start.line, column: start.col } : {}),
    hint: YAML_HINTS[e.code] ?? fallbackHint,
  };
}

function duplicateKeyMessage(doc: Document, offset: number, lc: LineCounter): string | undefined {
  const seek = (node: unknown): string | undefined => {
    if (isSeq(node)) return firstDefined(node.items, seek);
    if (!isMap(node)) return undefined;
    const keys = node.items.map((p) => p.key);
    const dup = keys.findIndex((k) => isScalar(k) && k.range?.[0] === offset);
    const key = keys[dup];
    if (isScalar(key)) {
      const earlier = keys.find((k) => isScalar(k) && k.value === key.value);
      const line = isScalar(earlier) && earlier !== key ? nodePos(lc, earlier)?.line : undefined;
      return `duplicate key "${String(key.value)}"` + (line ? ` (first defined on line ${line})` : "");
    }
    return firstDefined(node.items, (p) => seek(p.value));
  };
  return seek(doc.contents);
}

function firstDefined<T, R>(items: readonly T[], f: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const r = f(item);
    if (r !== undefined) return r;
  }
  return undefined;
}

function shapeDiagnostics(doc: Document, file: string, lc: LineCounter): Diagnostic[] {
  const node = doc.contents;
  if (node === null || (isScalar(node) && node.value === null)) {
    const hint = "start with `apiVersion: apiship/v1`, then `name:`, `service:` and `targets:`";
    return [diag(file, "empty-document", "the manifest is empty", hint, { line: 1, column: 1 })];
  }
  if (isMap(node)) return [];
  const kind = isSeq(node) ? "a list" : isAlias(node) ? "an alias" : "a single value";
  const message = `the top level of the manifest must be a mapping (key: value), found ${kind}`;
  return [
    diag(
      file,
      "not-a-mapping",
      message,
      "start with `apiVersion: apiship/v1` on its own line",
      nodePos(lc, node),
    ),
  ];
}

function aliasLimitDiagnostic(doc: Document, file: string, lc: LineCounter): Diagnostic {
  const firstAlias = (node: unknown): Node | undefined => {
    if (isAlias(node)) return node;
    if (isMap(node)) return firstDefined(node.items, (p) => firstAlias(p.value));
    return isSeq(node) ? firstDefined(node.items, firstAlias) : undefined;
  };
  const first = firstAlias(doc.contents);
  const message = `the YAML aliases expand to more than ${MAX_ALIAS_COUNT} copies (an "alias bomb")`;
  const hint = "reuse blocks with aliases (*name) a few times only, not aliases of blocks full of aliases";
  return diag(file, "alias-limit", message, hint, first ? nodePos(lc, first) : {});
}
