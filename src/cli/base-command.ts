// Every command extends BaseCommand: it implements `exec()` returning a typed result and
// `render()` for people; the base prints either that or the `--json` envelope
// ({status, result, warnings} / {status, error, warnings}) and sets the exit code of
// DESIGN.md §6. Nobody hand-rolls --json (DESIGN.md §9.4).

import { installProxy } from "./proxy.js";
import { Command, Errors, Flags } from "@oclif/core";
import type { ApishipError, Diagnostic } from "../errors.js";
import { ExitCode, ManifestError, toApishipError, UsageError } from "../errors.js";
import { formatDiagnostic } from "../manifest/format.js";
import { diagnosticAnnotation, inGitHubActions } from "../ci/annotations.js";
import { colorEnabled, err, out, paint, printJson } from "./output.js";

export interface Outcome<T> {
  result: T;
  /** Overrides exit code 0 (e.g. 2 for a plan with changes under --detailed-exitcode). */
  exitCode?: number;
  /**
   * The command produced its result but failed as a whole (a plan some targets of which could
   * not be planned): the envelope says "error" and carries the error and the result.
   */
  error?: ApishipError;
}

/**
 * The envelope's status follows the exit code: a run that exits 1, 3 or 130 without an error of
 * its own (a deploy some targets of which failed) is an error for scripts too, and says why.
 * Exit 2 is plan --detailed-exitcode's "changes present", a success.
 */
function runFailure(command: string, exitCode: number): Record<string, unknown> | undefined {
  if (exitCode === ExitCode.ok || exitCode === ExitCode.changes) return undefined;
  const [code, what] =
    exitCode === ExitCode.partial
      ? ["PARTIAL", "some targets failed"]
      : exitCode === ExitCode.interrupted
        ? ["INTERRUPTED", "it was interrupted"]
        : ["FAILED", "it failed"];
  return {
    code,
    message: `${command} exited ${exitCode}: ${what}`,
    hint: "each target's status and error are in result",
    fault: "cloud",
  };
}

export abstract class BaseCommand<T> extends Command {
  static override baseFlags = {
    json: Flags.boolean({
      description: "Print one JSON document {status, result, warnings} on stdout instead of text.",
      helpGroup: "GLOBAL",
    }),
  };

  protected warnings: Diagnostic[] = [];
  protected jsonMode = false;
  /**
   * Commands that stream NDJSON progress events before their result print the envelope on one
   * line too, so the whole of stdout is NDJSON and the envelope is its last line.
   */
  protected streamsEvents = false;

  /** Does the work and returns the typed result (the `--json` contract). */
  protected abstract exec(): Promise<Outcome<T>>;
  /** The human view of the result. */
  protected abstract render(result: T): string;

  protected get color(): boolean {
    return colorEnabled(process.stdout);
  }

  protected addWarning(d: Diagnostic | string): void {
    this.warnings.push(
      typeof d === "string" ? { severity: "warning", code: "warning", message: d, path: "" } : d,
    );
  }

  async run(): Promise<void> {
    this.jsonMode = this.argv.includes("--json");
    try {
      await installProxy(process.env);
      const { result, exitCode, error } = await this.exec();
      if (this.jsonMode) {
        const failed = error?.toJSON() ?? runFailure(this.id ?? "command", exitCode ?? ExitCode.ok);
        const head = failed ? { status: "error", error: failed } : { status: "ok" };
        printJson({ ...head, result, warnings: this.warnings }, this.streamsEvents);
      } else {
        this.printWarnings();
        const text = this.render(result);
        if (text) out(text);
        if (error) this.printError(error);
      }
      process.exitCode = error ? error.exitCode : (exitCode ?? ExitCode.ok);
    } catch (e) {
      this.fail(e);
    }
  }

  private printWarnings(): void {
    const p = paint(colorEnabled(process.stderr));
    for (const w of this.warnings) err(p("yellow", formatDiagnostic(w)));
    this.annotate(this.warnings);
  }

  /** In GitHub Actions, problems also become annotations on the manifest's file and line. */
  protected annotate(diagnostics: readonly Diagnostic[]): void {
    if (!inGitHubActions(process.env)) return;
    for (const d of diagnostics) err(diagnosticAnnotation(d, process.env));
  }

  private fail(e: unknown): void {
    const error = toApishipError(fromOclif(e));
    if (this.jsonMode) {
      printJson({ status: "error", error: error.toJSON(), warnings: this.warnings }, this.streamsEvents);
    } else {
      this.printWarnings();
      this.printError(error);
      if (process.env.APISHIP_DEBUG && e instanceof Error && e.stack) err(e.stack);
    }
    process.exitCode = error.exitCode;
  }

  private printError(error: ApishipError): void {
    const p = paint(colorEnabled(process.stderr));
    if (error instanceof ManifestError && error.diagnostics.length > 0) {
      for (const d of error.diagnostics)
        err(d.severity === "error" ? formatDiagnostic(d) : p("yellow", formatDiagnostic(d)));
      this.annotate(error.diagnostics);
    }
    err(p("red", `Error: ${error.message}`));
    if (error.hint && !(error instanceof ManifestError && error.diagnostics.length > 0))
      err(`  hint: ${error.hint}`);
  }
}

/** oclif's own parse errors (unknown flag, missing arg) become UsageErrors with exit 1. */
function fromOclif(e: unknown): unknown {
  if (e instanceof Errors.CLIError && !(e instanceof Errors.ExitError)) {
    const message = e.message
      .replace(/\n\s*See more help with --help$/m, "")
      // oclif's flag-validation wrapper says nothing the errors under it do not.
      .replace(/^The following errors? occurred:\n\s*/, "");
    return new UsageError(message, {
      hint: "run the command with --help to see its flags and arguments",
    });
  }
  return e;
}
