// `apiship recommend`, the winner's `targets:` block as YAML, with a comment on each value the
// user must replace. Apart from the ranking so the yaml library loads only when one is printed.

import { Document, Scalar } from "yaml";
import type { Candidate } from "./candidates.js";
import { REGION_FALLBACK } from "./candidates.js";

/**
 * The `targets:` block for a candidate: provider, platform and the options that differ from the
 * platform's defaults. Placeholder values carry a comment saying they are to be replaced.
 */
export function targetSnippet(c: Candidate): string {
  const block: Record<string, unknown> = { provider: c.provider, platform: c.short, ...c.snippetOptions };
  const name = c.target ?? c.short;
  const doc = new Document({ targets: { [name]: block } });
  for (const key of c.placeholders) {
    const node = doc.getIn(["targets", name, key], true);
    if (node instanceof Scalar)
      node.comment =
        key !== "region" && key !== "location"
          ? ` placeholder: set yours`
          : node.value === REGION_FALLBACK[c.platform]
            ? ` placeholder: priced the same in every region; set yours`
            : ` placeholder: the price table's region, which the figures are for; set yours`;
  }
  return doc.toString({ lineWidth: 0 });
}
