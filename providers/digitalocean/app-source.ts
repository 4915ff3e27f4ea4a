// Source builds on App Platform. App Platform builds a service only from a git repository (there
// is no upload API), and always builds the head of the configured branch: the app spec cannot
// pin a commit. So apiship reads, at plan time, the commit the work tree holding
// `function.source` is at (which must be clean: App Platform never sees uncommitted files), and
// the git tree of that folder. The plan compares trees, so a commit elsewhere in a monorepo
// rebuilds nothing; after a build, the commit App Platform reports is checked against the plan.
// The local git runs here only, never against a remote, so planning stays offline-safe.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Artifact } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import { mapRuntime } from "../_shared/options.js";
import type { AppHostedGitSource, AppServiceSpec } from "./types.js";

// Languages App Platform's buildpacks build (heroku-buildpack-*), at versions they build today.
// The version itself comes from the source's own files (package.json engines, .python-version,
// go.mod, Gemfile, composer.json); the runtime picks the buildpack (environment_slug).
export const APP_PLATFORM_RUNTIMES = [
  "nodejs20",
  "nodejs22",
  "python3.11",
  "python3.12",
  "python3.13",
  "go1.22",
  "go1.23",
  "ruby3.3",
  "php8.3",
] as const;

const SLUGS: Record<string, string> = {
  nodejs: "node-js",
  python: "python",
  go: "go",
  ruby: "ruby",
  php: "php",
};

/** The environment_slug of a runtime: nodejs22 → "node-js". */
export function environmentSlug(neutral: string): string {
  return mapRuntime(
    "digitalocean/app-platform",
    APP_PLATFORM_RUNTIMES,
    neutral,
    (r) => SLUGS[r.language] ?? "",
  );
}

// The files each buildpack detects its language by; a Dockerfile makes it a Dockerfile build.
const MARKERS: Record<string, string[]> = {
  "node-js": ["package.json"],
  python: ["requirements.txt", "Pipfile", "pyproject.toml", "setup.py"],
  go: ["go.mod"],
  ruby: ["Gemfile"],
  php: ["composer.json", "index.php"],
};

export type GitVia = "git" | "github" | "gitlab" | "bitbucket";

/** The target's `git` option. */
export interface GitOption {
  repo: string;
  branch: string;
  via?: GitVia;
}

/** Where App Platform fetches the source: `repo` is a clone URL for `git`, else owner/name. */
export interface GitLocation {
  via: GitVia;
  repo: string;
  branch: string;
}

const HOSTS: Record<string, GitVia> = {
  "github.com": "github",
  "gitlab.com": "gitlab",
  "bitbucket.org": "bitbucket",
};

/** The host and path of a clone URL (https://host/owner/name.git or git@host:owner/name.git). */
function hostAndPath(repo: string): { host: string; path: string } | undefined {
  const m = /^(?:[a-z+]+:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/|[^@/]+@([^:/]+):)(.+?)(?:\.git)?\/?$/i.exec(
    repo,
  );
  if (!m) return undefined;
  return { host: (m[1] ?? m[2] ?? "").toLowerCase(), path: m[3] ?? "" };
}

function gitError(message: string, hint: string): ProviderError {
  return new ProviderError(message, { code: "GIT_SOURCE", fault: "user", hint });
}

/** The `git` option → where App Platform fetches from; `via` defaults from the repository's host. */
export function gitLocation(opt: GitOption): GitLocation {
  const parsed = hostAndPath(opt.repo);
  const shorthand = /^[\w.-]+\/[\w.-]+$/.test(opt.repo);
  const via = opt.via ?? (parsed ? (HOSTS[parsed.host] ?? "git") : shorthand ? "github" : "git");
  if (via === "git") {
    if (!parsed)
      throw gitError(
        `git.repo "${opt.repo}" is not a clone URL`,
        "give the repository's https clone URL, e.g. https://git.example.com/acme/api.git",
      );
    return { via, repo: opt.repo, branch: opt.branch };
  }
  const path = shorthand ? opt.repo : parsed?.path;
  if (!path || !/^[\w.-]+(?:\/[\w.-]+)+$/.test(path))
    throw gitError(
      `git.repo "${opt.repo}" does not name a ${via} repository`,
      `give it as owner/name or as the repository's ${via} URL`,
    );
  return { via, repo: path, branch: opt.branch };
}

/** The service spec's source fields for a location. */
export function sourceSpecOf(
  loc: GitLocation,
): Pick<AppServiceSpec, "git" | "github" | "gitlab" | "bitbucket"> {
  if (loc.via === "git") return { git: { repo_clone_url: loc.repo, branch: loc.branch } };
  // apiship decides when a commit goes live: a push must not deploy an unreviewed plan.
  const hosted: AppHostedGitSource = { repo: loc.repo, branch: loc.branch, deploy_on_push: false };
  return { [loc.via]: hosted };
}

/** A live service spec's source, or undefined when it builds from an image. */
export function locationOf(s: AppServiceSpec): GitLocation | undefined {
  if (s.git) return { via: "git", repo: s.git.repo_clone_url ?? "", branch: s.git.branch ?? "" };
  for (const via of ["github", "gitlab", "bitbucket"] as const) {
    const h = s[via];
    if (h) return { via, repo: h.repo ?? "", branch: h.branch ?? "" };
  }
  return undefined;
}

// ---- the local work tree (I/O) ----------------------------------------------------------------

const GIT_TIMEOUT_MS = 20_000;

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    execFile("git", args, { cwd, timeout: GIT_TIMEOUT_MS, maxBuffer: 4 << 20 }, (e, stdout, stderr) => {
      if (!e) return ok(stdout);
      const err = e as NodeJS.ErrnoException;
      if (err.code === "ENOENT")
        return fail(
          gitError(
            "git is not installed: App Platform builds from git, and apiship reads the commit to deploy from it",
            "install git, or deploy a container image to App Platform instead",
          ),
        );
      fail(Object.assign(e, { stderr: String(stderr) }));
    });
  });
}

/** The git tree of `dir` at `rev`, or undefined when this clone does not hold that commit. */
export async function treeAt(dir: string, rev: string): Promise<string | undefined> {
  try {
    return (await git(dir, ["rev-parse", "--verify", "--quiet", `${rev}:./`])).trim() || undefined;
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    return undefined;
  }
}

/** The source folder of a service, absolute. */
export function sourceDirOf(baseDir: string | undefined, svc: ServiceSpec): string {
  const src = svc.function?.source;
  if (src === undefined)
    throw gitError(
      "a source build needs service.function.source",
      "set service.function.source to the code's folder",
    );
  return resolve(baseDir ?? ".", src);
}

export interface WorkTree {
  commit: string;
  /** The git tree of the source folder at that commit: its content, as git names it. */
  tree: string;
  /** The folder relative to the repository's root ("" for the root): App Platform's source_dir. */
  dir: string;
}

/** Reads HEAD, the folder's tree and its path in the repository; refuses uncommitted changes. */
export async function readWorkTree(abs: string, shown: string): Promise<WorkTree> {
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw gitError(
      `function.source ${shown} is not a folder`,
      "point service.function.source at the code's folder",
    );
  let out: string;
  let status: string;
  try {
    out = await git(abs, ["rev-parse", "--show-prefix", "HEAD", "HEAD:./"]);
    status = await git(abs, ["status", "--porcelain", "--", "."]);
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    throw gitError(
      `function.source ${shown} is not in a git work tree with a commit: App Platform builds only from a git repository`,
      "commit the folder to the repository set as the target's `git.repo`, and push it",
    );
  }
  const [prefix = "", commit = "", tree = ""] = out.split("\n");
  const dirty = status.split("\n").filter(Boolean);
  if (dirty.length > 0) {
    const files = dirty.slice(0, 5).map((l) => l.slice(3));
    throw gitError(
      `function.source ${shown} has uncommitted changes (${files.join(", ")}${dirty.length > 5 ? ", ..." : ""}): App Platform builds what is pushed, not the work tree`,
      "commit and push them, or stash them, then plan again",
    );
  }
  return { commit, tree, dir: prefix.replace(/\/$/, "") };
}

/** Refuses a folder the buildpack of `slug` would not detect (and that has no Dockerfile). */
export function checkBuildable(abs: string, shown: string, slug: string): void {
  const markers = MARKERS[slug] ?? [];
  if (existsSync(join(abs, "Dockerfile")) || markers.some((m) => existsSync(join(abs, m)))) return;
  throw gitError(
    `function.source ${shown} has none of ${markers.join(", ")}: App Platform's ${slug} buildpack would not detect it`,
    `add ${markers[0]} (or a Dockerfile) to ${shown}, or fix service.function.runtime`,
  );
}

/**
 * build() of a source service: nothing is packaged, the artifact names the commit and tree the
 * plan deploys. `sha256` is the hash of the tree id, so it changes exactly when the code does.
 */
export async function sourceArtifact(baseDir: string | undefined, svc: ServiceSpec): Promise<Artifact> {
  const abs = sourceDirOf(baseDir, svc);
  const shown = svc.function?.source ?? abs;
  checkBuildable(abs, shown, environmentSlug(svc.function?.runtime ?? ""));
  const wt = await readWorkTree(abs, shown);
  return {
    path: abs,
    sha256: createHash("sha256").update(wt.tree).digest("hex"),
    bytes: 0,
    git: wt,
  };
}
