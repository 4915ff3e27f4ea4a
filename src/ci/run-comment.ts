// The action's pull-request comments: the plan on the pull request (comment: true), and after a
// merge, what the deploy or rollback did, on the pull request the pushed commit came from
// (comment-on-merge: true). A comment that cannot be written is a warning, never a failed step:
// a pull request from a fork gets a read-only token, and everything is in the job summary too.

import { toApishipError } from "../errors.js";
import type { CommentKind } from "./comment.js";
import { commentBody, upsertComment } from "./comment.js";
import type { PullRequest } from "./github.js";
import { pullRequest } from "./github.js";
import type { ApiTarget } from "./github-api.js";
import { pullForCommit } from "./github-api.js";
import type { ActionInputs } from "./inputs.js";
import type { ActionContext } from "./run-io.js";
import { annotate, line } from "./run-io.js";

/** One comment to write: its stack and its Markdown. */
export interface StackComment {
  stack: string;
  markdown: string;
}

function apiTarget(ctx: ActionContext, token: string): ApiTarget {
  return {
    apiUrl: ctx.env.GITHUB_API_URL || "https://api.github.com",
    token,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
  };
}

function warn(ctx: ActionContext, e: unknown): void {
  const error = toApishipError(e);
  line(ctx, annotate(ctx.env, "warning", "apiship comment", `${error.message}\nhint: ${error.hint ?? ""}`));
}

/** Writes each stack's comment on the pull request; resolves with the comments' URLs. */
async function write(
  ctx: ActionContext,
  api: ApiTarget,
  pr: PullRequest,
  comments: readonly StackComment[],
  kind: CommentKind,
): Promise<string[]> {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = ctx.env;
  const runUrl = server && repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
  const urls: string[] = [];
  for (const c of comments) {
    try {
      const saved = await upsertComment(
        { ...api, pr },
        c.stack,
        commentBody(c.stack, c.markdown, runUrl, kind),
      );
      const where = saved.url ? ` (${saved.url})` : "";
      line(
        ctx,
        `${kind === "plan" ? "Plan" : "Result"} of ${c.stack}: comment ${saved.action} on #${pr.number}${where}`,
      );
      if (saved.url) urls.push(saved.url);
    } catch (e) {
      warn(ctx, e);
    }
  }
  return urls;
}

function token(ctx: ActionContext, inputs: ActionInputs, what: string): string | undefined {
  if (inputs.githubToken) return inputs.githubToken;
  line(
    ctx,
    annotate(ctx.env, "warning", "apiship comment", `no github-token: the ${what} comment was skipped`),
  );
  return undefined;
}

/** comment: true on a pull request: the plan, one comment per stack. */
export async function planComments(
  ctx: ActionContext,
  inputs: ActionInputs,
  comments: readonly StackComment[],
): Promise<string[]> {
  const pr = pullRequest(ctx.env);
  if (!pr) {
    line(
      ctx,
      annotate(ctx.env, "notice", "apiship", "comment: true, but this run is not for a pull request"),
    );
    return [];
  }
  const t = token(ctx, inputs, "plan");
  return t ? write(ctx, apiTarget(ctx, t), pr, comments, "plan") : [];
}

/**
 * The pull request a deploy on a push came from: the event's own pull request (a workflow on
 * `pull_request: closed`), else the one GitHub associates with the pushed commit (GITHUB_SHA).
 */
async function mergedPull(ctx: ActionContext, api: ApiTarget): Promise<PullRequest | undefined> {
  const own = pullRequest(ctx.env);
  if (own) return own;
  const [owner, repo] = (ctx.env.GITHUB_REPOSITORY ?? "").split("/");
  const sha = ctx.env.GITHUB_SHA;
  if (!owner || !repo || !sha) return undefined;
  const found = await pullForCommit(api, owner, repo, sha);
  return found ? { owner, repo, number: found.number } : undefined;
}

/** comment-on-merge: true: the deploy's or rollback's result on the merged pull request. */
export async function mergeComments(
  ctx: ActionContext,
  inputs: ActionInputs,
  comments: readonly StackComment[],
): Promise<string[]> {
  const t = token(ctx, inputs, "merge");
  if (!t || comments.length === 0) return [];
  const api = apiTarget(ctx, t);
  let pr: PullRequest | undefined;
  try {
    pr = await mergedPull(ctx, api);
  } catch (e) {
    warn(ctx, e);
    return [];
  }
  if (!pr) {
    const sha = ctx.env.GITHUB_SHA ?? "(GITHUB_SHA unset)";
    line(
      ctx,
      annotate(ctx.env, "notice", "apiship", `comment-on-merge: no pull request is associated with ${sha}`),
    );
    return [];
  }
  return write(ctx, api, pr, comments, "deploy");
}
