// The package leaves out what git leaves out. Generated trees with ignore files at several depths
// (negations, anchored and directory-only patterns, `**`, character classes, a parent's rule
// overridden by a child's) are listed by listSourceFiles and by git itself
// (`git ls-files --others --exclude-standard` in a repository with nothing committed: every file
// git does not ignore), and the two lists must be equal.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { seeded } from "../../test/fakes/_shared/server.js";
import { folderDigest, listSourceFiles } from "./artifact.js";

function write(root: string, rel: string, content: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "core.excludesFile=/dev/null", ...args], { cwd, encoding: "utf8" });

/** Files git does not ignore under `dir`, relative to it, sorted as the artifact sorts them. */
function gitListing(repo: string, dir: string): string[] {
  const out = git(join(repo, dir), "ls-files", "--others", "--exclude-standard", "-z", ".");
  return out
    .split("\0")
    .filter(Boolean)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const NAMES = ["a", "b", "lib", "sub", "cache", "docs", "build"];
const FILES = ["x.js", "y.secret", "keep.secret", "n.log", "README.md", "z.pyc", "data.json", "creds.secret"];
const PATTERNS = [
  "*.secret",
  "!keep.secret",
  "*.log",
  "/build/",
  "cache/",
  "**/docs/*.md",
  "*.py[co]",
  "sub/x.js",
  "!n.log",
  "lib/**",
  "data.json",
  "a/*",
  "!a/x.js",
  "# a comment",
  "",
];

/** A random tree: files at up to three levels, ignore files at some directories. */
function generate(random: () => number): { root: string; paths: string[] } {
  const root = mkdtempSync(join(tmpdir(), "apiship-ignore-"));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const dirs = [""];
  for (let i = 0; i < 6; i++) {
    const parent = pick(dirs);
    const depth = parent === "" ? 0 : parent.split("/").length;
    if (depth < 3) dirs.push(parent === "" ? pick(NAMES) : `${parent}/${pick(NAMES)}`);
  }
  const paths = new Set<string>();
  for (const d of new Set(dirs)) {
    for (let i = 0; i < 4; i++) paths.add(d === "" ? pick(FILES) : `${d}/${pick(FILES)}`);
    if (random() < 0.6) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick(PATTERNS));
      paths.add(d === "" ? ".gitignore" : `${d}/.gitignore`);
      write(root, d === "" ? ".gitignore" : `${d}/.gitignore`, `${lines.join("\n")}\n`);
    }
  }
  for (const p of paths) if (!p.endsWith(".gitignore")) write(root, p, p);
  return { root, paths: [...paths] };
}

describe("ignore files follow git", () => {
  it("the reported case: sub/.gitignore keeps sub/creds.secret out", async () => {
    const root = mkdtempSync(join(tmpdir(), "apiship-ignore-"));
    write(root, "index.js", "export {}");
    write(root, "sub/.gitignore", "*.secret\n");
    write(root, "sub/creds.secret", "s3cr3t");
    write(root, "creds.secret", "kept: the rule is sub's");
    const names = (await listSourceFiles(root)).map((f) => f.path);
    expect(names).toEqual(["creds.secret", "index.js", "sub/.gitignore"]);
  });

  it("lists a folder apiship generated in full with ignores: false, though the repository ignores where it lies", async () => {
    // A local build lies in .apiship/, which a project's .gitignore ignores; listed with the
    // repository's rules it held no file, and every build had the digest of nothing.
    const repo = mkdtempSync(join(tmpdir(), "apiship-ignore-gen-"));
    git(repo, "init", "-q");
    write(repo, ".gitignore", "build-out/\n*.map\n");
    write(repo, "build-out/app/.gitignore", "*.js\n");
    write(repo, "build-out/app/index.js", "export {}");
    write(repo, "build-out/app/index.js.map", "{}");
    const generated = join(repo, "build-out/app");
    expect(await names(generated)).toEqual([]);
    const all = (await listSourceFiles(generated, { ignores: false })).map((f) => f.path);
    expect(all).toEqual([".gitignore", "index.js", "index.js.map"]);
    const [empty, full] = await Promise.all([
      folderDigest(generated),
      folderDigest(generated, { ignores: false }),
    ]);
    expect(empty.files).toBe(0);
    expect(full.files).toBe(3);
    expect(full.digest).not.toBe(empty.digest);
  });

  it("gives git's answer on generated trees, from the repository's root and from a folder in it", async () => {
    const random = seeded(62);
    let compared = 0;
    for (let n = 0; n < 12; n++) {
      const { root, paths } = generate(random);
      git(root, "init", "-q");
      expect(await names(root)).toEqual(gitListing(root, "."));
      compared += paths.length;
      // A function folder inside the repository: the ignore files above it apply too.
      const sub = paths.map((p) => p.split("/")[0] ?? "").find((d) => d !== "" && !d.includes("."));
      if (sub) expect(await names(join(root, sub))).toEqual(gitListing(root, sub));
    }
    expect(compared).toBeGreaterThan(62);
  });
});

async function names(root: string): Promise<string[]> {
  return (await listSourceFiles(root)).map((f) => f.path);
}
