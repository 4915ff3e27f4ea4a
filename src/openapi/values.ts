// Small readers of plain JSON values, for walking OpenAPI documents without casting everywhere.

import { parsePointer } from "./pointer.js";

export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The HTTP methods a path item may hold, in the order the specification lists them. */
export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
export type Method = (typeof METHODS)[number];

/**
 * The target of a local reference (`#/components/...`), following chained references; the value
 * itself when it is not a reference. External references are resolved by the parser's bundle or
 * dereference before anything here reads them.
 */
export function resolveLocal(root: unknown, value: unknown, hops = 0): unknown {
  if (!isRecord(value) || typeof value.$ref !== "string" || hops > 20) return value;
  const ref = value.$ref;
  if (!ref.startsWith("#")) return value;
  let node: unknown = root;
  for (const s of parsePointer(ref)) {
    if (Array.isArray(node)) node = node[Number(s)];
    else if (isRecord(node)) node = node[s];
    else return value;
  }
  return resolveLocal(root, node, hops + 1);
}
