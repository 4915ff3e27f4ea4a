// Source builds in the App Platform fake: the service spec's git/github/gitlab/bitbucket source
// resolved, as App Platform does, to the head of its branch in the repository (a local one the
// test set up, read with the real git), and the source_dir checked at that commit. The product
// never reaches these repositories: only App Platform (here, the fake) does.

import { execFileSync } from "node:child_process";
import type { AppServiceSpec } from "../../../providers/digitalocean/types.js";
import type { DoWorld } from "./world.js";

const HOSTED = ["github", "gitlab", "bitbucket"] as const;

export interface SourceRef {
  key: string;
  branch: string;
  hosted: boolean;
}

/** The source of a service spec, or undefined for an image service. */
export function sourceRef(s: AppServiceSpec): SourceRef | undefined {
  if (s.git) return { key: s.git.repo_clone_url ?? "", branch: s.git.branch ?? "", hosted: false };
  for (const h of HOSTED) {
    const v = s[h];
    if (v) return { key: `${h}:${v.repo ?? ""}`, branch: v.branch ?? "", hosted: true };
  }
  return undefined;
}

/** How many sources a service spec names (App Platform takes exactly one). */
export function sourceCount(s: AppServiceSpec): number {
  return [s.image, s.git, ...HOSTED.map((h) => s[h])].filter(Boolean).length;
}

function localRepo(w: DoWorld, key: string): string | undefined {
  const mapped = w.opts.gitRemotes?.[key];
  if (mapped) return mapped.replace(/^file:\/\//, "");
  if (key.startsWith("file://") || key.startsWith("/")) return key.replace(/^file:\/\//, "");
  return undefined;
}

/** Spec validation of a hosted source: the account's integration must reach the repository. */
export function unreachableHosted(w: DoWorld, s: AppServiceSpec): string | undefined {
  const ref = sourceRef(s);
  if (!ref?.hosted || localRepo(w, ref.key)) return undefined;
  const [host, repo] = ref.key.split(/:(.*)/s);
  return `error validating app spec field "services.${host}.repo": ${host} user does not have access to ${repo}`;
}

export type BuildOutcome =
  { ok: true; commit: string; ref: string } | { ok: false; code: string; message: string; ref: string };

/** What App Platform's build finds: the branch head's commit, or why it cannot build. */
export function resolveBuild(w: DoWorld, s: AppServiceSpec): BuildOutcome | undefined {
  const ref = sourceRef(s);
  if (!ref) return undefined;
  const repo = localRepo(w, ref.key);
  const fail = (code: string, message: string): BuildOutcome => ({ ok: false, code, message, ref: ref.key });
  if (!repo) return fail("GitCloneFailed", `failed to clone ${ref.key}: repository not found`);
  let commit: string;
  try {
    commit = execFileSync(
      "git",
      ["--git-dir", gitDir(repo), "rev-parse", "--verify", `refs/heads/${ref.branch}`],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    ).trim();
  } catch {
    return fail("GitCloneFailed", `failed to clone ${ref.key}: branch ${ref.branch} not found`);
  }
  const dir = (s.source_dir ?? "").replace(/^\/+|\/+$/g, "");
  if (dir !== "") {
    try {
      execFileSync("git", ["--git-dir", gitDir(repo), "cat-file", "-e", `${commit}:${dir}`], {
        stdio: "ignore",
      });
    } catch {
      return fail("BuildSourceDirNotFound", `source directory ${dir} not found in ${ref.key} at ${commit}`);
    }
  }
  return { ok: true, commit, ref: `${ref.key}@${commit}` };
}

// A bare repository is its own git dir; a work tree keeps it in .git.
function gitDir(repo: string): string {
  return execFileSync("git", ["-C", repo, "rev-parse", "--absolute-git-dir"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
}
