// deployStack: applies a plan to a stack (DESIGN.md §5, §6). Under the stack's lock it checks
// that the plan is still current, settles the intents an earlier run left open, then deploys
// the plan's targets in parallel (bounded globally and per platform), each one through
// targets.ts, and appends the release. It throws only when nothing could start (the lock is
// held, the plan is stale, the state is unreadable); everything after that is in the result.

import type { Registry } from "../core/registry.js";
import { assertPlanCurrent } from "../plan/file.js";
import { parseConnectTo } from "./connect-to.js";
import { fingerprintSecrets } from "../plan/secrets.js";
import type { Plan } from "../plan/types.js";
import type { Release } from "../state/store.js";
import type { EngineOptions } from "./begin.js";
import { withRun } from "./begin.js";
import { reconcileIntents } from "./intents.js";
import type { TargetJob } from "./jobs.js";
import { dominantAction, jobsFromPlan } from "./jobs.js";
import { Pool } from "./pool.js";
import { prepareSmoke } from "./smoke.js";
import type { Desired } from "./releases.js";
import { exitCodeOf, lastHealthy, releaseResult, snapshotTargets, summaryLine, whoAmI } from "./releases.js";
import type { RunContext } from "./run.js";
import { finishRun } from "./run.js";
import { deployTarget } from "./targets.js";
import type { TargetRunOptions } from "./targets.js";
import type { DeployResult, TargetOutcome } from "./types.js";

export const DEFAULT_CONCURRENCY = 8;

export interface DeployStackOptions extends EngineOptions {
  /** The plan to apply: fresh from planStack, or a saved one read with readPlanFile. */
  plan: Plan;
  /** The manifest's current SHA-256; a saved plan made from another manifest is refused. */
  manifestSha256?: string;
  /** Targets deployed at once in all (--concurrency); each platform's own limit applies too. */
  concurrency?: number;
  /** Roll back a target whose health check fails (--no-rollback turns it off). Default true. */
  rollback?: boolean;
  /** Check each deployed target's endpoint. Default true. */
  healthCheck?: boolean;
  /** The command recorded in the release; default the lock holder's command line. */
  command?: string;
}

/** Each platform's own limit (PlatformInfo.concurrency), looked up once per run. */
async function platformLimits(registry: Registry, jobs: readonly TargetJob[]): Promise<Map<string, number>> {
  const limits = new Map<string, number>();
  for (const id of new Set(jobs.map((j) => j.platform))) {
    const [provider = "", platform] = id.split("/");
    try {
      const info = await registry.platform(provider, platform);
      if (info?.concurrency !== undefined) limits.set(id, info.concurrency);
    } catch {
      // The target itself reports why its provider cannot load; the pool needs no limit for it.
    }
  }
  return limits;
}

function detailOf(job: TargetJob | undefined): string {
  if (!job) return "?";
  if (job.kind === "delete") return "delete (removed from the stack)";
  const types = job.changes.filter((c) => c.action !== "no-op").map((c) => c.type);
  return types.length ? `${dominantAction(job.changes)} (${types.join(", ")})` : "no changes";
}

async function runJobs(
  run: RunContext,
  jobs: TargetJob[],
  o: TargetRunOptions,
  concurrency: number,
): Promise<TargetOutcome[]> {
  const limits = await platformLimits(run.registry, jobs);
  const pool = new Pool({ global: concurrency, perKey: (k) => limits.get(k) });
  return Promise.all(
    jobs.map((job) =>
      pool.run(job.platform, async () => {
        const out = await deployTarget(run, job, o);
        const error = out.error ? { error: out.error } : {};
        run.emit({
          type: "target-end",
          target: out.target,
          status: out.status,
          attempts: out.attempts,
          ...error,
        });
        return out;
      }),
    ),
  );
}

async function appendIfChanged(
  run: RunContext,
  opts: { command: string; who: string },
  outcomes: TargetOutcome[],
  jobs: TargetJob[],
  desired: Map<string, Desired>,
  previous: Release | undefined,
): Promise<Release | undefined> {
  const acted = outcomes.filter((o) => o.status !== "unchanged" && o.status !== "skipped");
  if (acted.length === 0) return undefined;
  const byName = new Map(jobs.map((j) => [j.name, j]));
  return run.session.appendRelease({
    createdAt: run.now().toISOString(),
    who: opts.who,
    command: opts.command,
    result: releaseResult(outcomes, run.stop.aborted),
    summary: acted.map((o) => run.redact(summaryLine(o, detailOf(byName.get(o.target))))),
    targets: snapshotTargets(run.session.state.targets, desired, previous),
  });
}

/** Applies `opts.plan` to `opts.stack`. Throws LockError, PlanStaleError or StateError before anything starts. */
export async function deployStack(opts: DeployStackOptions): Promise<DeployResult> {
  return withRun(opts, "deploy", async ({ run, secrets, holder, interrupted }) => {
    const serial = run.session.state.serial;
    assertPlanCurrent(opts.plan, {
      stack: opts.stack.id,
      stateSerial: serial,
      manifestSha256: opts.manifestSha256 ?? opts.plan.manifest.sha256,
    });
    // A malformed rule is a usage error before anything starts, not a failed probe afterwards.
    const connectTo = parseConnectTo(opts.env.APISHIP_CONNECT_TO);
    // The smoke test's document is read before anything changes: a broken one stops the run here.
    const smoke = opts.healthCheck === false ? undefined : await prepareSmoke(opts.stack, opts.baseDir);
    await reconcileIntents(run);
    const jobs = jobsFromPlan(opts.plan, opts.stack, run.session.state);
    const hashes = await fingerprintSecrets(
      opts.stack.service,
      run.session.state.secretKey,
      opts.env,
      opts.baseDir,
    );
    const releases = await run.session.listReleases();
    const desired = new Map<string, Desired>();
    run.emit({
      type: "run-start",
      stack: opts.stack.id,
      command: "deploy",
      targets: jobs.map((j) => j.name),
    });
    const o: TargetRunOptions = {
      secrets: secrets.values,
      ...(secrets.error ? { secretsError: secrets.error } : {}),
      secretHashes: hashes.hashes,
      rollback: opts.rollback ?? true,
      healthCheck: opts.healthCheck ?? true,
      previous: (t) => lastHealthy(releases, t),
      desired,
      connectTo,
      plannedCode: Object.fromEntries(Object.entries(opts.plan.code ?? {}).map(([t, c]) => [t, c.sha256])),
      ...(smoke ? { smoke } : {}),
    };
    const outcomes = await runJobs(run, jobs, o, opts.concurrency ?? DEFAULT_CONCURRENCY);
    const command = opts.command ?? holder.command;
    const who = whoAmI(opts.env, holder.user, holder.host);
    const release = await appendIfChanged(run, { command, who }, outcomes, jobs, desired, releases.at(-1));
    const wasInterrupted = interrupted();
    const exitCode = exitCodeOf(outcomes, wasInterrupted);
    return finishRun(run, {
      stack: opts.stack.id,
      targets: outcomes,
      release,
      interrupted: wasInterrupted,
      exitCode,
    });
  });
}
