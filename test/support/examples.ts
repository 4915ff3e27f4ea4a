// The examples (examples/*) as a user deploys them: a copy in a temp folder, never the
// repository's own, with the dependencies its package.json lists in node_modules as `npm install`
// leaves them (taken from the repository's node_modules: no registry here), and, where a
// platform has no endpoint variable, the fake's endpoint set on the target. The function code
// and everything else in the manifest stay as the example has them.

import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseDocument } from "yaml";
import { REPO_ROOT } from "../../providers/_shared/runtime/entries.js";

export const EXAMPLES_DIR = join(REPO_ROOT, "examples");

export interface ExampleCopy {
  dir: string;
  /** The copy's apiship.yaml. */
  manifest: string;
}

export interface CopyOptions {
  /** Per target: options added to it (the fake's `endpoint`). */
  targetOptions?: Record<string, Record<string, unknown>>;
  /** Where the copy goes (a fresh temp folder by default). */
  into?: string;
}

/** A copy of examples/<name>, ready to deploy: see the file comment. */
export function copyExample(name: string, opts: CopyOptions = {}): ExampleCopy {
  const src = join(EXAMPLES_DIR, name);
  const dir = opts.into ?? mkdtempSync(join(tmpdir(), `apiship-example-${name}-`));
  cpSync(src, dir, {
    recursive: true,
    filter: (p) => !["node_modules", ".apiship"].includes(basename(p)),
  });
  const pkg = join(src, "package.json");
  const deps = existsSync(pkg)
    ? Object.keys((JSON.parse(readFileSync(pkg, "utf8")) as { dependencies?: object }).dependencies ?? {})
    : [];
  for (const d of deps)
    cpSync(join(REPO_ROOT, "node_modules", d), join(dir, "node_modules", d), { recursive: true });
  const manifest = join(dir, "apiship.yaml");
  if (opts.targetOptions) {
    // Edited as a YAML document, so the example's comments and layout stay as they are.
    const doc = parseDocument(readFileSync(manifest, "utf8"));
    for (const [target, options] of Object.entries(opts.targetOptions))
      for (const [key, value] of Object.entries(options)) doc.setIn(["targets", target, key], value);
    writeFileSync(manifest, doc.toString());
  }
  return { dir, manifest };
}
