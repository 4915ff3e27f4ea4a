// Releases (the history `apiship history` lists and `apiship rollback` goes back to). Each
// release keeps a snapshot of every target record after it. Re-applying an old release needs
// more than the adapter's state: the adapter's pure plan() works from the manifest, so each
// snapshot entry also keeps, under DESIRED_KEY, the service spec and target options that
// produced it and whether it passed its health check. Only release snapshots carry it, never
// the live state (the planner would report it as drift). Secret values are never in it: the
// service spec holds references, and rollback resolves them again.

import type { ServiceSpec } from "../manifest/types.js";
import type { Release, ReleaseResult, TargetRecord } from "../state/store.js";
import type { TargetOutcome } from "./types.js";

export const DESIRED_KEY = "apiship:desired";

export interface Desired {
  service: ServiceSpec;
  options: Record<string, unknown>;
  /** False when this release of the target failed its health check and was kept. */
  healthy: boolean;
  /** Set when a rollback produced this entry: the release it returned to (what now runs). */
  from?: number;
}

export interface Snapshot {
  release: number;
  record: TargetRecord;
  desired: Desired | undefined;
}

export function withDesired(record: TargetRecord, desired: Desired | undefined): TargetRecord {
  if (!desired) return record;
  return { ...record, state: { ...record.state, [DESIRED_KEY]: structuredClone(desired) } };
}

/** A snapshot entry split into the record as the state held it and its desired inputs. */
export function splitSnapshot(entry: TargetRecord): { record: TargetRecord; desired: Desired | undefined } {
  const { [DESIRED_KEY]: raw, ...state } = entry.state;
  const d = raw as Partial<Desired> | undefined;
  const desired =
    d && typeof d === "object" && d.service && d.options
      ? {
          service: d.service,
          options: d.options,
          healthy: d.healthy !== false,
          ...(typeof d.from === "number" ? { from: d.from } : {}),
        }
      : undefined;
  return { record: { ...entry, state }, desired };
}

/** The newest snapshot of `target` that passed its health check, optionally at or before release `atMost`. */
export function lastHealthy(
  releases: readonly Release[],
  target: string,
  atMost?: number,
): Snapshot | undefined {
  for (const r of [...releases].sort((a, b) => b.id - a.id)) {
    if (atMost !== undefined && r.id > atMost) continue;
    const entry = r.targets[target];
    if (!entry) continue;
    const { record, desired } = splitSnapshot(entry);
    if (desired === undefined || desired.healthy) return { release: r.id, record, desired };
  }
  return undefined;
}

/** Snapshot of all records after a run: this run's desired inputs, else the last release's if the record is unchanged. */
export function snapshotTargets(
  records: Record<string, TargetRecord>,
  desired: ReadonlyMap<string, Desired>,
  previous: Release | undefined,
): Record<string, TargetRecord> {
  const out: Record<string, TargetRecord> = {};
  for (const [name, record] of Object.entries(records)) {
    let d = desired.get(name);
    if (!d && previous?.targets[name]) {
      const prior = splitSnapshot(previous.targets[name]);
      if (prior.record.deployedAt === record.deployedAt) d = prior.desired;
    }
    out[name] = withDesired(record, d);
  }
  return out;
}

const FAILED = new Set(["failed", "rolled-back"]);

/**
 * succeeded / rolled-back / partial / failed from the outcomes of the targets that did something;
 * "interrupted" whenever the run was stopped, whatever the targets that finished did.
 */
export function releaseResult(outcomes: readonly TargetOutcome[], interrupted = false): ReleaseResult {
  if (interrupted) return "interrupted";
  const acted = outcomes.filter((o) => o.status !== "unchanged" && o.status !== "skipped");
  const bad = acted.filter((o) => FAILED.has(o.status));
  const skipped = outcomes.some((o) => o.status === "skipped");
  if (bad.length === 0) return skipped ? "partial" : "succeeded";
  if (bad.length === acted.length && acted.every((o) => o.status === "rolled-back")) return "rolled-back";
  return bad.length === acted.length ? "failed" : "partial";
}

/**
 * 0 ok; 3 partial: some targets failed and the others deployed, or every failed target was
 * rolled back, so each target serves a release that passed its health check; 1 all failed with
 * a target left as it failed; 130 interrupted. A pipeline tells "broken" (1) from "the new
 * release was refused, the old one serves" (3).
 */
export function exitCodeOf(outcomes: readonly TargetOutcome[], interrupted: boolean): number {
  if (interrupted) return 130;
  const acted = outcomes.filter((o) => o.status !== "unchanged" && o.status !== "skipped");
  const bad = acted.filter((o) => FAILED.has(o.status));
  if (bad.length === 0) return 0;
  if (bad.length < acted.length || bad.every((o) => o.status === "rolled-back")) return 3;
  return 1;
}

/** "web: update (service, route) → deployed", one line per target that did something. */
export function summaryLine(o: TargetOutcome, detail: string): string {
  const why = o.error ? `: ${o.error.message}` : "";
  return `${o.target}: ${detail} → ${o.status}${why}`;
}

export function whoAmI(env: Record<string, string | undefined>, user: string, host: string): string {
  return env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN ?? `${user}@${host}`;
}
