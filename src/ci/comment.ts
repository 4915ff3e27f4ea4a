// The plan as one pull-request comment per stack, created on the first run and edited on the
// next ones (so a busy PR does not collect a comment per push). The comment is found again by
// a hidden marker naming the stack, through GitHub's REST API for issue comments.

import { ProviderError } from "../errors.js";
import type { PullRequest } from "./github.js";

/** GitHub refuses comment bodies longer than this many characters. */
export const COMMENT_LIMIT = 65_536;

export function commentMarker(stack: string): string {
  // A ">" or "--" in the name would end the HTML comment early and show the marker.
  return `<!-- apiship-plan:${stack.replace(/-{2,}|>/g, "_")} -->`;
}

/**
 * The comment: marker, the Markdown plan, and where it came from. A plan too long for one
 * comment keeps its head (title, closing line, table of targets) and points at the job summary,
 * which has the whole plan: cutting inside a <details> block would break the rendering.
 */
export function commentBody(stack: string, markdown: string, runUrl?: string): string {
  const marker = commentMarker(stack);
  const footer = runUrl ? `\n<sub>Updated by [this run](${runUrl}).</sub>\n` : "";
  const full = `${marker}\n${markdown.trimEnd()}\n${footer}`;
  if (full.length <= COMMENT_LIMIT) return full;
  const note =
    "\n\n_The plan is too long for a comment: the whole plan is in the job summary and the plan artifact._\n";
  const cut = markdown.indexOf("\n<details>");
  const head = (cut >= 0 ? markdown.slice(0, cut) : markdown).slice(
    0,
    COMMENT_LIMIT - marker.length - note.length - footer.length - 2,
  );
  return `${marker}\n${head.trimEnd()}${note}${footer}`;
}

export interface CommentTarget {
  apiUrl: string;
  token: string;
  pr: PullRequest;
  fetch?: typeof fetch;
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

async function call<T>(t: CommentTarget, method: string, path: string, body?: unknown): Promise<T> {
  const res = await (t.fetch ?? fetch)(`${t.apiUrl.replace(/\/+$/, "")}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${t.token}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      "user-agent": "apiship-action",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) {
    const text = (await res.text()).slice(0, 300);
    throw new ProviderError(`GitHub API ${method} ${path}: HTTP ${res.status} ${text}`, {
      code: "GITHUB_API",
      fault: res.status === 401 || res.status === 403 || res.status === 404 ? "user" : "cloud",
      retryable: res.status >= 500 || res.status === 429,
      requestId: res.headers.get("x-github-request-id") ?? undefined,
      hint:
        res.status === 403 || res.status === 404
          ? "give the job `permissions: pull-requests: write`; a pull request from a fork gets a read-only token"
          : "check the github-token input and GITHUB_API_URL",
    });
  }
  return (await res.json()) as T;
}

/**
 * The first comment on the PR whose body holds the marker, looking through every page. A
 * person's comment that quotes the marker is not ours to edit: only a bot's (the workflow
 * token's) comment counts.
 */
export async function findComment(t: CommentTarget, marker: string): Promise<IssueComment | undefined> {
  const base = `/repos/${t.pr.owner}/${t.pr.repo}/issues/${t.pr.number}/comments`;
  for (let page = 1; ; page++) {
    const list = await call<IssueComment[]>(t, "GET", `${base}?per_page=${PAGE}&page=${page}`);
    const hit = list.find(
      (c) => typeof c.body === "string" && c.body.includes(marker) && c.user?.type !== "User",
    );
    if (hit || list.length < PAGE) return hit;
  }
}

/** Edits the stack's comment when there is one, else posts it. */
export async function upsertComment(t: CommentTarget, stack: string, body: string): Promise<CommentResult> {
  const existing = await findComment(t, commentMarker(stack));
  const { owner, repo, number } = t.pr;
  const saved = existing
    ? await call<IssueComment>(t, "PATCH", `/repos/${owner}/${repo}/issues/comments/${existing.id}`, { body })
    : await call<IssueComment>(t, "POST", `/repos/${owner}/${repo}/issues/${number}/comments`, { body });
  return {
    action: existing ? "updated" : "created",
    id: saved.id,
    ...(saved.html_url ? { url: saved.html_url } : {}),
  };
}
