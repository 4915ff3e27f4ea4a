// Where the parser's other messages point. Its specification checks (duplicate operationIds,
// path parameters, arrays without items) and its reference errors are text only; each names
// its place in a way this module reads back into pointer segments:
//   "`/paths/pets/{id}/get` is missing path parameter(s) for `{id}`."   (ids are /paths + key)
//   "The operationId `list` is duplicated and must be made unique."
//   'Missing $ref pointer "#/components/schemas/Pett". Token "Pett" does not exist.'
//   "Error opening file /api/schemas/pet.yaml: ENOENT ..."
// A message none of these fits is reported at the top of the document.

import { basename } from "node:path";
import type { Segment } from "./pointer.js";
import { parsePointer } from "./pointer.js";
import { METHODS, isRecord, resolveLocal } from "./values.js";

/** Is this one of the parser's schema errors (a headline and a code frame of its JSON)? */
export function isSchemaMessage(message: string): boolean {
  return /\n\s*>?\s*\d+ \|/.test(message);
}

/** The message without the parser's code frame, which shows its own JSON rendering, not the file. */
export function headline(message: string): string {
  return (message.split("\n\n")[0] ?? message).trim();
}

/**
 * Walks `/paths/pets/{id}/get` down the document: keys may themselves hold `/` (path templates,
 * media types), so at each level the longest key the rest starts with wins. A reference on the
 * way is followed: the place to fix is the definition it names.
 */
export function walkLoose(root: unknown, id: string): Segment[] {
  let node: unknown = root;
  let segments: Segment[] = [];
  let rest = id;
  for (let hops = 0; hops < 100; hops++) {
    if (isRecord(node) && typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
      segments = parsePointer(node.$ref);
      node = resolveLocal(root, node);
      continue;
    }
    if (rest === "" || rest === "/") break;
    const keys = isRecord(node)
      ? Object.keys(node)
      : Array.isArray(node)
        ? node.map((_, i) => String(i))
        : [];
    const fits = (k: string) => {
      const head = k.startsWith("/") ? k : `/${k}`;
      return rest === head || rest.startsWith(`${head}/`) ? head.length : -1;
    };
    const best = keys.reduce<{ key?: string; len: number }>(
      (acc, k) => (fits(k) > acc.len ? { key: k, len: fits(k) } : acc),
      { len: -1 },
    );
    if (best.key === undefined) break;
    segments = [...segments, best.key];
    node = isRecord(node) ? node[best.key] : (node as unknown[])[Number(best.key)];
    rest = rest.slice(best.len);
  }
  return segments;
}

function operations(doc: unknown): { segments: Segment[]; op: Record<string, unknown> }[] {
  const paths = isRecord(doc) && isRecord(doc.paths) ? doc.paths : {};
  return Object.entries(paths).flatMap(([p, item]) =>
    METHODS.flatMap((m) => {
      const op = isRecord(item) ? item[m] : undefined;
      return isRecord(op) ? [{ segments: ["paths", p, m], op }] : [];
    }),
  );
}

/** Every `$ref` in the document whose value satisfies `test`, in document order. */
function refsWhere(node: unknown, test: (ref: string) => boolean, at: Segment[] = []): Segment[][] {
  if (Array.isArray(node)) return node.flatMap((v, i) => refsWhere(v, test, [...at, String(i)]));
  if (!isRecord(node)) return [];
  const here = typeof node.$ref === "string" && test(node.$ref) ? [[...at, "$ref"]] : [];
  return [...here, ...Object.entries(node).flatMap(([k, v]) => refsWhere(v, test, [...at, k]))];
}

/** The pointer segments a parser message is about; [] for the document as a whole. */
export function segmentsOf(message: string, doc: unknown): Segment[] {
  const duplicate = /operationId `([^`]+)` is duplicated/.exec(message);
  if (duplicate) {
    const same = operations(doc).filter((o) => o.op.operationId === duplicate[1]);
    const second = same[1] ?? same[0];
    return second ? [...second.segments, "operationId"] : [];
  }
  const missing = /Missing \$ref pointer "([^"]+)"/.exec(message);
  if (missing) return refsWhere(doc, (r) => r === missing[1])[0] ?? [];
  const file = /Error (?:opening|reading|resolving) file "?([^":]+)"?/.exec(message);
  if (file?.[1]) {
    const name = basename(file[1]);
    return refsWhere(doc, (r) => basename(r.split("#")[0] ?? "") === name)[0] ?? [];
  }
  const id = /`(\/(?:paths|components|webhooks)\/[^`]*)`/.exec(message);
  return id?.[1] ? walkLoose(doc, id[1]) : [];
}
