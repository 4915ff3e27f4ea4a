import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManifestError } from "../errors.js";
import type { Diagnostic } from "../errors.js";
import { displayPath, formatDiagnostic, problemsError, summarize } from "./format.js";

const base: Diagnostic = {
  severity: "error",
  code: "invalid-value",
  path: "targets.lambda.region",
  message: 'region "mars-1" is not an AWS region',
  file: "apiship.yaml",
  line: 12,
  column: 5,
  hint: "e.g. us-east-1",
};

describe("formatDiagnostic", () => {
  it("prints file:line:column, severity, path, message, then the hint", () => {
    expect(formatDiagnostic(base)).toBe(
      'apiship.yaml:12:5 error targets.lambda.region: region "mars-1" is not an AWS region\n  hint: e.g. us-east-1',
    );
  });

  it("leaves out what is unknown", () => {
    const { hint: _h, line: _l, column: _c, ...bare } = base;
    expect(formatDiagnostic({ ...bare, severity: "warning", path: "" })).toBe(
      'apiship.yaml warning: region "mars-1" is not an AWS region',
    );
    const { file: _f, ...nofile } = bare;
    expect(formatDiagnostic(nofile)).toBe(
      'error targets.lambda.region: region "mars-1" is not an AWS region',
    );
  });

  it("prints files under cwd relative to it", () => {
    const cwd = join("/", "work", "repo");
    expect(formatDiagnostic({ ...base, file: join(cwd, "svc", "apiship.yaml") }, { cwd })).toMatch(
      /^svc[/\\]apiship\.yaml:12:5 /,
    );
    expect(displayPath(join("/", "elsewhere", "apiship.yaml"), cwd)).toBe(
      join("/", "elsewhere", "apiship.yaml"),
    );
  });
});

describe("summaries", () => {
  it("counts errors and warnings", () => {
    expect(summarize([base, base, { ...base, severity: "warning" }])).toBe("2 errors, 1 warning");
    expect(summarize([base])).toBe("1 error");
  });

  it("makes one file's ManifestError carrying every diagnostic", () => {
    const e = problemsError("apiship.yaml", [base, { ...base, code: "x" }, { ...base, severity: "warning" }]);
    expect(e).toBeInstanceOf(ManifestError);
    expect(e.message).toBe("apiship.yaml: 2 problems and 1 warning");
    expect(e.diagnostics).toHaveLength(3);
    expect(problemsError("apiship.yaml", [base]).hint).toBe("e.g. us-east-1");
  });
});
