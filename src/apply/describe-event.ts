// One human line per progress event: the plain sink's lines, the live view's step text, and
// its interrupt and warning lines. Apart from progress.ts so the live view and the sinks can
// both use it without importing each other.

import type { ProgressEvent } from "./types.js";

/** One human line per event (plain sink; the live view's current step, warnings and interrupt). */
export function describe(e: ProgressEvent): string {
  switch (e.type) {
    case "run-start":
      return `${e.command} ${e.stack}: ${e.targets.length} target(s): ${e.targets.join(", ")}`;
    case "step-start":
      return `${e.target}: ${e.step}...`;
    case "step-end":
      return `${e.target}: ${e.step} ${e.ok ? "done" : `failed: ${e.error?.message ?? ""}`}`;
    case "retry":
      return `${e.target}: ${e.step} failed (${e.code}), attempt ${e.attempt + 1} in ${e.delayMs} ms`;
    case "health": {
      if (e.via === "platform")
        return `${e.target}: health ${e.ok ? "ok" : "not yet"} (${e.url}: ${e.ok ? "ready" : (e.error ?? "unknown")}, attempt ${e.attempts})`;
      const got = e.status !== undefined ? `HTTP ${e.status}` : (e.error ?? "no response");
      const body = !e.ok && e.body ? ` body ${JSON.stringify(e.body)}` : "";
      return `${e.target}: health ${e.ok ? "ok" : "failed"} (GET ${e.url}: ${got}, ${e.latencyMs} ms, attempt ${e.attempts})${body}`;
    }
    case "smoke": {
      const op = `${e.method} ${e.path}${e.operationId ? ` (${e.operationId})` : ""}`;
      const got = e.status !== undefined ? `HTTP ${e.status}` : "no response";
      const why = e.ok ? (e.note ? `; ${e.note}` : "") : `: ${e.error ?? "failed"}`;
      return `${e.target}: smoke ${e.ok ? "ok" : "failed"} ${op}: ${got}, ${e.latencyMs} ms${why}`;
    }
    case "rollback":
      return e.phase === "start"
        ? `${e.target}: rolling back (${e.method}) to release ${e.toRelease ?? "?"}`
        : `${e.target}: rollback ${e.ok ? "done" : `failed: ${e.error?.message ?? ""}`}`;
    case "target-end":
      return `${e.target}: ${e.status}${e.attempts > 1 ? ` after ${e.attempts} attempts` : ""}${e.error ? `: ${e.error.message}` : ""}`;
    case "warning":
      return `warning: ${e.target ? `${e.target}: ` : ""}${e.message}`;
    case "interrupt":
      return `interrupted: ${e.message}`;
    case "summary":
      return [`${e.stack}: ${e.result} (exit ${e.exitCode})`, ...e.lines.map((l) => `  ${l}`)].join("\n");
  }
}
