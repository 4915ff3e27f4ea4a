// Terminal column arithmetic for the live view: how many columns a string takes, and a string
// cut to a number of columns. The width itself is string-width's (escapes count nothing, East
// Asian wide characters and emoji two, combining marks none): oclif already loads it at every
// start, so it costs nothing, and it is the rule most terminals follow.
import stringWidth from "string-width";

/** CSI sequences (colours, cursor moves) and OSC ones (hyperlinks): kept whole when cutting. */
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Columns `s` takes on a terminal. */
export function displayWidth(s: string): number {
  return stringWidth(s);
}

/**
 * `s` cut to `max` columns with "…" where it was cut, never inside a grapheme. Escapes after the
 * cut are kept (without their text) so that a colour opened before it is still closed.
 */
export function truncate(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = "";
  let used = 0;
  let cut = false;
  let last = 0;
  const text = (chunk: string) => {
    for (const { segment } of graphemes.segment(chunk)) {
      const w = stringWidth(segment);
      if (cut || used + w > max - 1) {
        if (!cut) out += max > 0 ? "…" : "";
        cut = true;
        continue;
      }
      out += segment;
      used += w;
    }
  };
  for (const m of s.matchAll(ANSI)) {
    text(s.slice(last, m.index));
    out += m[0];
    last = m.index + m[0].length;
  }
  text(s.slice(last));
  return out;
}
