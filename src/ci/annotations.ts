// GitHub Actions workflow commands: `::error file=…,line=…::message` lines that the runner turns
// into annotations on the manifest's file and line, and `::group::` blocks that fold each
// target's log. The escaping follows the runner's own rules (those of @actions/core): data
// escapes %, CR and LF; property values escape ":" and "," as well, since those separate them.

import { isAbsolute, relative, resolve, sep } from "node:path";
import type { ProgressSink, StampedEvent } from "../apply/types.js";
import type { Diagnostic } from "../errors.js";
import { displayPath } from "../manifest/format.js";

export type Env = Record<string, string | undefined>;

/** True inside a GitHub Actions job, where workflow commands mean something. */
export function inGitHubActions(env: Env = process.env): boolean {
  return env.GITHUB_ACTIONS === "true";
}

export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export type CommandProperties = Record<string, string | number | undefined>;

/** One workflow command line (without the newline); undefined properties are left out. */
export function workflowCommand(command: string, props: CommandProperties, message: string): string {
  const list = Object.entries(props)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== "")
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${command}${list.length > 0 ? ` ${list.join(",")}` : ""}::${escapeData(message)}`;
}

/**
 * The file as the runner wants it for an annotation: relative to the repository checkout
 * (GITHUB_WORKSPACE) when it lies inside it, with forward slashes, since GitHub matches it
 * against the paths of the repository.
 */
export function annotationPath(file: string, env: Env = process.env, cwd = process.cwd()): string {
  const workspace = env.GITHUB_WORKSPACE;
  let path = displayPath(file, cwd);
  if (workspace && isAbsolute(workspace)) {
    const rel = relative(workspace, resolve(cwd, file));
    if (rel !== "" && !rel.startsWith("..") && !isAbsolute(rel)) path = rel;
  }
  return path.split(sep).join("/");
}

/** A manifest diagnostic as an `::error` / `::warning` annotation at its file, line and column. */
export function diagnosticAnnotation(d: Diagnostic, env: Env = process.env, cwd = process.cwd()): string {
  const title = d.path === "" ? `apiship: ${d.code}` : `apiship: ${d.code} at ${d.path}`;
  const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
  return workflowCommand(
    d.severity === "error" ? "error" : "warning",
    {
      file: d.file === undefined ? undefined : annotationPath(d.file, env, cwd),
      line: d.line,
      col: d.line === undefined ? undefined : d.column,
      title,
    },
    message,
  );
}

export interface GroupStream {
  write(s: string): unknown;
}

/**
 * Folds each target's progress lines into a `::group::<target>` block. Targets deploy in
 * parallel and a group must be one contiguous run of lines, so a target's lines are held until
 * its `target-end` and then written together; lines that belong to no target (the run's start,
 * the summary, interrupts) are written at once. `close()` writes what unfinished targets held.
 */
export function groupedSink(stream: GroupStream, makeSink: (s: GroupStream) => ProgressSink): ProgressSink {
  const direct = makeSink(stream);
  const held = new Map<string, { lines: string[]; sink: ProgressSink }>();
  const flush = (target: string) => {
    const entry = held.get(target);
    if (!entry) return;
    held.delete(target);
    entry.sink.close();
    stream.write(`${workflowCommand("group", {}, target)}\n${entry.lines.join("")}::endgroup::\n`);
  };
  return {
    emit(e: StampedEvent) {
      const target = "target" in e && typeof e.target === "string" ? e.target : undefined;
      if (target === undefined) return direct.emit(e);
      let entry = held.get(target);
      if (!entry) {
        const lines: string[] = [];
        entry = { lines, sink: makeSink({ write: (s: string) => lines.push(s) }) };
        held.set(target, entry);
      }
      entry.sink.emit(e);
      if (e.type === "target-end") flush(target);
    },
    close() {
      for (const target of [...held.keys()]) flush(target);
      direct.close();
    },
  };
}
