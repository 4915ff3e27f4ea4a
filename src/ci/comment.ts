// The plan as one pull-request comment per stack, created on the first run and edited on the
// next ones (so a busy PR does not collect a comment per push), and after a merge, the deploy's
// result on the merged pull request. A comment is found again by a hidden marker naming its
// kind and stack, through GitHub's REST API for issue comments (github-api.ts retries it).

import { ProviderError } from "../errors.js";
import type { PullRequest } from "./github.js";
import type { ApiTarget } from "./github-api.js";
import { githubCall } from "./github-api.js";

/** GitHub refuses comment bodies longer than this many characters. */
export const COMMENT_LIMIT = 65_536;

/** plan: the PR's plan comment; deploy: the merged PR's comment on what the deploy did. */
export type CommentKind = "plan" | "deploy";

export function commentMarker(stack: string, kind: CommentKind = "plan"): string {
  // A ">" or "--" in the name would end the HTML comment early and show the marker.
  return `<!-- apiship-${kind}:${stack.replace(/-{2,}|>/g, "_")} -->`;
}

const TOO_LONG =
  "\n\n_The plan is too long for a comment: the whole plan is in the job summary and the plan artifact._\n";

/**
 * Markdown cut to `limit` characters: a plan too long keeps its head (title, closing line, table
 * of targets) and says where the whole is; cutting inside a <details> block would break the
 * rendering.
 */
export function cutMarkdown(markdown: string, limit = COMMENT_LIMIT): string {
  const whole = markdown.trimEnd();
  if (whole.length <= limit) return whole;
  const cut = markdown.indexOf("\n<details>");
  const head = (cut >= 0 ? markdown.slice(0, cut) : markdown).slice(0, limit - TOO_LONG.length);
  return `${head.trimEnd()}${TOO_LONG}`.slice(0, limit);
}

/** The comment: marker, the Markdown (cut to fit), and the run it came from. */
export function commentBody(
  stack: string,
  markdown: string,
  runUrl?: string,
  kind: CommentKind = "plan",
): string {
  const marker = commentMarker(stack, kind);
  const footer = runUrl ? `\n<sub>Updated by [this run](${runUrl}).</sub>\n` : "";
  return `${marker}\n${cutMarkdown(markdown, COMMENT_LIMIT - marker.length - footer.length - 2)}\n${footer}`;
}

export interface CommentTarget extends ApiTarget {
  pr: PullRequest;
}

export interface CommentResult {
  action: "created" | "updated";
  id: number;
  url?: string;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

const PAGE = 100;

/**
 * The first comment on the PR whose body holds the marker, looking through every page. A
 * person's comment that quotes the marker is not ours to edit: only a bot's (the workflow
 * token's) comment counts.
 */
export async function findComment(t: CommentTarget, marker: string): Promise<IssueComment | undefined> {
  const base = `/repos/${t.pr.owner}/${t.pr.repo}/issues/${t.pr.number}/comments`;
  for (let page = 1; ; page++) {
    const list = await githubCall<IssueComment[]>(t, "GET", `${base}?per_page=${PAGE}&page=${page}`);
    const hit = list.find(
      (c) => typeof c.body === "string" && c.body.includes(marker) && c.user?.type !== "User",
    );
    if (hit || list.length < PAGE) return hit;
  }
}

/**
 * Creates the comment. A POST is not sent twice blindly: after a 5xx or a lost answer the
 * comment may exist, so it is looked for by its marker before the next attempt.
 */
async function create(t: CommentTarget, marker: string, body: string): Promise<IssueComment> {
  const { owner, repo, number } = t.pr;
  const path = `/repos/${owner}/${repo}/issues/${number}/comments`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await githubCall<IssueComment>(t, "POST", path, { body });
    } catch (e) {
      const unsure = !(e instanceof ProviderError) || (e.retryable && e.fault === "cloud");
      if (!unsure || attempt >= 3) throw e;
      // Absent before the first POST, so one there now is ours, with this body.
      const existing = await findComment(t, marker);
      if (existing) return existing;
    }
  }
}

/** Edits the stack's comment when there is one, else posts it. */
export async function upsertComment(
  t: CommentTarget,
  stack: string,
  body: string,
  kind: CommentKind = "plan",
): Promise<CommentResult> {
  const marker = commentMarker(stack, kind);
  const { owner, repo } = t.pr;
  const existing = await findComment(t, marker);
  const saved = existing
    ? await githubCall<IssueComment>(t, "PATCH", `/repos/${owner}/${repo}/issues/comments/${existing.id}`, {
        body,
      })
    : await create(t, marker, body);
  return {
    action: existing ? "updated" : "created",
    id: saved.id,
    ...(saved.html_url ? { url: saved.html_url } : {}),
  };
}
