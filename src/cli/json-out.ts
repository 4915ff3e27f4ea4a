// Writing large JSON documents to stdout without building them as one string. A plan of 2,400
// targets is 6.4 MB of JSON: JSON.stringify of the whole envelope made a 6.4 MB string that had
// to be flattened (another 6.4 MB) and then encoded, all in fresh memory. Here the top levels of
// the document are walked and each value below them (one stack's plan, say) is stringified on
// its own, so no piece is larger than one value. The bytes are JSON.stringify's.

type Sink = { write(s: string): unknown };

const CHUNK = 1 << 16;
/** Levels walked here; below them JSON.stringify writes each value whole (and detects cycles). */
const WALKED_DEPTH = 3;

/**
 * JSON.stringify(value) on one line, written to `out` in pieces of about 64 KiB. (One difference
 * no envelope meets: a toJSON() whose result has a toJSON of its own is asked twice.)
 */
export function writeJsonCompact(out: Sink, value: unknown): void {
  const pieces = new Pieces(out);
  const v = jsonValue(value, "");
  if (hasJsonForm(v)) emit(v, 0, pieces);
  else pieces.push("undefined"); // what `${JSON.stringify(undefined)}` printed
  pieces.flush();
}

/**
 * A value serialized already, whose text writeJsonCompact writes as it is. `plan --json`
 * serializes each stack's plan as soon as it is made and keeps only the text, so the plan's
 * objects die young instead of being copied into the old generation and kept to the end.
 */
export class RawJson {
  constructor(readonly text: string) {}

  /** For JSON.stringify (the indented output on a terminal): the value the text stands for. */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** A member's value as JSON.stringify sees it: a toJSON (a Date's) is asked, with the member's key. */
function jsonValue(v: unknown, key: string): unknown {
  if (v instanceof RawJson) return v;
  const toJSON = typeof v === "object" && v !== null ? (v as { toJSON?: unknown }).toJSON : undefined;
  return typeof toJSON === "function" ? (toJSON as (k: string) => unknown).call(v, key) : v;
}

/** False for what JSON.stringify leaves out of an object (and writes as null in an array). */
function hasJsonForm(v: unknown): boolean {
  return v !== undefined && typeof v !== "function" && typeof v !== "symbol";
}

function emit(v: unknown, depth: number, out: Pieces): void {
  if (v instanceof RawJson) {
    out.push(v.text);
    return;
  }
  if (depth < WALKED_DEPTH && Array.isArray(v)) {
    out.push("[");
    v.forEach((item: unknown, i) => {
      if (i > 0) out.push(",");
      const m = jsonValue(item, String(i));
      if (hasJsonForm(m)) emit(m, depth + 1, out);
      else out.push("null");
    });
    out.push("]");
    return;
  }
  if (depth < WALKED_DEPTH && isPlainObject(v)) {
    out.push("{");
    let first = true;
    for (const k of Object.keys(v)) {
      const m = jsonValue(v[k], k);
      if (!hasJsonForm(m)) continue;
      out.push(`${first ? "" : ","}${JSON.stringify(k)}:`);
      first = false;
      emit(m, depth + 1, out);
    }
    out.push("}");
    return;
  }
  out.push(JSON.stringify(v));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Collects small pieces into writes of about 64 KiB. */
class Pieces {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly out: Sink) {}

  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    writeChunked(this.out, this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}

/**
 * Writes a long string in 64 KiB slices. Encoding a 6 MB string at once allocates a 6 MB buffer
 * in fresh pages, which took longer than the slices' extra calls. A slice never ends between the
 * two halves of a surrogate pair, which would each be encoded as U+FFFD.
 */
export function writeChunked(out: Sink, text: string): void {
  for (let i = 0; i < text.length;) {
    let end = Math.min(i + CHUNK, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    out.write(text.slice(i, end));
    i = end;
  }
}
