import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "../../test/fakes/github/server.js";
import { fakeGitHub } from "../../test/fakes/github/server.js";
import { ProviderError } from "../errors.js";
import type { CommentTarget } from "./comment.js";
import { COMMENT_LIMIT, commentBody, commentMarker, findComment, upsertComment } from "./comment.js";

const TOKEN = "ghs_test_token_value";
let gh: FakeGitHub;
let target: CommentTarget;

beforeEach(async () => {
  gh = await fakeGitHub({ token: TOKEN, repo: "acme/shop" });
  target = { apiUrl: gh.url, token: TOKEN, pr: { owner: "acme", repo: "shop", number: 12 } };
});
afterEach(() => gh.close());

describe("commentBody", () => {
  it("starts with the stack's hidden marker and keeps the Markdown and the run link", () => {
    const body = commentBody("shop/dev", "### plan\n\n**Plan: 1 to create.**\n", "https://github.test/run/1");
    expect(body.startsWith("<!-- apiship-plan:shop/dev -->\n### plan")).toBe(true);
    expect(body).toContain("**Plan: 1 to create.**");
    expect(body).toContain("[this run](https://github.test/run/1)");
  });

  it("a name cannot end the marker's HTML comment early", () => {
    expect(commentMarker("a-->b")).toBe("<!-- apiship-plan:a__b -->");
    expect(commentMarker("x>y").slice(4, -3)).not.toMatch(/--|>/);
  });

  it("a plan too long for GitHub keeps its head and points at the summary", () => {
    const head = "### apiship plan\n\n**Plan: 500 to create.**\n\n| Target |\n| --- |\n";
    const details = "\n<details>\n\n```diff\n" + "+ x = 1\n".repeat(20_000) + "```\n</details>\n";
    const body = commentBody("shop/dev", head + details);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain("**Plan: 500 to create.**");
    expect(body).not.toContain("<details>");
    expect(body).toMatch(/too long for a comment/);
  });
});

describe("upsertComment against a fake GitHub API", () => {
  it("creates the comment on the first run and edits the same one on the next", async () => {
    const first = await upsertComment(target, "shop/dev", commentBody("shop/dev", "plan one"));
    expect(first.action).toBe("created");
    const second = await upsertComment(target, "shop/dev", commentBody("shop/dev", "plan two"));
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]?.body).toContain("plan two");
    expect(gh.comments[0]?.issue).toBe(12);
    expect(gh.requests).toEqual([
      "GET /repos/acme/shop/issues/12/comments?per_page=100&page=1",
      "POST /repos/acme/shop/issues/12/comments",
      "GET /repos/acme/shop/issues/12/comments?per_page=100&page=1",
      `PATCH /repos/acme/shop/issues/comments/${first.id}`,
    ]);
  });

  it("never edits a person's comment that quotes the marker", async () => {
    const quoted = `why is ${commentMarker("shop/dev")} in the plan comment?`;
    gh.comments.push({
      id: 7,
      body: quoted,
      issue: 12,
      html_url: "",
      user: { login: "alice", type: "User" },
    });
    const r = await upsertComment(target, "shop/dev", commentBody("shop/dev", "the plan"));
    expect(r.action).toBe("created");
    expect(gh.comments.find((c) => c.id === 7)?.body).toBe(quoted);
  });

  it("keeps one comment per stack, and finds its own past the first page", async () => {
    for (let i = 0; i < 150; i++)
      gh.comments.push({ id: i + 1, body: `chatter ${i}`, issue: 12, html_url: "" });
    gh.comments.push({ id: 500, body: `${commentMarker("shop/prod")}\nold`, issue: 12, html_url: "" });
    const prod = await upsertComment(target, "shop/prod", commentBody("shop/prod", "new prod plan"));
    expect(prod).toMatchObject({ action: "updated", id: 500 });
    expect(gh.requests.filter((r) => r.startsWith("GET"))).toHaveLength(2);
    const dev = await upsertComment(target, "shop/dev", commentBody("shop/dev", "dev plan"));
    expect(dev.action).toBe("created");
    expect(await findComment(target, commentMarker("shop/dev"))).toMatchObject({ id: dev.id });
    expect(gh.comments.find((c) => c.id === 500)?.body).toContain("new prod plan");
  });

  it("a refused token is a ProviderError with the status and the permissions hint, never the token", async () => {
    gh.failWith = 403;
    const p = upsertComment(target, "shop/dev", "x");
    await expect(p).rejects.toBeInstanceOf(ProviderError);
    const e = (await p.catch((x: unknown) => x)) as ProviderError;
    expect(e.message).toMatch(/HTTP 403/);
    expect(e.hint).toMatch(/pull-requests: write/);
    expect(`${e.message} ${e.hint}`).not.toContain(TOKEN);
  });

  it("sends the token as a bearer credential (a wrong one is refused)", async () => {
    await expect(upsertComment({ ...target, token: "wrong" }, "shop/dev", "x")).rejects.toThrow(/HTTP 401/);
    expect(gh.comments).toHaveLength(0);
  });
});
