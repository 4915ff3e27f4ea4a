// The engine's typed results and progress events. The CLI commands (deploy, destroy, status,
// rollback) print these: the JSON result is the contract (DESIGN.md §9.4), the live views are
// rendered from the events alone. Nothing here ever holds a secret value.

import type { Health } from "../core/provider.js";
import type { Release } from "../state/store.js";

/** What became of one target in a deploy or rollback. */
/**
 * "skipped": not started, the run was stopped first; "interrupted": started, then stopped by
 * the first Ctrl-C before it finished (a step, or the health check, did not start).
 */
export type TargetStatus = "deployed" | "unchanged" | "failed" | "rolled-back" | "skipped" | "interrupted";

/** An error as reported in results and events: the closed set's JSON shape. */
export interface ReportedError {
  code: string;
  message: string;
  hint?: string;
  retryable?: boolean;
}

export interface HealthReport {
  ok: boolean;
  url: string;
  attempts: number;
  /** HTTP status of the last attempt; absent when no response arrived. */
  status?: number;
  expected: number;
  /** Latency of the last attempt, in milliseconds. */
  latencyMs: number;
  /** First 200 bytes of the last response body, on failure only. */
  body?: string;
  /** Why the last attempt failed without a response (refused, timeout). */
  error?: string;
  /** "platform": checked through the platform's readiness signal; `url` then names the target. */
  via?: "platform";
}

/** One operation a smoke test called (issue 23 item 3). */
export interface SmokeCall {
  /** Always GET: a smoke test never calls a method that changes anything. */
  method: string;
  /** The operation's path template, as in the document's `paths`. */
  path: string;
  operationId?: string;
  url: string;
  ok: boolean;
  /** Absent when no response arrived. */
  status?: number;
  /** The operation's documented response keys ("200", "2XX", "default"). */
  documented: string[];
  latencyMs: number;
  /** Why it failed: no response, an undocumented status or content type, the first schema error. */
  error?: string;
  /** What was not checked and why (a body over the size limit). */
  note?: string;
}

/** The smoke test of a release against service.openapi, after its health check passed. */
export interface SmokeReport {
  ok: boolean;
  /** service.openapi as the manifest names it. */
  document: string;
  calls: SmokeCall[];
  /** GET operations not called, and why (a required parameter without example, the budget...). */
  skipped: { method: string; path: string; operationId?: string; reason: string }[];
  /** The most operations called. */
  budget: number;
}

export interface TargetOutcome {
  target: string;
  platform: string;
  status: TargetStatus;
  /** Adapter calls made for the target, retries included (0: nothing was called). */
  attempts: number;
  error?: ReportedError;
  health?: HealthReport;
  /** The smoke test after a passed health check (health.smoke: openapi). */
  smoke?: SmokeReport;
  endpoint?: string;
  release?: string;
  /** "deleted" for a target removed from the stack and destroyed. */
  action?: "deleted";
}

/** What a run reports of the release it appended. */
export type ReleaseSummary = Pick<Release, "id" | "result" | "summary" | "createdAt" | "who">;

export interface DeployResult {
  stack: string;
  targets: TargetOutcome[];
  /** The release appended to the history; absent when nothing changed. */
  release?: ReleaseSummary;
  interrupted: boolean;
  /** 0 ok, 3 partial, 1 all failed, 130 interrupted (DESIGN.md §6). */
  exitCode: number;
  /** Lock takeovers and similar notices. */
  warnings: string[];
}

export type DestroyStatus = "destroyed" | "failed" | "skipped";

export interface DestroyOutcome {
  target: string;
  platform: string;
  status: DestroyStatus;
  attempts: number;
  error?: ReportedError;
}

export interface DestroyResult {
  stack: string;
  targets: DestroyOutcome[];
  release?: ReleaseSummary;
  interrupted: boolean;
  exitCode: number;
  warnings: string[];
}

export interface TargetStatusReport {
  target: string;
  platform?: string;
  health: Health;
  /** False for a target of the stack that was never deployed. */
  deployed: boolean;
  endpoint?: string;
  release?: string;
  deployedAt?: string;
  /** The cloud differs from what was recorded; undefined when it could not be read. */
  drift?: boolean;
  /** Dotted paths that drifted ("" when the whole target appeared or vanished). */
  driftPaths?: string[];
  detail?: string;
}

export interface StackStatusResult {
  stack: string;
  serial: number;
  targets: TargetStatusReport[];
}

/** One progress event; `at` is added by the emitter. */
export type ProgressEvent =
  | { type: "run-start"; stack: string; command: string; targets: string[] }
  | { type: "step-start"; target: string; step: string }
  | { type: "step-end"; target: string; step: string; ok: boolean; error?: ReportedError }
  | { type: "retry"; target: string; step: string; attempt: number; delayMs: number; code: string }
  | ({ type: "health"; target: string } & HealthReport)
  | ({ type: "smoke"; target: string } & SmokeCall)
  | {
      type: "rollback";
      target: string;
      phase: "start" | "end";
      method: "native" | "reapply";
      ok?: boolean;
      toRelease?: number;
      error?: ReportedError;
    }
  | {
      type: "target-end";
      target: string;
      status: TargetStatus | DestroyStatus;
      attempts: number;
      error?: ReportedError;
    }
  | { type: "warning"; message: string; target?: string }
  | { type: "interrupt"; message: string }
  | {
      type: "summary";
      stack: string;
      result: string;
      exitCode: number;
      counts: Record<string, number>;
      release?: number;
      lines: string[];
    };

export type StampedEvent = ProgressEvent & { at: string };

/** Where events go: a sink from progress.ts, or a test's collector. */
export interface ProgressSink {
  emit(event: StampedEvent): void;
  /** Stops timers and leaves the terminal tidy; idempotent. */
  close(): void;
}
