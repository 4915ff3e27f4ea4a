// `apiship logs --grep`: a plain substring (case-sensitive, as CloudWatch's quoted terms are) or a
// `/regex/flags` JavaScript regular expression. Substring is the default because a log search is
// mostly a literal ("timeout", a request id) and a regex's metacharacters would surprise there;
// the slashes are the explicit way in. Platforms read the parsed form to filter server-side only
// where their API's filter means the same or matches more; the engine filters every entry here.

import type { LogEntry } from "./provider.js";
import { UsageError } from "../errors.js";

export type GrepParts = { kind: "substring"; text: string } | { kind: "regex"; re: RegExp };

const REGEX = /^\/(.+)\/([dgimsuvy]*)$/s;

/** The pattern's form; throws a UsageError for a regex that does not compile. */
export function grepParts(pattern: string): GrepParts {
  const m = REGEX.exec(pattern);
  if (!m) return { kind: "substring", text: pattern };
  try {
    // g and y make test() stateful (lastIndex), which would skip matches between entries.
    return { kind: "regex", re: new RegExp(m[1] as string, (m[2] as string).replace(/[gy]/g, "")) };
  } catch (e) {
    throw new UsageError(`--grep ${pattern}: ${(e as Error).message}`, {
      hint: 'a plain substring (--grep timeout) or a JavaScript regular expression in slashes (--grep "/5\\d\\d/")',
    });
  }
}

/** A predicate over entries' messages for the pattern (everything when there is none). */
export function grepFilter(pattern: string | undefined): (e: LogEntry) => boolean {
  if (pattern === undefined || pattern === "") return () => true;
  const parts = grepParts(pattern);
  return parts.kind === "substring" ? (e) => e.message.includes(parts.text) : (e) => parts.re.test(e.message);
}

/** The substring a server-side filter may use, or undefined for a regex (or no pattern). */
export function grepSubstring(pattern: string | undefined): string | undefined {
  if (pattern === undefined || pattern === "") return undefined;
  const parts = grepParts(pattern);
  return parts.kind === "substring" ? parts.text : undefined;
}
