// JSON pointers into an OpenAPI file, and the file:line:column they point at. The validators
// speak in pointers (`/paths/~1pets/get/responses`); people fix files, so every pointer is walked
// down the `yaml` library's document (JSON is YAML) to the node, whose offset the LineCounter
// turns into a line and column. A pointer that runs past what the file holds (a missing key)
// stops at the deepest node that exists: that is where the key must be added.

import { isMap, isScalar, isSeq } from "yaml";
import type { Document, LineCounter, Node, Pair } from "yaml";
import type { Position } from "../manifest/positions.js";

export type Segment = string;

/** `/paths/~1pets/get` → `["paths", "/pets", "get"]` (RFC 6901); `""` and `"#"` are the root. */
export function parsePointer(pointer: string): Segment[] {
  const p = pointer.startsWith("#") ? decodeURIComponent(pointer.slice(1)) : pointer;
  if (p === "") return [];
  return p
    .slice(p.startsWith("/") ? 1 : 0)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function formatPointer(segments: readonly Segment[]): string {
  return segments.map((s) => `/${s.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** How diagnostics name a place in the document, as Spectral prints it: `paths./pets.get`. */
export function displayPath(segments: readonly Segment[]): string {
  return segments.join(".");
}

export interface Located {
  /** The segments that exist in the file (a prefix of the ones asked for). */
  found: Segment[];
  /** Where the deepest node found starts (its key, for a mapping entry asked for as a key). */
  position: Position;
}

function pairOf(node: Node, key: Segment): Pair<unknown, unknown> | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

function childOf(node: Node, key: Segment): { value: Node | undefined; key?: Node } | undefined {
  const pair = pairOf(node, key);
  if (pair) return { value: (pair.value ?? undefined) as Node | undefined, key: pair.key as Node };
  if (isSeq(node) && /^\d+$/.test(key)) {
    const item = node.items[Number(key)] as Node | undefined;
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

function startOf(lc: LineCounter, node: Node | undefined): Position | undefined {
  if (!node?.range) return undefined;
  const { line, col } = lc.linePos(node.range[0]);
  return { line, column: col };
}

/**
 * The position of `segments` in the document, or of the deepest part of it that exists.
 * `atKey`: a mapping entry is reported at its key even when its value is a scalar.
 */
export function locate(
  doc: Document,
  lc: LineCounter,
  segments: readonly Segment[],
  opts: { atKey?: boolean } = {},
): Located {
  let node = doc.contents as Node | null;
  let keyNode: Node | undefined;
  const found: Segment[] = [];
  for (const seg of segments) {
    const child = node ? childOf(node, seg) : undefined;
    if (!child) break;
    found.push(seg);
    keyNode = child.key;
    node = child.value ?? null;
    if (!node) break;
  }
  const complete = found.length === segments.length;
  // A mapping or list, an empty value (`get:`), or a pointer that ran past the file, reads best
  // from its key; a scalar from its value.
  const collection = isMap(node) || isSeq(node);
  const preferKey = keyNode && (opts.atKey === true || !node || !complete || collection);
  const position = (preferKey ? startOf(lc, keyNode) : startOf(lc, node ?? undefined)) ??
    startOf(lc, keyNode) ?? { line: 1, column: 1 };
  return { found, position };
}
