// Which files of a function's source are left out of its package: git's rules for ignore files,
// through the `ignore` package (the matcher eslint and many others use), not a hand-written
// subset. A hand-written one missed nested files: `sub/.gitignore` listing `*.secret` did not
// keep `sub/creds.secret` out, and a file users believed excluded was uploaded.
//
// As git does: every directory's `.gitignore` (and apiship's own `.apiship-ignore`, read the
// same way) applies to the paths below it, relative to that directory; a deeper file overrides
// a shallower one, and within a file the last matching pattern wins; a file inside an excluded
// directory cannot be re-included (the walker never descends into it). The ignore files of the
// directories above the source root, up to the repository's top (the folder holding `.git`),
// apply too, as `git check-ignore` would apply them. Not read: `.git/info/exclude` and the
// user's core.excludesFile, which are one machine's settings, not the project's.

import { readFile, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import ignore from "ignore";
import type { Ignore } from "ignore";

export const IGNORE_FILES = [".gitignore", ".apiship-ignore"];

/** Never part of an artifact: VCS data and apiship's own working directory. */
const ALWAYS_EXCLUDED = ignore().add([".git/", ".apiship/", ".DS_Store"]);

/** The ignore files of one directory, as one matcher; undefined when it has none. */
async function rulesIn(dir: string): Promise<Ignore | undefined> {
  let found: Ignore | undefined;
  for (const f of IGNORE_FILES) {
    const text = await readFile(join(dir, f), "utf8").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT" || e.code === "EISDIR") return undefined;
      throw e;
    });
    if (text !== undefined) found = (found ?? ignore()).add(text);
  }
  return found;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The directories from the repository's top down to `root`'s parent; none outside a repository. */
async function ancestorsInRepo(root: string): Promise<string[]> {
  const up: string[] = [];
  for (let dir = root; ;) {
    if (await exists(join(dir, ".git"))) return up.reverse();
    const parent = dirname(dir);
    if (parent === dir) return [];
    up.push(parent);
    dir = parent;
  }
}

interface Level {
  /** The path the level's rules are tested with, from a posix path relative to the source root. */
  from: (rel: string) => string;
  rules: Ignore;
}

const posix = (p: string) => p.split(sep).join("/");

/** The matcher of one source tree: levels are added as the walker enters directories. */
export class IgnoreTree {
  protected constructor(
    private readonly root: string,
    private readonly above: Level[],
  ) {}

  /**
   * A tree that reads no ignore file, in the folder or above it (listSourceFiles' `ignores:
   * false`); what is always excluded stays excluded.
   */
  static none(root: string): IgnoreTree {
    return new NoRulesTree(root, []);
  }

  static async open(root: string): Promise<IgnoreTree> {
    const above: Level[] = [];
    for (const dir of await ancestorsInRepo(root)) {
      const rules = await rulesIn(dir);
      // Seen from a directory above, the root's own path inside it comes first.
      const prefix = posix(relative(dir, root));
      if (rules) above.push({ from: (rel) => `${prefix}/${rel}`, rules });
    }
    return new IgnoreTree(root, above);
  }

  /** The levels that apply inside directory `rel` (posix, relative to the root), given its parent's. */
  async enter(rel: string, parent: readonly Level[] | undefined): Promise<Level[]> {
    const levels = [...(parent ?? this.above)];
    const rules = await rulesIn(rel === "" ? this.root : join(this.root, rel));
    if (rules) levels.push({ from: rel === "" ? (r) => r : (r) => r.slice(rel.length + 1), rules });
    return levels;
  }

  /** True when `rel` (posix, relative to the root) is left out, under the levels of its directory. */
  ignored(rel: string, isDir: boolean, levels: readonly Level[]): boolean {
    const dirMark = isDir ? "/" : "";
    if (ALWAYS_EXCLUDED.ignores(`${rel}${dirMark}`)) return true;
    // The deepest level with an opinion decides, as git's precedence has it.
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i] as Level;
      const r = level.rules.test(`${level.from(rel)}${dirMark}`);
      if (r.ignored) return true;
      if (r.unignored) return false;
    }
    return false;
  }
}

class NoRulesTree extends IgnoreTree {
  override enter(): Promise<Level[]> {
    return Promise.resolve([]);
  }
}

export type { Level };
