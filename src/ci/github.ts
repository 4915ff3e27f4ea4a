// The files a GitHub Actions step talks to the runner through ($GITHUB_OUTPUT,
// $GITHUB_STEP_SUMMARY) and the pull request the run belongs to ($GITHUB_EVENT_PATH).

import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { InternalError, UsageError } from "../errors.js";
import type { Env } from "./annotations.js";

/**
 * One output in the runner's heredoc syntax (`name<<DELIM`, the value, `DELIM`), which carries
 * any value, new lines included. The delimiter is random so that no value can end it early.
 */
export function outputEntry(name: string, value: string, delimiter = `ghadelimiter_${randomUUID()}`): string {
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new InternalError(`the value of output ${name} contains its delimiter ${delimiter}`, {
      hint: "run the step again: the delimiter is random",
    });
  }
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** Appends the outputs to $GITHUB_OUTPUT; returns false when the variable is not set (not in Actions). */
export function writeOutputs(env: Env, outputs: Record<string, string>): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!file) return false;
  appendFileSync(
    file,
    Object.entries(outputs)
      .map(([k, v]) => outputEntry(k, v))
      .join(""),
  );
  return true;
}

/** Parses what writeOutputs wrote (both the heredoc and the plain `name=value` forms). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = "", delim = ""] = heredoc;
      const end = lines.indexOf(delim, i + 1);
      if (end < 0) throw new InternalError(`output ${name} has no closing ${delim}`);
      out[name] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      const at = line.indexOf("=");
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

/** Appends Markdown to the job's summary page; returns false when not in Actions. */
export function writeStepSummary(env: Env, markdown: string): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  return true;
}

export interface PullRequest {
  owner: string;
  repo: string;
  number: number;
}

/** The pull request of this run, from the event payload; undefined on a push or a schedule. */
export function pullRequest(env: Env): PullRequest | undefined {
  const path = env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return undefined;
  const event = JSON.parse(readFileSync(path, "utf8")) as {
    pull_request?: { number?: unknown };
    issue?: { number?: unknown; pull_request?: unknown };
  };
  const n = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  if (typeof n !== "number") return undefined;
  const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new UsageError(`GITHUB_REPOSITORY is "${env.GITHUB_REPOSITORY ?? ""}", not owner/repo`, {
      hint: "the runner sets it; outside GitHub Actions, set it to owner/repo",
    });
  }
  return { owner, repo, number: n };
}
