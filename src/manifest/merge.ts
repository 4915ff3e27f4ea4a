// Deep merge of an environment's `service:` override onto the base service (DESIGN.md §2).
// Mappings merge key by key; arrays and scalars replace (a list is one value: merging two
// `command` arrays element-wise would produce a command nobody wrote). `null` removes the key,
// so an environment can drop something the base sets (`scaling: { concurrency: null }`) and the
// schema's default applies again.

export type PathSegment = string | number;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A new value: `base` with `override` merged in. Neither input is modified. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return clone(base);
  if (!isPlainObject(base) || !isPlainObject(override)) return clone(override);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) out[k] = clone(v);
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else out[k] = deepMerge(out[k], v);
  }
  return out;
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x);
    return out;
  }
  return v;
}

/**
 * Whether the merged value at `path` came from `override`: the override sets that key, or a
 * key above it to something that is not a mapping (which replaced everything below), or
 * removes it with null. Used to point a diagnostic at the line the user has to change.
 */
export function fromOverride(override: unknown, path: readonly PathSegment[]): boolean {
  if (path.length === 0) return false;
  let node = override;
  for (const seg of path) {
    if (!isPlainObject(node)) return false;
    if (!Object.hasOwn(node, String(seg))) return false;
    node = node[String(seg)];
    if (!isPlainObject(node)) return true;
  }
  return true;
}
