// Calls to GitHub's REST API for the action's comments, retried the way GitHub asks: a 5xx is
// retried with a growing wait, and a rate limit (429, or a 403 that says so: `retry-after`, or
// `x-ratelimit-remaining: 0` with `x-ratelimit-reset`) waits as long as GitHub says. Waits are
// bounded: a limit that resets later than MAX_WAIT_MS fails the call at once rather than
// holding the job, and after MAX_ATTEMPTS the last error stands.

import { ProviderError } from "../errors.js";

export interface ApiTarget {
  apiUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** How the call waits between attempts (tests record the waits instead of sleeping). */
  sleep?: (ms: number) => Promise<void>;
  /** The clock `x-ratelimit-reset` is read against, in ms. */
  now?: () => number;
}

export const MAX_ATTEMPTS = 4;
/** The longest single wait; GitHub's advice for a secondary limit without headers is one minute. */
export const MAX_WAIT_MS = 60_000;
const BASE_WAIT_MS = 1_000;

export interface CallOptions {
  /**
   * False for a call that must not be sent twice (a POST that creates): it is sent again only
   * after a rate limit, which GitHub refused before doing anything, not after a 5xx or a lost
   * answer, after which it may have happened.
   */
  idempotent?: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The wait GitHub asks for, in ms, when the answer is a rate limit; undefined when it is not. */
export function rateLimitWait(
  status: number,
  headers: Headers,
  body: string,
  now: number,
): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
  const reset = headers.get("x-ratelimit-reset");
  if (headers.get("x-ratelimit-remaining") === "0" && reset !== null && /^\d+$/.test(reset.trim())) {
    return Math.max(0, Number(reset) * 1000 - now);
  }
  // A 403 without those is a permission error unless GitHub's message says rate limit.
  if (status === 429 || /rate limit/i.test(body)) return MAX_WAIT_MS;
  return undefined;
}

function apiError(method: string, path: string, res: Response, text: string, note = ""): ProviderError {
  return new ProviderError(`GitHub API ${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}${note}`, {
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

function request(t: ApiTarget, method: string, path: string, body: unknown): Promise<Response> {
  return (t.fetch ?? fetch)(`${t.apiUrl.replace(/\/+$/, "")}${path}`, {
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
}

/** One API call, retried as the header says; resolves with the JSON answer. */
export async function githubCall<T>(
  t: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<T> {
  const idempotent = opts.idempotent ?? method !== "POST";
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= MAX_ATTEMPTS;
    let res: Response;
    try {
      res = await request(t, method, path, body);
    } catch (e) {
      // No answer: the call may or may not have happened.
      if (!idempotent || last) throw e;
      await (t.sleep ?? sleep)(BASE_WAIT_MS * 2 ** (attempt - 1));
      continue;
    }
    if (res.ok) return (await res.json()) as T;
    const text = await res.text();
    const limited = rateLimitWait(res.status, res.headers, text, (t.now ?? Date.now)());
    const retryable = limited !== undefined || (res.status >= 500 && idempotent);
    if (!retryable || last)
      throw apiError(method, path, res, text, last && retryable ? ` (after ${attempt} attempts)` : "");
    const wait = limited ?? BASE_WAIT_MS * 2 ** (attempt - 1);
    if (wait > MAX_WAIT_MS) {
      throw apiError(
        method,
        path,
        res,
        text,
        ` (rate limited for ${Math.ceil(wait / 1000)} s more; not waiting)`,
      );
    }
    await (t.sleep ?? sleep)(wait);
  }
}

export interface AssociatedPull {
  number: number;
  state?: string;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  html_url?: string;
}

/**
 * The pull request a pushed commit came from: GitHub's "list pull requests associated with a
 * commit". After a merge, the merged one whose merge commit this is comes first, then any other
 * merged one, then the first listed.
 */
export async function pullForCommit(
  t: ApiTarget,
  owner: string,
  repo: string,
  sha: string,
): Promise<AssociatedPull | undefined> {
  const pulls = await githubCall<AssociatedPull[]>(t, "GET", `/repos/${owner}/${repo}/commits/${sha}/pulls`);
  return (
    pulls.find((p) => p.merged_at && p.merge_commit_sha === sha) ?? pulls.find((p) => p.merged_at) ?? pulls[0]
  );
}
