// The GitHub API calls' retries against a server on 127.0.0.1 that fails first and then
// answers: each test scripts the answers, and the waits are recorded, not slept.

import { createServer } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ProviderError } from "../errors.js";
import { commentBody, upsertComment } from "./comment.js";
import { MAX_ATTEMPTS, githubCall, pullForCommit, rateLimitWait } from "./github-api.js";

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Run before answering (a POST that took effect although its answer is a 502). */
  effect?: (req: IncomingMessage, body: string) => void;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server that gives the scripted answers in order (the last one again once they run out). */
async function scripted(answers: Answer[] | ((req: IncomingMessage, body: string) => Answer)) {
  const seen: string[] = [];
  let i = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push(`${req.method ?? ""} ${req.url ?? ""}`);
      const a =
        typeof answers === "function"
          ? answers(req, body)
          : (answers[Math.min(i++, answers.length - 1)] as Answer);
      a.effect?.(req, body);
      res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
      res.end(JSON.stringify(a.body ?? {}));
    });
  });
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  const waits: number[] = [];
  const target = {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: "ghs_test",
    sleep: async (ms: number) => void waits.push(ms),
    now: () => 1_700_000_000_000,
  };
  return { target, seen, waits };
}

describe("githubCall retries", () => {
  it("a 5xx, then the answer: retried after a growing wait", async () => {
    const { target, seen, waits } = await scripted([
      { status: 502 },
      { status: 503 },
      { status: 200, body: [{ id: 1 }] },
    ]);
    expect(await githubCall(target, "GET", "/repos/a/b/issues/1/comments")).toEqual([{ id: 1 }]);
    expect(seen).toHaveLength(3);
    expect(waits).toEqual([1000, 2000]);
  });

  it("a secondary rate limit with retry-after: waits as long as GitHub says", async () => {
    const { target, waits } = await scripted([
      {
        status: 403,
        headers: { "retry-after": "7" },
        body: { message: "You have exceeded a secondary rate limit" },
      },
      { status: 200, body: { ok: true } },
    ]);
    expect(await githubCall(target, "GET", "/x")).toEqual({ ok: true });
    expect(waits).toEqual([7000]);
  });

  it("x-ratelimit-remaining: 0: waits until x-ratelimit-reset", async () => {
    const reset = String(1_700_000_000 + 12);
    const { target, waits } = await scripted([
      { status: 429, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset } },
      { status: 200, body: {} },
    ]);
    await githubCall(target, "GET", "/x");
    expect(waits).toEqual([12_000]);
  });

  it("a rate-limited POST is sent again (GitHub refused it unprocessed), a 5xx POST is not", async () => {
    const limited = await scripted([
      { status: 429, headers: { "retry-after": "1" } },
      { status: 201, body: { id: 9 } },
    ]);
    expect(await githubCall(limited.target, "POST", "/c", { body: "x" })).toEqual({ id: 9 });
    expect(limited.seen).toEqual(["POST /c", "POST /c"]);
    await new Promise<void>((r) => server?.close(() => r()));
    const failed = await scripted([{ status: 502 }, { status: 201, body: { id: 9 } }]);
    await expect(githubCall(failed.target, "POST", "/c", { body: "x" })).rejects.toThrow(/HTTP 502/);
    expect(failed.seen).toEqual(["POST /c"]);
  });

  it("a 403 that is no rate limit (a read-only token) fails at once, with the permissions hint", async () => {
    const { target, seen } = await scripted([
      { status: 403, body: { message: "Resource not accessible by integration" } },
    ]);
    const e = await githubCall(target, "GET", "/x").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).hint).toMatch(/pull-requests: write/);
    expect(seen).toHaveLength(1);
  });

  it("is bounded: after MAX_ATTEMPTS the last error stands; a wait past the cap is not waited", async () => {
    const always = await scripted([{ status: 500 }]);
    await expect(githubCall(always.target, "GET", "/x")).rejects.toThrow(`(after ${MAX_ATTEMPTS} attempts)`);
    expect(always.seen).toHaveLength(MAX_ATTEMPTS);
    expect(always.waits).toEqual([1000, 2000, 4000]);
    await new Promise<void>((r) => server?.close(() => r()));
    const later = await scripted([{ status: 403, headers: { "retry-after": "3600" } }]);
    await expect(githubCall(later.target, "GET", "/x")).rejects.toThrow(
      /rate limited for 3600 s more; not waiting/,
    );
    expect(later.waits).toEqual([]);
  });

  it("reads the rate-limit headers as GitHub documents them", () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(rateLimitWait(403, h({ "retry-after": "30" }), "", 0)).toBe(30_000);
    expect(
      rateLimitWait(403, h({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": "100" }), "", 40_000),
    ).toBe(60_000);
    expect(rateLimitWait(403, h({ "x-ratelimit-remaining": "12", "x-ratelimit-reset": "100" }), "", 0)).toBe(
      undefined,
    );
    expect(rateLimitWait(403, h({}), '{"message":"secondary rate limit"}', 0)).toBe(60_000);
    expect(rateLimitWait(429, h({}), "", 0)).toBe(60_000);
    expect(rateLimitWait(404, h({ "retry-after": "1" }), "", 0)).toBe(undefined);
  });
});

describe("upsertComment when a POST's answer is lost", () => {
  it("finds the comment the failed POST made instead of posting a second", async () => {
    const comments: { id: number; body: string; user: { type: string } }[] = [];
    const { target, seen } = await scripted((req, body) => {
      if (req.method === "GET") return { status: 200, body: comments };
      // The comment is made, and the answer is a 502 from a proxy in between.
      return {
        status: 502,
        effect: () =>
          void comments.push({
            id: 77,
            body: (JSON.parse(body) as { body: string }).body,
            user: { type: "Bot" },
          }),
      };
    });
    const pr = { owner: "a", repo: "b", number: 3 };
    const saved = await upsertComment({ ...target, pr }, "shop/prod", commentBody("shop/prod", "### plan"));
    expect(saved).toMatchObject({ action: "created", id: 77 });
    expect(comments).toHaveLength(1);
    expect(seen.filter((s) => s.startsWith("POST"))).toHaveLength(1);
  });
});

describe("pullForCommit", () => {
  it("picks the merged pull request whose merge commit was pushed", async () => {
    const sha = "abc123";
    const { target, seen } = await scripted([
      {
        status: 200,
        body: [
          { number: 4, state: "open", merged_at: null },
          { number: 7, state: "closed", merged_at: "2026-01-01T00:00:00Z", merge_commit_sha: "other" },
          { number: 8, state: "closed", merged_at: "2026-01-02T00:00:00Z", merge_commit_sha: sha },
        ],
      },
    ]);
    expect((await pullForCommit(target, "acme", "shop", sha))?.number).toBe(8);
    expect(seen).toEqual([`GET /repos/acme/shop/commits/${sha}/pulls`]);
  });
});
