import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InternalError, UsageError } from "../errors.js";
import { outputEntry, parseOutputs, pullRequest, writeOutputs, writeStepSummary } from "./github.js";

const dir = mkdtempSync(join(tmpdir(), "apiship-ci-gh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("$GITHUB_OUTPUT", () => {
  it("writes each output in the heredoc form with a random delimiter", () => {
    const a = outputEntry("summary", "one\ntwo");
    const b = outputEntry("summary", "one\ntwo");
    const m = /^summary<<(ghadelimiter_[0-9a-f-]{36})\none\ntwo\n\1\n$/.exec(a);
    expect(m).not.toBeNull();
    expect(a).not.toBe(b);
  });

  it("refuses a value that contains the delimiter, which would end it early", () => {
    expect(() => outputEntry("x", "a\nEOF\nb", "EOF")).toThrow(InternalError);
  });

  it("appends to the file, multi-line and JSON values intact, next to what other steps wrote", () => {
    const file = join(dir, "output");
    writeFileSync(file, "earlier=1\n");
    const values = {
      "has-changes": "true",
      summary: "shop/dev: 1 to create\nshop/prod: no changes",
      endpoints: JSON.stringify({ web: "https://web.example/a=b" }),
      empty: "",
    };
    expect(writeOutputs({ GITHUB_OUTPUT: file }, values)).toBe(true);
    expect(parseOutputs(readFileSync(file, "utf8"))).toEqual({ earlier: "1", ...values });
  });

  it("is a no-op outside Actions", () => {
    expect(writeOutputs({}, { a: "b" })).toBe(false);
    expect(writeStepSummary({}, "# x")).toBe(false);
  });
});

describe("$GITHUB_STEP_SUMMARY", () => {
  it("appends Markdown ending with a new line", () => {
    const file = join(dir, "summary.md");
    writeStepSummary({ GITHUB_STEP_SUMMARY: file }, "### one");
    writeStepSummary({ GITHUB_STEP_SUMMARY: file }, "### two\n");
    expect(readFileSync(file, "utf8")).toBe("### one\n### two\n");
  });
});

describe("pullRequest", () => {
  const event = (name: string, payload: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(payload));
    return file;
  };

  it("reads the number of a pull_request event and the repository", () => {
    const path = event("pr.json", { action: "synchronize", pull_request: { number: 42 } });
    expect(pullRequest({ GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: "acme/shop" })).toEqual({
      owner: "acme",
      repo: "shop",
      number: 42,
    });
  });

  it("takes an issue_comment on a PR too, and nothing for a push", () => {
    const comment = event("ic.json", { issue: { number: 7, pull_request: { url: "x" } } });
    expect(pullRequest({ GITHUB_EVENT_PATH: comment, GITHUB_REPOSITORY: "a/b" })?.number).toBe(7);
    const issue = event("issue.json", { issue: { number: 8 } });
    expect(pullRequest({ GITHUB_EVENT_PATH: issue, GITHUB_REPOSITORY: "a/b" })).toBeUndefined();
    const push = event("push.json", { ref: "refs/heads/main" });
    expect(pullRequest({ GITHUB_EVENT_PATH: push, GITHUB_REPOSITORY: "a/b" })).toBeUndefined();
    expect(pullRequest({})).toBeUndefined();
  });

  it("refuses a malformed GITHUB_REPOSITORY", () => {
    const path = event("pr2.json", { pull_request: { number: 1 } });
    expect(() => pullRequest({ GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: "nope" })).toThrow(UsageError);
  });
});
