// Attribute-level diff of two JSON values (DESIGN.md §4). Adapters call diffAttributes() from
// their pure plan() to decide an action; the engine uses diffValues() for drift; the renderers
// use flattenLeaves() and diffValues() to print one line per attribute. All three agree on one
// path syntax, so a path an adapter lists in sensitivePaths or replacePaths is the same string
// the renderer matches against.
//
// Paths are dotted: `env.LOG_LEVEL`, `containers.0.image`. A key that is not a plain word
// (`apiship.io/stack`, `a b`, "") is written as a JSON string in brackets, so a dot inside a key
// can never be mistaken for nesting: `labels["apiship.io/stack"]`.

import type { Action } from "../core/provider.js";

export interface DiffOptions {
  /**
   * "whole" (default): an array is one attribute, changed when any element differs.
   * "index": arrays are compared element by element, giving paths like `args.0`.
   */
  arrays?: "whole" | "index";
}

export interface AttributeChange {
  path: string;
  /** undefined when the attribute did not exist before. */
  before: unknown;
  /** undefined when the attribute no longer exists. */
  after: unknown;
}

export interface Leaf {
  path: string;
  value: unknown;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** Appends one key (or array index) to a path. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === "number") return path === "" ? String(key) : `${path}.${key}`;
  if (!PLAIN_KEY.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** True when `path` is one of `prefixes` or lies inside one of them. */
export function pathMatches(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => p === "" || path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/** True when `path` and one of `prefixes` are the same attribute or one contains the other. */
export function pathOverlaps(path: string, prefixes: readonly string[]): boolean {
  return pathMatches(path, prefixes) || prefixes.some((p) => pathMatches(p, [path]));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** JSON with object keys sorted, so equal values always serialize to equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * A JSON value whose object keys are sorted (recursively) and whose undefined members are gone.
 * A value already in that form is returned as it is, not copied: plans are data nobody mutates,
 * and copying every attribute of 2,400 targets was a large plan's biggest allocation.
 */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const s = sortKeys(v);
      if (s !== v) (out ??= value.slice())[i] = s;
    }
    return (out ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  // Anything but a plain object (a Date from an SDK) is copied into one, as it always was.
  let inOrder = Object.getPrototypeOf(value) === Object.prototype;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = (keys[i - 1] as string) <= (keys[i] as string);
  if (!inOrder) {
    sortStrings(keys);
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = value[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out as T;
  }
  // Keys in order: the object is copied only from the first member that changes (a child that
  // needed sorting, or an undefined member to drop).
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = value[k];
    const s = v === undefined ? v : sortKeys(v);
    if (!out && s === v && v !== undefined) continue;
    if (!out) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j] as string] = value[keys[j] as string];
    }
    if (s !== undefined) out[k] = s;
  }
  return (out ?? value) as T;
}

/**
 * Sorts strings in place, in Array.prototype.sort's order (UTF-16 code units). Most objects have
 * a handful of keys, and the built-in sort allocates a work array on every call (a 2,400-target
 * plan's largest single allocation), so short lists are insertion-sorted here.
 */
function sortStrings(keys: string[]): void {
  if (keys.length > 24) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
}

/** Sorted and without repeats; the empty and one-item lists most changes have cost no set. */
export function uniqueSorted(xs: readonly string[]): string[] {
  if (xs.length <= 1) return xs.slice();
  return [...new Set(xs)].sort();
}

function descends(v: unknown, opts: DiffOptions): v is Record<string, unknown> | unknown[] {
  if (Array.isArray(v)) return opts.arrays === "index" && v.length > 0;
  return isPlainObject(v) && Object.keys(v).length > 0;
}

/** Every leaf of a JSON value with its path; empty objects and arrays are leaves. Sorted by path. */
export function flattenLeaves(value: unknown, opts: DiffOptions = {}, path = ""): Leaf[] {
  if (value === undefined) return [];
  if (!descends(value, opts)) return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => flattenLeaves(v, opts, joinPath(path, i)));
  return Object.keys(value)
    .sort()
    .flatMap((k) => flattenLeaves(value[k], opts, joinPath(path, k)));
}

/** The leaf attributes that differ between two JSON values, sorted by path. */
export function diffValues(
  before: unknown,
  after: unknown,
  opts: DiffOptions = {},
  path = "",
): AttributeChange[] {
  if (before === undefined && after === undefined) return [];
  const bothObjects = isPlainObject(before) && isPlainObject(after);
  const bothArrays = opts.arrays === "index" && Array.isArray(before) && Array.isArray(after);
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], opts, joinPath(path, k)));
  }
  if (bothArrays) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) =>
      diffValues(before[i], after[i], opts, joinPath(path, i)),
    ).flat();
  }
  if (canonicalJson(before) === canonicalJson(after)) return [];
  return [{ path, before, after }];
}

export interface AttributeDiffOptions extends DiffOptions {
  /** Paths whose values are secret (rendered "(sensitive)"). */
  sensitive?: readonly string[];
  /** Paths whose change cannot be applied in place. */
  forcesReplace?: readonly string[];
}

export interface AttributeDiff {
  action: Action;
  /** Leaf paths that differ, sorted. */
  changedPaths: string[];
  /** The forcesReplace entries that some changed path falls under, sorted. */
  replacePaths: string[];
  /** The sensitive entries present in before or after, sorted: what a ResourceChange lists. */
  sensitivePaths: string[];
}

/**
 * True when `path` and an attribute of `value` are the same or one contains the other. Only the
 * top-level key the path names is flattened: a task definition has one `secrets` among twenty
 * keys, and flattening whole resources was a tenth of a large plan's time.
 */
function liesOn(path: string, value: Record<string, unknown> | null | undefined, opts: DiffOptions): boolean {
  if (value == null) return false;
  // An empty object is one leaf at "", which every path overlaps.
  if (Object.keys(value).length === 0) return true;
  const key = topKey(path);
  const leaves =
    key === undefined
      ? flattenLeaves(value, opts)
      : Object.hasOwn(value, key)
        ? flattenLeaves(value[key], opts, joinPath("", key))
        : [];
  return leaves.some((l) => pathOverlaps(l.path, [path]));
}

/** The first key of a path (`secrets` of `secrets.TOKEN`, `a.b` of `["a.b"].c`); undefined for "" or a path it cannot read. */
function topKey(path: string): string | undefined {
  const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(path)?.[1];
  if (quoted !== undefined) {
    try {
      return JSON.parse(quoted) as string;
    } catch {
      return undefined;
    }
  }
  return /^[^.[]+/.exec(path)?.[0];
}

/**
 * Decides a resource's action from its recorded and desired attributes. `null`/`undefined`
 * before means the resource does not exist yet; `null`/`undefined` after means it should go.
 */
export function diffAttributes(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  opts: AttributeDiffOptions = {},
): AttributeDiff {
  const sensitive = opts.sensitive ?? [];
  const forces = opts.forcesReplace ?? [];
  const sensitivePaths =
    sensitive.length === 0 ? [] : sensitive.filter((s) => liesOn(s, before, opts) || liesOn(s, after, opts));
  if (before == null && after == null) {
    return { action: "no-op", changedPaths: [], replacePaths: [], sensitivePaths: [] };
  }
  if (before == null || after == null) {
    const action = before == null ? "create" : "delete";
    return { action, changedPaths: [], replacePaths: [], sensitivePaths: uniqueSorted(sensitivePaths) };
  }
  const changedPaths = diffValues(before, after, opts).map((c) => c.path);
  const replacePaths = forces.filter((f) => changedPaths.some((p) => pathOverlaps(p, [f])));
  const action: Action = changedPaths.length === 0 ? "no-op" : replacePaths.length > 0 ? "replace" : "update";
  return {
    action,
    changedPaths,
    replacePaths: uniqueSorted(replacePaths),
    sensitivePaths: uniqueSorted(sensitivePaths),
  };
}
