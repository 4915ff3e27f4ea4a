// The position index of a document the `yaml` library composed (positions.ts holds the index
// itself, which the fast path builds without importing this library).

import { isAlias, isMap, isScalar, isSeq } from "yaml";
import type { Document, LineCounter, Node } from "yaml";
import type { Diagnostic } from "../errors.js";
import { PositionIndex, joinPath } from "./positions.js";
import type { Position, PositionEntry } from "./positions.js";

/**
 * Indexes every path of a parsed document and reports what converting it to a plain value
 * would choke on or silently mangle: aliases to no anchor or to their own parent (a cycle),
 * and keys that are not plain scalars.
 */
export function buildPositionIndex(
  doc: Document,
  lc: LineCounter,
  file: string,
  positions = new PositionIndex(),
): { positions: PositionIndex; diagnostics: Diagnostic[] } {
  const ctx: IndexCtx = { lc, positions, file, anchors: new Map(), open: new Set() };
  const diagnostics = isMap(doc.contents) ? indexChild(doc.contents, "", undefined, ctx) : [];
  return { positions, diagnostics };
}

function nodeKind(node: Node | null): PositionEntry["kind"] {
  if (isMap(node)) return "map";
  if (isSeq(node)) return "seq";
  return isAlias(node) ? "alias" : "scalar";
}

interface IndexCtx {
  lc: LineCounter;
  positions: PositionIndex;
  file: string;
  /** Anchor name → its node, as defined so far in document order. */
  anchors: Map<string, Node>;
  /** Anchored nodes being walked: an alias to one of them is a cycle. */
  open: Set<Node>;
}

function indexChild(
  node: Node | null,
  path: string,
  keyPos: Position | undefined,
  ctx: IndexCtx,
): Diagnostic[] {
  // An empty value (`service:`) has a zero-width node after the colon; its key reads better.
  const empty = node?.range != null && node.range[0] === node.range[1];
  const value = (node && !empty ? nodePos(ctx.lc, node) : undefined) ?? keyPos;
  const kind = nodeKind(node);
  const plain = isScalar(node) && node.type === "PLAIN";
  if (value) ctx.positions.set(path, { value, ...(keyPos ? { key: keyPos } : {}), kind, plain });
  return node ? indexNode(node, path, ctx) : [];
}

/** Records every path's position and finds what toJS would choke on: bad aliases, complex keys. */
function indexNode(node: Node, path: string, ctx: IndexCtx): Diagnostic[] {
  if (isAlias(node)) return aliasDiagnostics(node.source, node, path, ctx);
  if (node.anchor) {
    ctx.anchors.set(node.anchor, node);
    ctx.open.add(node);
  }
  const diags: Diagnostic[] = [];
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (key !== null && !(isScalar(key) && !key.anchor)) {
        const hint = "write the key as a plain word, e.g. `region:`";
        diags.push(nodeDiag(ctx, key, path, "complex-key", "mapping keys must be plain strings", hint));
        continue;
      }
      const childPath = joinPath(path, key === null ? "" : String(key.value ?? ""));
      const keyPos = key ? nodePos(ctx.lc, key) : undefined;
      diags.push(...indexChild(pair.value as Node | null, childPath, keyPos, ctx));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) =>
      diags.push(...indexChild(item as Node | null, `${path}[${i}]`, undefined, ctx)),
    );
  }
  ctx.open.delete(node);
  return diags;
}

function aliasDiagnostics(source: string, node: Node, path: string, ctx: IndexCtx): Diagnostic[] {
  const target = ctx.anchors.get(source);
  if (!target) {
    const message = `alias *${source} refers to no anchor &${source} defined before it`;
    const hint = "define the anchor (&name) before the alias (*name)";
    return [nodeDiag(ctx, node, path, "unresolved-alias", message, hint)];
  }
  if (ctx.open.has(target)) {
    const message = `alias *${source} refers to a block that contains it`;
    const hint = "an alias cannot point to one of its own parents";
    return [nodeDiag(ctx, node, path, "circular-alias", message, hint)];
  }
  return [];
}

function nodeDiag(
  ctx: IndexCtx,
  node: Node,
  path: string,
  code: string,
  message: string,
  hint: string,
): Diagnostic {
  return { severity: "error", code, message, path, file: ctx.file, ...nodePos(ctx.lc, node), hint };
}

export function nodePos(lc: LineCounter, node: Node): Position | undefined {
  if (!node.range) return undefined;
  const { line, col } = lc.linePos(node.range[0]);
  return { line, column: col };
}
