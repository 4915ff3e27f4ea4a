import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSink, memorySink } from "../apply/progress.js";
import type { ProgressEvent, StampedEvent } from "../apply/types.js";
import type { Diagnostic } from "../errors.js";
import {
  annotationPath,
  diagnosticAnnotation,
  escapeData,
  escapeProperty,
  groupedSink,
  inGitHubActions,
  workflowCommand,
} from "./annotations.js";

const at = "2026-01-01T00:00:00.000Z";
const ev = (e: ProgressEvent): StampedEvent => ({ ...e, at });

/** Inverse of the runner's escaping, to show nothing is lost. */
const unescape = (s: string) =>
  s
    .replace(/%0D/g, "\r")
    .replace(/%0A/g, "\n")
    .replace(/%3A/g, ":")
    .replace(/%2C/g, ",")
    .replace(/%25/g, "%");

describe("escaping", () => {
  it("escapes %, CR and LF in data, and : and , too in properties", () => {
    expect(escapeData("50% done\r\nnext: a, b")).toBe("50%25 done%0D%0Anext: a, b");
    expect(escapeProperty("C:\\x,y%\n")).toBe("C%3A\\x%2Cy%25%0A");
  });

  it("round-trips any text (escaping % first keeps %0A literal text apart from a new line)", () => {
    for (const s of ["%0A", "a%3Ab", "line1\nline2", "k=v,w:x", "%%25"]) {
      expect(unescape(escapeProperty(s))).toBe(s);
      expect(escapeProperty(s)).not.toMatch(/[\n\r:,]/);
      expect(escapeData(s)).not.toMatch(/[\n\r]/);
    }
  });

  it("writes one command line, leaving out empty properties", () => {
    expect(
      workflowCommand("error", { file: "a,b.yaml", line: 3, col: undefined, title: "" }, "bad\nthing"),
    ).toBe("::error file=a%2Cb.yaml,line=3::bad%0Athing");
    expect(workflowCommand("group", {}, "web")).toBe("::group::web");
  });
});

describe("diagnostic annotations", () => {
  const workspace = join("/", "home", "runner", "work", "shop");
  const d: Diagnostic = {
    severity: "error",
    code: "unknown-platform",
    message: "no platform lambda2: did you mean lambda?",
    path: "targets.api.platform",
    file: join(workspace, "deploy", "apiship.yaml"),
    line: 12,
    column: 15,
    hint: "platforms: lambda, ecs-fargate",
  };

  it("points at the file relative to the workspace, with line, column, title and hint", () => {
    const line = diagnosticAnnotation(d, { GITHUB_WORKSPACE: workspace }, "/elsewhere");
    expect(line).toBe(
      "::error file=deploy/apiship.yaml,line=12,col=15,title=apiship%3A unknown-platform at targets.api.platform" +
        "::no platform lambda2: did you mean lambda?%0Ahint: platforms: lambda, ecs-fargate",
    );
  });

  it("warnings become ::warning; a document-level problem without a place has no file or line", () => {
    const w: Diagnostic = { severity: "warning", code: "deprecated", message: "old key", path: "" };
    expect(diagnosticAnnotation(w, {}, "/x")).toBe("::warning title=apiship%3A deprecated::old key");
  });

  it("a file outside the workspace stays as the CLI shows it", () => {
    expect(annotationPath("/tmp/m/apiship.yaml", { GITHUB_WORKSPACE: workspace }, "/tmp/m")).toBe(
      "apiship.yaml",
    );
    expect(annotationPath("/opt/apiship.yaml", { GITHUB_WORKSPACE: workspace }, "/tmp")).toBe(
      "/opt/apiship.yaml",
    );
    expect(annotationPath("sub/apiship.yaml", { GITHUB_WORKSPACE: workspace }, workspace)).toBe(
      "sub/apiship.yaml",
    );
  });

  it("only GITHUB_ACTIONS=true counts as Actions", () => {
    expect(inGitHubActions({ GITHUB_ACTIONS: "true" })).toBe(true);
    expect(inGitHubActions({ GITHUB_ACTIONS: "false", CI: "true" })).toBe(false);
    expect(inGitHubActions({})).toBe(false);
  });
});

describe("groupedSink", () => {
  const collect = () => {
    const chunks: string[] = [];
    return { chunks, stream: { write: (s: string) => chunks.push(s) } };
  };

  it("holds each target's lines until its end and writes them as one group, however they interleave", () => {
    const { chunks, stream } = collect();
    const sink = groupedSink(stream, (s) => createSink("plain", s));
    sink.emit(ev({ type: "run-start", stack: "shop/dev", command: "deploy", targets: ["web", "api"] }));
    sink.emit(ev({ type: "step-start", target: "web", step: "create service" }));
    sink.emit(ev({ type: "step-start", target: "api", step: "create service" }));
    sink.emit(ev({ type: "step-end", target: "api", step: "create service", ok: true }));
    sink.emit(ev({ type: "target-end", target: "api", status: "deployed", attempts: 1 }));
    sink.emit(ev({ type: "step-end", target: "web", step: "create service", ok: true }));
    sink.emit(ev({ type: "target-end", target: "web", status: "deployed", attempts: 1 }));
    sink.close();
    const lines = chunks.join("").trimEnd().split("\n");
    expect(lines).toEqual([
      `${at} deploy shop/dev: 2 target(s): web, api`,
      "::group::api",
      `${at} api: create service...`,
      `${at} api: create service done`,
      `${at} api: deployed`,
      "::endgroup::",
      "::group::web",
      `${at} web: create service...`,
      `${at} web: create service done`,
      `${at} web: deployed`,
      "::endgroup::",
    ]);
  });

  it("writes what an unfinished target held when closed (an interrupted run), each event once", () => {
    const { chunks, stream } = collect();
    const inner = memorySink();
    const sink = groupedSink(stream, (s) => {
      const plain = createSink("plain", s);
      return { emit: (e) => (inner.emit(e), plain.emit(e)), close: () => plain.close() };
    });
    sink.emit(ev({ type: "step-start", target: "web", step: "create service" }));
    expect(chunks.join("")).toBe("");
    sink.emit(ev({ type: "interrupt", message: "Ctrl-C" }));
    sink.close();
    expect(chunks.join("")).toBe(
      `${at} interrupted: Ctrl-C\n::group::web\n${at} web: create service...\n::endgroup::\n`,
    );
    expect(inner.events.map((e) => e.type)).toEqual(["step-start", "interrupt"]);
  });
});
