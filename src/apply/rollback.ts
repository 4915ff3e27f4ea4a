// `apiship rollback [--to RELEASE] [--target T]` (rollbackStack) and the per-target rollback
// the deploy uses after a failed health check (rollbackTarget, in rollback-target.ts). Where the
// platform has its own mechanism (adapter.rollback) it is used; otherwise the earlier release
// is re-applied from the service spec and options its snapshot kept (see rollback-target.ts).

import { UsageError, toApishipError } from "../errors.js";
import type { Release, TargetRecord } from "../state/store.js";
import { targetHandle } from "./adapters.js";
import type { EngineOptions } from "./begin.js";
import { withRun } from "./begin.js";
import { reconcileIntents } from "./intents.js";
import { Pool } from "./pool.js";
import type { Desired, Snapshot } from "./releases.js";
import { lastHealthy, snapshotTargets, splitSnapshot, whoAmI } from "./releases.js";
import { rollbackTarget } from "./rollback-target.js";
import type { RunContext } from "./run.js";
import { finishRun, interruptedError, reportError } from "./run.js";
import type { DeployResult, TargetOutcome } from "./types.js";

export { rollbackTarget } from "./rollback-target.js";
export type { RolledBack } from "./rollback-target.js";

export interface RollbackStackOptions extends EngineOptions {
  /** Release to go back to (--to); default, per target, the newest healthy release before the latest. */
  to?: number;
  /** Only these targets (--target); default every recorded target. */
  targets?: string[];
  command?: string;
}

export function pickSnapshot(
  releases: readonly Release[],
  target: string,
  to: number | undefined,
): Snapshot | undefined {
  if (to === undefined) {
    // What runs now is the newest release of the target, or, when a rollback (automatic, after a
    // failed deploy, or asked for) produced that entry, the release it returned to: "back" is the
    // newest healthy release before that one. Comparing releases, not inputs, also covers a
    // code-only change, whose service spec and options are the same as the release before.
    const newest = [...releases].sort((a, b) => b.id - a.id).find((r) => r.targets[target]);
    if (!newest) return undefined;
    const entry = splitSnapshot(newest.targets[target] as TargetRecord);
    const running = entry.desired?.from ?? newest.id;
    return lastHealthy(releases, target, running - 1);
  }
  const entry = releases.find((r) => r.id === to)?.targets[target];
  return entry ? { release: to, ...splitSnapshot(entry) } : undefined;
}

async function rollbackOne(
  run: RunContext,
  name: string,
  to: Snapshot | undefined,
  desired: Map<string, Desired>,
): Promise<TargetOutcome> {
  const current = run.session.state.targets[name];
  const platform = current?.platform ?? to?.record.platform ?? "";
  if (!to) {
    const error = reportError(
      new UsageError(`target ${name} has no earlier release to roll back to`, {
        hint: "`apiship history` lists the releases; pass one with --to",
      }),
      run.redact,
    );
    return { target: name, platform, status: "skipped", attempts: 0, error };
  }
  if (run.stop.aborted)
    return {
      target: name,
      platform,
      status: "skipped",
      attempts: 0,
      error: reportError(interruptedError(name), run.redact),
    };
  try {
    const handle = await targetHandle(run, name, current ?? to.record);
    const back = await rollbackTarget(run, handle, current, to);
    if (back.desired) desired.set(name, back.desired);
    const shown = back.record
      ? {
          ...(back.record.endpoint ? { endpoint: back.record.endpoint } : {}),
          ...(back.record.release ? { release: back.record.release } : {}),
        }
      : {};
    return {
      target: name,
      platform,
      status: back.ok ? "rolled-back" : "failed",
      attempts: back.attempts,
      ...shown,
      ...(back.error ? { error: back.error } : {}),
    };
  } catch (e) {
    return {
      target: name,
      platform,
      status: "failed",
      attempts: 0,
      error: reportError(toApishipError(e), run.redact),
    };
  }
}

/** `apiship rollback [--to RELEASE] [--target T]`: each target back to an earlier release. */
export async function rollbackStack(opts: RollbackStackOptions): Promise<DeployResult> {
  return withRun(opts, "rollback", async ({ run, holder, interrupted }) => {
    await reconcileIntents(run);
    const releases = await run.session.listReleases();
    if (opts.to !== undefined && !releases.some((r) => r.id === opts.to)) {
      throw new UsageError(`stack ${opts.stack.id} has no release ${opts.to}`, {
        hint: "`apiship history` lists the releases",
      });
    }
    const names = opts.targets ?? Object.keys(run.session.state.targets).sort();
    run.emit({ type: "run-start", stack: opts.stack.id, command: "rollback", targets: names });
    const desired = new Map<string, Desired>();
    const pool = new Pool({ global: 8, perKey: () => undefined });
    const outcomes = await Promise.all(
      names.map((n) =>
        pool.run("all", () => rollbackOne(run, n, pickSnapshot(releases, n, opts.to), desired)),
      ),
    );
    for (const o of outcomes)
      run.emit({
        type: "target-end",
        target: o.target,
        status: o.status,
        attempts: o.attempts,
        ...(o.error ? { error: o.error } : {}),
      });
    const ok = outcomes.filter((o) => o.status === "rolled-back").length;
    const acted = outcomes.filter((o) => o.status !== "skipped").length;
    let release: Release | undefined;
    if (acted > 0) {
      release = await run.session.appendRelease({
        createdAt: run.now().toISOString(),
        who: whoAmI(opts.env, holder.user, holder.host),
        command: opts.command ?? holder.command,
        result: ok === acted ? "rolled-back" : ok === 0 ? "failed" : "partial",
        summary: outcomes.map((o) =>
          run.redact(`${o.target}: rollback → ${o.status}${o.error ? `: ${o.error.message}` : ""}`),
        ),
        targets: snapshotTargets(run.session.state.targets, desired, releases.at(-1)),
      });
    }
    const wasInterrupted = interrupted();
    const exitCode = wasInterrupted
      ? 130
      : acted === 0
        ? outcomes.length === 0
          ? 0
          : 1
        : ok === acted
          ? 0
          : ok === 0
            ? 1
            : 3;
    return finishRun(run, {
      stack: opts.stack.id,
      targets: outcomes,
      release,
      interrupted: wasInterrupted,
      exitCode,
    });
  });
}
