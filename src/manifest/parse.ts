// The parse step of loading a manifest. Plain YAML is read by yaml-fast.ts without importing the
// `yaml` library (~120 KB of code, about 14 ms of a 260 ms `validate`, issue 22 item 8); that
// library (yaml.ts) is imported for anything else, and for the position index once a diagnostic
// or an interpolation asks where something is (PositionIndex.ready()).

import { PositionIndex } from "./positions.js";
import type { ParsedManifest } from "./yaml.js";
import { fastParse, mayNestTooDeep } from "./yaml-fast.js";

/** parseManifestText (yaml.ts), importing the `yaml` library only when it is needed. */
export async function parseManifest(text: string, file: string): Promise<ParsedManifest> {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const fast = mayNestTooDeep(source) ? undefined : fastParse(source);
  if (!fast) return (await import("./yaml.js")).parseManifestText(text, file);
  const positions = new PositionIndex(undefined, async () => {
    const { indexPositions } = await import("./yaml.js");
    return (index) => indexPositions(source, file, index);
  });
  return { value: fast, positions, warnings: [] };
}
